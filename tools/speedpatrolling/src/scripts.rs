//! Which Unicode scripts a patroller reads, and which script an edit is mainly written in.

use std::collections::BTreeMap;

use unicode_script::{Script, UnicodeScript};

/// The scripts offered on the settings page, by their Unicode names.
pub const OFFERED: &[&str] = &[
    "Latin",
    "Cyrillic",
    "Greek",
    "Armenian",
    "Georgian",
    "Hebrew",
    "Arabic",
    "Syriac",
    "Thaana",
    "Devanagari",
    "Bengali",
    "Gurmukhi",
    "Gujarati",
    "Oriya",
    "Tamil",
    "Telugu",
    "Kannada",
    "Malayalam",
    "Sinhala",
    "Thai",
    "Lao",
    "Tibetan",
    "Myanmar",
    "Khmer",
    "Ethiopic",
    "Han",
    "Hiragana",
    "Katakana",
    "Hangul",
];

/// The interface message naming an offered script (`OFFERED`), for the settings page; the
/// form's values stay the Unicode names.
pub fn label_key(script: &str) -> Option<&'static str> {
    match script {
        "Latin" => Some("speedpatrolling-script-latin"),
        "Cyrillic" => Some("speedpatrolling-script-cyrillic"),
        "Greek" => Some("speedpatrolling-script-greek"),
        "Armenian" => Some("speedpatrolling-script-armenian"),
        "Georgian" => Some("speedpatrolling-script-georgian"),
        "Hebrew" => Some("speedpatrolling-script-hebrew"),
        "Arabic" => Some("speedpatrolling-script-arabic"),
        "Syriac" => Some("speedpatrolling-script-syriac"),
        "Thaana" => Some("speedpatrolling-script-thaana"),
        "Devanagari" => Some("speedpatrolling-script-devanagari"),
        "Bengali" => Some("speedpatrolling-script-bengali"),
        "Gurmukhi" => Some("speedpatrolling-script-gurmukhi"),
        "Gujarati" => Some("speedpatrolling-script-gujarati"),
        "Oriya" => Some("speedpatrolling-script-oriya"),
        "Tamil" => Some("speedpatrolling-script-tamil"),
        "Telugu" => Some("speedpatrolling-script-telugu"),
        "Kannada" => Some("speedpatrolling-script-kannada"),
        "Malayalam" => Some("speedpatrolling-script-malayalam"),
        "Sinhala" => Some("speedpatrolling-script-sinhala"),
        "Thai" => Some("speedpatrolling-script-thai"),
        "Lao" => Some("speedpatrolling-script-lao"),
        "Tibetan" => Some("speedpatrolling-script-tibetan"),
        "Myanmar" => Some("speedpatrolling-script-myanmar"),
        "Khmer" => Some("speedpatrolling-script-khmer"),
        "Ethiopic" => Some("speedpatrolling-script-ethiopic"),
        "Han" => Some("speedpatrolling-script-han"),
        "Hiragana" => Some("speedpatrolling-script-hiragana"),
        "Katakana" => Some("speedpatrolling-script-katakana"),
        "Hangul" => Some("speedpatrolling-script-hangul"),
        _ => None,
    }
}

/// The script every patroller is assumed to read (Wikidata's own interface language is English).
pub const ALWAYS: &str = "Latin";

/// Scripts of the languages a user declares with Babel (codes as MediaWiki uses them).
/// Languages not listed here add nothing; Latin is always added.
const LANGUAGE_SCRIPTS: &[(&str, &[&str])] = &[
    ("ar", &["Arabic"]),
    ("arz", &["Arabic"]),
    ("fa", &["Arabic"]),
    ("ur", &["Arabic"]),
    ("ps", &["Arabic"]),
    ("ckb", &["Arabic"]),
    ("ug", &["Arabic"]),
    ("he", &["Hebrew"]),
    ("yi", &["Hebrew"]),
    ("ru", &["Cyrillic"]),
    ("uk", &["Cyrillic"]),
    ("be", &["Cyrillic"]),
    ("be-tarask", &["Cyrillic"]),
    ("bg", &["Cyrillic"]),
    ("mk", &["Cyrillic"]),
    ("sr", &["Cyrillic", "Latin"]),
    ("kk", &["Cyrillic"]),
    ("ky", &["Cyrillic"]),
    ("mn", &["Cyrillic"]),
    ("tg", &["Cyrillic"]),
    ("tt", &["Cyrillic"]),
    ("ba", &["Cyrillic"]),
    ("ce", &["Cyrillic"]),
    ("cv", &["Cyrillic"]),
    ("el", &["Greek"]),
    ("hy", &["Armenian"]),
    ("ka", &["Georgian"]),
    ("hi", &["Devanagari"]),
    ("mr", &["Devanagari"]),
    ("ne", &["Devanagari"]),
    ("sa", &["Devanagari"]),
    ("bn", &["Bengali"]),
    ("as", &["Bengali"]),
    ("pa", &["Gurmukhi"]),
    ("gu", &["Gujarati"]),
    ("or", &["Oriya"]),
    ("ta", &["Tamil"]),
    ("te", &["Telugu"]),
    ("kn", &["Kannada"]),
    ("ml", &["Malayalam"]),
    ("si", &["Sinhala"]),
    ("th", &["Thai"]),
    ("lo", &["Lao"]),
    ("bo", &["Tibetan"]),
    ("dz", &["Tibetan"]),
    ("my", &["Myanmar"]),
    ("km", &["Khmer"]),
    ("am", &["Ethiopic"]),
    ("ti", &["Ethiopic"]),
    ("dv", &["Thaana"]),
    ("syc", &["Syriac"]),
    ("zh", &["Han"]),
    ("zh-hans", &["Han"]),
    ("zh-hant", &["Han"]),
    ("yue", &["Han"]),
    ("wuu", &["Han"]),
    ("lzh", &["Han"]),
    ("ja", &["Han", "Hiragana", "Katakana"]),
    ("ko", &["Hangul", "Han"]),
];

