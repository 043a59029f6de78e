//! Bounded, trimmed, non-empty text for names, reasons and the like: checked once at the edge.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};

/// Text of 1 to `MAX` characters, trimmed, on one line: no control characters (a newline would
/// forge a line in a plain-text email: "Visitor: Ann\nApproved by: Security") and no bidi or
/// invisible format characters (U+202E turns "gpj.exe" around on screen).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Text<const MAX: usize>(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("must not be empty")]
    Empty,
    #[error("must be at most {max} characters (got {got})")]
    TooLong { max: usize, got: usize },
    #[error("must be one line, without control, bidi or invisible characters")]
    ControlCharacter,
}

impl<const MAX: usize> Text<MAX> {
    /// Trimmed; the bound counts what was sent, spaces around it included (as the OpenAPI
    /// document's `maxLength` says).
    pub fn parse(raw: &str) -> Result<Self, TextError> {
        let text = raw.trim();
        if text.is_empty() {
            return Err(TextError::Empty);
        }
        let chars = raw.chars().count();
        if chars > MAX {
            return Err(TextError::TooLong {
                max: MAX,
                got: chars,
            });
        }
        if text
            .chars()
            .any(|c| c.is_control() || is_bidi_or_invisible(c))
        {
            return Err(TextError::ControlCharacter);
        }
        Ok(Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The bidi controls and invisible format characters; the joiners some scripts need (U+200C,
/// U+200D) are allowed.
fn is_bidi_or_invisible(c: char) -> bool {
    matches!(c,
        '\u{061C}' | '\u{200B}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}')
}

/// The characters a [`Text`] never holds, as the body of a regular expression's class: the
/// control characters, and those of [`is_bidi_or_invisible`].
#[cfg(feature = "openapi")]
const REFUSED: &str = r"\u0000-\u001F\u007F-\u009F\u061C\u200B\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\uFFF9-\uFFFB";

/// In the OpenAPI document: 1 to `MAX` characters, at least one of them not a space, none of
/// them refused — exactly what [`Text::parse`] takes.
#[cfg(feature = "openapi")]
impl<const MAX: usize> utoipa::PartialSchema for Text<MAX> {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .min_length(Some(1))
            .max_length(Some(MAX))
            .pattern(Some(format!("^[^{REFUSED}]*[^\\s{REFUSED}][^{REFUSED}]*$")))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl<const MAX: usize> utoipa::ToSchema for Text<MAX> {
    fn name() -> std::borrow::Cow<'static, str> {
        format!("Text{MAX}").into()
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
        assert_eq!(Text::<6>::parse("  Ada ").unwrap().as_str(), "Ada");
        // The bound counts what was sent, as the OpenAPI document's maxLength does.
        assert_eq!(
            Text::<5>::parse("  Ada "),
            Err(TextError::TooLong { max: 5, got: 6 })
        );
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

    #[test]
    fn names_companies_and_reasons_are_one_line_without_bidi_or_invisible_characters() {
        for forged in [
            "Ann\nApproved by: security",
            "Ann\r\nBcc: x",
            "Ann\tB",
            "exe.\u{202E}gpj",
            "Ann\u{2066}B",
            "\u{200B}Ann",
            "Ann\u{FEFF}",
        ] {
            assert_eq!(
                Text::<99>::parse(forged),
                Err(TextError::ControlCharacter),
                "{forged:?}"
            );
        }
        // Names in every script stay, joiners included.
        for name in [
            "Ayşe Öztürk",
            "محمد",
            "می\u{200C}خواهم",
            "李小龙",
            "👩\u{200D}💻 Dev",
        ] {
            assert!(Text::<99>::parse(name).is_ok(), "{name}");
        }
    }
}
