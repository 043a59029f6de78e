//! Bounded, trimmed, non-empty text for names, reasons and the like: checked once at the edge.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};

/// Text of 1 to `MAX` characters, trimmed, without control characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Text<const MAX: usize>(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("must not be empty")]
    Empty,
    #[error("must be at most {max} characters (got {got})")]
    TooLong { max: usize, got: usize },
    #[error("must not contain control characters")]
    ControlCharacter,
}

impl<const MAX: usize> Text<MAX> {
    pub fn parse(raw: &str) -> Result<Self, TextError> {
        let text = raw.trim();
        let chars = text.chars().count();
        if chars == 0 {
            return Err(TextError::Empty);
        }
        if chars > MAX {
            return Err(TextError::TooLong {
                max: MAX,
                got: chars,
            });
        }
        if text.chars().any(|c| c.is_control() && c != '\n') {
            return Err(TextError::ControlCharacter);
        }
        Ok(Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<const MAX: usize> fmt::Display for Text<MAX> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de, const MAX: usize> Deserialize<'de> for Text<MAX> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Self::parse(&raw).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_trimmed_and_bounded() {
        assert_eq!(Text::<5>::parse("  Ada ").unwrap().as_str(), "Ada");
        assert_eq!(Text::<5>::parse("   "), Err(TextError::Empty));
        assert_eq!(
            Text::<5>::parse("Ingrid"),
            Err(TextError::TooLong { max: 5, got: 6 })
        );
        assert_eq!(
            Text::<5>::parse("Zoë"),
            Ok(Text("Zoë".into())),
            "counts characters, not bytes"
        );
        assert_eq!(
            Text::<9>::parse("a\u{0}b"),
            Err(TextError::ControlCharacter)
        );
    }
}
