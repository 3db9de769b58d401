//! MediaWiki's rules for page titles that hold on every wiki, so a form can check a title
//! before any wiki is asked.
//!
//! What differs between wikis (namespace names and aliases, first-letter case, interwiki
//! prefixes) is only known from a wiki's siteinfo, and a tool that needs it asks that wiki.

/// The longest title MediaWiki stores, in bytes of UTF-8 (its `page.page_title` column).
pub const MAX_TITLE_BYTES: usize = 255;

/// The characters that MediaWiki's `$wgLegalTitleChars` leaves out of every title: `#` begins a
/// section, `|` a link's label, and the brackets, braces and angle brackets are markup.
const CHARACTERS_NOT_IN_TITLES: [char; 8] = ['#', '<', '>', '[', ']', '|', '{', '}'];

/// The first character of `text` that no title may contain: one of `# < > [ ] | { }` or a
/// control character (MediaWiki refuses the ASCII ones; the C1 controls, which it would let
/// through, are refused too: no one types them into a title on purpose).
pub fn forbidden_character(text: &str) -> Option<char> {
    text.chars()
        .find(|c| c.is_control() || CHARACTERS_NOT_IN_TITLES.contains(c))
}

/// Whether `text` is `.` or `..` or has such a `/`-separated segment (`../a`, `a/./b`, `a/..`):
/// MediaWiki refuses those titles, since browsers resolve the segments away in a URL path.
pub fn has_dot_segment(text: &str) -> bool {
    text.split('/')
        .any(|segment| segment == "." || segment == "..")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_characters_and_control_characters_are_forbidden() {
        for (text, forbidden) in [
            ("A#B", '#'),
            ("a<b>", '<'),
            ("[[Link]]", '['),
            ("A]", ']'),
            ("A|label", '|'),
            ("{{Template}}", '{'),
            ("A}", '}'),
            ("A\u{7}B", '\u{7}'),
            ("A\nB", '\n'),
            ("A\tB", '\t'),
        ] {
            assert_eq!(forbidden_character(text), Some(forbidden), "{text:?}");
        }
    }

    #[test]
    fn the_first_forbidden_character_is_named() {
        assert_eq!(forbidden_character("a|b[c"), Some('|'));
    }

    #[test]
    fn punctuation_and_any_script_are_allowed() {
        for text in [
            "Main Page",
            "Help:Contents/de",
            "Straße 1/2: A&B?",
            "Ümlaut-ключ (日本語)",
            "a\"b'c",
            "100% sure",
            "Q42",
        ] {
            assert_eq!(forbidden_character(text), None, "{text:?}");
        }
    }

    #[test]
    fn dot_segments_are_found_anywhere_in_a_path() {
        for text in [".", "..", "./a", "../a", "a/./b", "a/../b", "a/.", "a/.."] {
            assert!(has_dot_segment(text), "{text:?}");
        }
        for text in ["a.b", "...", "a/.b", "a/..c", ".a/b", "Mr. Smith"] {
            assert!(!has_dot_segment(text), "{text:?}");
        }
    }
}
