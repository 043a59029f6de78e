//! An email address, checked once where it enters.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};

/// The longest address SMTP carries (RFC 5321's path limit less the brackets).
const MAX_LEN: usize = 254;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = String, format = Email))]
#[serde(transparent)]
pub struct Email(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a valid email address")]
pub struct InvalidEmail(pub String);

impl Email {
    /// Accepts `local@domain.tld` with no spaces; the domain is kept in lower case.
    pub fn parse(raw: &str) -> Result<Self, InvalidEmail> {
        let invalid = || InvalidEmail(raw.chars().take(80).collect());
        let trimmed = raw.trim();
        if trimmed.len() > MAX_LEN || trimmed.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(invalid());
        }
        let (local, domain) = trimmed.rsplit_once('@').ok_or_else(invalid)?;
        let domain_ok = domain.contains('.')
            && domain
                .split('.')
                .all(|label| !label.is_empty() && !label.starts_with('-') && !label.ends_with('-'))
            && domain
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '.');
        if local.is_empty() || local.len() > 64 || local.contains('@') || !domain_ok {
            return Err(invalid());
        }
        Ok(Self(format!("{local}@{}", domain.to_lowercase())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for Email {
    type Err = InvalidEmail;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        Self::parse(raw)
    }
}

impl<'de> Deserialize<'de> for Email {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Self::parse(&raw).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_addresses_are_accepted_and_domain_lowercased() {
        let email = Email::parse(" Ada.Lindqvist+visitors@Northwind.Example ").unwrap();
        assert_eq!(email.as_str(), "Ada.Lindqvist+visitors@northwind.example");
        assert!(
            Email::parse("jens@blåbær.example").is_ok(),
            "internationalised domains"
        );
    }

    #[test]
    fn malformed_addresses_are_refused() {
        for raw in [
            "",
            "plainaddress",
            "@example.com",
            "ada@",
            "ada@localhost",
            "ada @example.com",
            "ada@exa mple.com",
            "ada@@example.com",
            "ada@example..com",
            "ada@-example.com",
            "ada\n@example.com",
            &format!("{}@example.com", "a".repeat(65)),
            &format!("ada@{}.com", "e".repeat(260)),
        ] {
            assert!(Email::parse(raw).is_err(), "{raw:?} was accepted");
        }
    }

    #[test]
    fn deserializing_checks_the_address() {
        assert!(serde_json::from_str::<Email>("\"ada@example.com\"").is_ok());
        let err = serde_json::from_str::<Email>("\"not-an-email\"").unwrap_err();
        assert!(
            err.to_string().contains("not a valid email address"),
            "{err}"
        );
    }
}