/// The default for a user who has not chosen: Latin plus the scripts of their Babel languages.
pub fn guess_from_babel<'a>(languages: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut scripts = vec![ALWAYS.to_owned()];
    for language in languages {
        let language = language.to_ascii_lowercase();
        // `sr-ec`, `zh-tw`, `pt-br`: fall back to the base language.
        let base = language.split('-').next().unwrap_or_default();
        let found = LANGUAGE_SCRIPTS
            .iter()
            .find(|(code, _)| *code == language)
            .or_else(|| LANGUAGE_SCRIPTS.iter().find(|(code, _)| *code == base));
        for script in found.map(|(_, scripts)| *scripts).unwrap_or_default() {
            if !scripts.iter().any(|s| s == script) {
                scripts.push((*script).to_owned());
            }
        }
    }
    scripts
}

/// The script most letters of `text` are in, if it has more than half of them. Digits,
/// punctuation and marks shared by all scripts (Common, Inherited) do not count.
pub fn dominant_script(text: &str) -> Option<String> {
    let mut counts: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut total = 0usize;
    for c in text.chars().filter(|c| c.is_alphabetic()) {
        let script = c.script();
        if matches!(script, Script::Common | Script::Inherited | Script::Unknown) {
            continue;
        }
        *counts.entry(script.full_name()).or_default() += 1;
        total += 1;
    }
    let (script, count) = counts.into_iter().max_by_key(|(_, count)| *count)?;
    (count * 2 > total).then(|| script.to_owned())
}

/// Whether a patroller reading `readable` scripts should see an edit adding `added_text`:
/// yes unless the text is mainly in a script they did not choose.
pub fn is_readable(added_text: &str, readable: &[String]) -> bool {
    match dominant_script(added_text) {
        Some(script) => readable.contains(&script),
        None => true,
    }
}

/// The text a diff table (MediaWiki's `action=compare` HTML) adds: the contents of its
/// `diff-addedline` cells, tags removed and the common entities decoded.
pub fn added_text(diff_html: &str) -> String {
    let mut text = String::new();
    for cell in diff_html.split("class=\"diff-addedline").skip(1) {
        let Some(start) = cell.find('>') else {
            continue;
        };
        let end = cell.find("</td>").unwrap_or(cell.len());
        if start < end {
            text.push_str(&strip_tags(&cell[start + 1..end]));
            text.push('\n');
        }
    }
    text
}

fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#039;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owned(scripts: &[&str]) -> Vec<String> {
        scripts.iter().map(|&s| s.to_owned()).collect()
    }

    #[test]
    fn dominant_script_needs_a_majority_of_letters() {
        assert_eq!(dominant_script("Hello world").as_deref(), Some("Latin"));
        assert_eq!(
            dominant_script("Москва (город) 1147").as_deref(),
            Some("Cyrillic")
        );
        assert_eq!(dominant_script("東京都"), Some("Han".to_owned()));
        assert_eq!(
            dominant_script("12345 – (!)"),
            None,
            "no letters, no script"
        );
        assert_eq!(dominant_script("abc абв"), None, "a tie is no majority");
        assert_eq!(dominant_script("abcd абв").as_deref(), Some("Latin"));
    }

    #[test]
    fn edits_in_an_unread_script_are_unreadable() {
        let latin = owned(&["Latin"]);
        assert!(is_readable("Berlin", &latin));
        assert!(!is_readable("Берлин", &latin));
        assert!(is_readable("Берлин", &owned(&["Latin", "Cyrillic"])));
        assert!(
            is_readable("Q42 P31 2024-01-01", &latin),
            "IDs and dates are for everyone"
        );
    }

    #[test]
    fn babel_languages_add_their_scripts_to_latin() {
        assert_eq!(guess_from_babel([]), ["Latin"]);
        assert_eq!(guess_from_babel(["de", "en"]), ["Latin"]);
        assert_eq!(
            guess_from_babel(["ru", "uk", "ja"]),
            ["Latin", "Cyrillic", "Han", "Hiragana", "Katakana"]
        );
        assert_eq!(
            guess_from_babel(["sr-ec", "zh-TW", "xx"]),
            ["Latin", "Cyrillic", "Han"]
        );
    }

    #[test]
    fn added_text_comes_from_added_lines_only() {
        let html = r#"<tr><td class="diff-deletedline diff-side-deleted"><div>Старый</div></td>
            <td class="diff-addedline diff-side-added"><div>Neu <ins class="diffchange">&amp; besser</ins></div></td></tr>
            <tr><td class="diff-context"><div>unchanged</div></td></tr>"#;
        assert_eq!(added_text(html), "Neu & besser\n");
    }

    #[test]
    fn every_offered_script_is_a_unicode_script_name() {
        let names: Vec<&str> = "aА Ωա ა אا ܐ ހक ব ਕ ક ଓ த తಕ മ සก ລ ཀ က ក አ 漢 ひ カ 한"
            .chars()
            .filter(|c| c.is_alphabetic())
            .map(|c| c.script().full_name())
            .collect();
        for script in OFFERED {
            assert!(
                names.contains(script),
                "{script} is not a script name of the sample"
            );
        }
    }

    #[test]
    fn every_offered_script_has_a_label() {
        for script in OFFERED {
            let key = label_key(script).expect("a label");
            assert_eq!(
                key,
                format!("speedpatrolling-script-{}", script.to_lowercase())
            );
        }
        assert_eq!(label_key("Klingon"), None);
    }
}
