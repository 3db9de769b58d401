//! The two inputs, parsed once at the edge: a message key and a language code.

use std::fmt;

use platform::Text;
use wikimedia::title;

/// A translatewiki.net message key, e.g. `tooltip-ca-edit`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageKey(String);

/// Longest key accepted; MediaWiki titles are at most 255 bytes, and the key is part of one.
pub const MAX_KEY_BYTES: usize = 200;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidInput {
    #[error("Please enter a message key.")]
    EmptyKey,
    #[error("The message key is too long (at most {MAX_KEY_BYTES} bytes).")]
    KeyTooLong,
    #[error("The message key contains a control character.")]
    KeyControlCharacter,
    #[error(
        "The message key contains “{0}”, which no page title (and so no message key) can contain."
    )]
    KeyForbiddenCharacter(char),
    #[error(
        "“{0}” cannot be a message key: page titles cannot be or contain “.” or “..” path segments."
    )]
    KeyDotSegment(String),
    #[error("Please enter a language code.")]
    EmptyLanguageCode,
    #[error(
        "“{0}” is not a language code: use letters, digits and hyphens, like “de”, “pt-br” or “zh-hans”."
    )]
    MalformedLanguageCode(String),
}

impl InvalidInput {
    /// The reason, as an interface message.
    pub fn text(&self) -> Text {
        match self {
            Self::EmptyKey => Text::new("translate-link-error-empty-key"),
            Self::KeyTooLong => Text::new("translate-link-error-key-too-long").num(MAX_KEY_BYTES),
            Self::KeyControlCharacter => Text::new("translate-link-error-key-control"),
            Self::KeyForbiddenCharacter(c) => {
                Text::new("translate-link-error-key-character").arg(c)
            }
            Self::KeyDotSegment(key) => Text::new("translate-link-error-key-dots").arg(key),
            Self::EmptyLanguageCode => Text::new("translate-link-error-empty-language"),
            Self::MalformedLanguageCode(code) => {
                Text::new("translate-link-error-language").arg(code)
            }
        }
    }
}

impl MessageKey {
    pub fn parse(input: &str) -> Result<Self, InvalidInput> {
        let key = input.trim();
        if key.is_empty() {
            return Err(InvalidInput::EmptyKey);
        }
        if key.len() > MAX_KEY_BYTES {
            return Err(InvalidInput::KeyTooLong);
        }
        // The key is part of a title (`MediaWiki:<key>/<language>`), so title rules apply;
        // a control character has a message of its own, wherever it is in the key.
        if key.chars().any(char::is_control) {
            return Err(InvalidInput::KeyControlCharacter);
        }
        if let Some(c) = title::forbidden_character(key) {
            return Err(InvalidInput::KeyForbiddenCharacter(c));
        }
        if title::has_dot_segment(key) {
            return Err(InvalidInput::KeyDotSegment(key.to_owned()));
        }
        Ok(Self(key.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for MessageKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A BCP-47-like language code as translatewiki.net uses them: `de`, `pt-br`, `be-tarask`, `qqq`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LanguageCode(String);

/// Longest code accepted (BCP 47 tags in practice stay well below this).
pub const MAX_LANGUAGE_CODE_LENGTH: usize = 35;

impl LanguageCode {
    pub fn parse(input: &str) -> Result<Self, InvalidInput> {
        let code = input.trim();
        if code.is_empty() {
            return Err(InvalidInput::EmptyLanguageCode);
        }
        let well_formed = code.len() <= MAX_LANGUAGE_CODE_LENGTH
            && code
                .split('-')
                .all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric()));
        if !well_formed {
            return Err(InvalidInput::MalformedLanguageCode(code.to_owned()));
        }
        Ok(Self(code.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for LanguageCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_is_trimmed() {
        assert_eq!(
            MessageKey::parse("  edit \n").map(|k| k.0),
            Ok("edit".to_owned())
        );
    }

    #[test]
    fn key_may_contain_slashes_colons_and_unicode() {
        for key in ["wikibase-entity/item", "Foo:Bar", "ümlaut-ключ", "a\"b"] {
            assert!(MessageKey::parse(key).is_ok(), "{key}");
        }
    }

    #[test]
    fn bad_keys_are_refused_with_the_reason() {
        assert_eq!(MessageKey::parse(" "), Err(InvalidInput::EmptyKey));
        assert_eq!(
            MessageKey::parse(&"a".repeat(201)),
            Err(InvalidInput::KeyTooLong)
        );
        assert!(MessageKey::parse(&"a".repeat(200)).is_ok());
        assert_eq!(
            MessageKey::parse("a\u{7}b"),
            Err(InvalidInput::KeyControlCharacter)
        );
        assert_eq!(
            MessageKey::parse("a|b"),
            Err(InvalidInput::KeyForbiddenCharacter('|'))
        );
        for key in [".", "..", "a/../b", "./a", "a/."] {
            assert_eq!(
                MessageKey::parse(key),
                Err(InvalidInput::KeyDotSegment(key.to_owned()))
            );
        }
        assert!(MessageKey::parse("a.b/..c").is_ok());
    }

    #[test]
    fn language_codes_like_translatewiki_uses_are_accepted() {
        for code in [
            "de",
            "pt-br",
            "be-tarask",
            "zh-Hans-CN",
            "qqq",
            "sr-ec",
            "x-123",
        ] {
            assert_eq!(LanguageCode::parse(code).map(|c| c.0), Ok(code.to_owned()));
        }
    }

    #[test]
    fn malformed_language_codes_are_refused() {
        for code in [
            "de_DE", "-de", "de-", "de--at", "d e", "de/", "<script>", "ü",
        ] {
            assert_eq!(
                LanguageCode::parse(code),
                Err(InvalidInput::MalformedLanguageCode(code.to_owned())),
                "{code}"
            );
        }
        assert_eq!(
            LanguageCode::parse(""),
            Err(InvalidInput::EmptyLanguageCode)
        );
        assert!(LanguageCode::parse(&"a".repeat(36)).is_err());
    }
}
