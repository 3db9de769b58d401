//! Languages as MediaWiki names them: fallback chains, writing direction, names in the
//! language itself, and which one a request asks for. A leaf: it depends on no other module.
//!
//! The fallback chains and right-to-left codes follow MediaWiki's `languages/messages/Messages*.php`
//! (`$fallback`, `$rtl`) for the languages they name; any other code falls back by dropping its
//! last subtag (`de-at` → `de`), and every chain ends in English.

/// MediaWiki's fallbacks where dropping a subtag is not it (the first entry is the code, the rest
/// its chain before English).
const FALLBACKS: &[(&str, &[&str])] = &[
    ("de-formal", &["de"]),
    ("nl-informal", &["nl"]),
    ("pt-br", &["pt"]),
    ("zh", &["zh-hans"]),
    ("zh-cn", &["zh-hans"]),
    ("zh-sg", &["zh-hans"]),
    ("zh-my", &["zh-hans"]),
    ("zh-hant", &["zh-hans"]),
    ("zh-tw", &["zh-hant", "zh-hans"]),
    ("zh-hk", &["zh-hant", "zh-hans"]),
    ("zh-mo", &["zh-hant", "zh-hans"]),
    ("crh", &["crh-latn"]),
    ("lb", &["de"]),
    ("gsw", &["de"]),
    ("bar", &["de"]),
    ("nds", &["de"]),
    ("ksh", &["de"]),
    ("nb", &["no", "nn"]),
    ("nn", &["no", "nb"]),
    ("gl", &["pt"]),
    ("oc", &["ca", "fr"]),
    ("an", &["es"]),
    ("ast", &["es"]),
    ("uk", &["ru"]),
    ("be", &["ru"]),
    ("tt", &["tt-cyrl", "ru"]),
    ("sah", &["ru"]),
    ("ba", &["ru"]),
    ("arz", &["ar"]),
    ("ary", &["ar"]),
];

/// Languages written right to left (MediaWiki's `$rtl = true`).
const RIGHT_TO_LEFT: &[&str] = &[
    "ar", "arc", "arz", "ary", "azb", "bcc", "bgn", "bqi", "ckb", "dv", "fa", "glk", "he", "khw",
    "ks", "ks-arab", "lki", "lrc", "luz", "mzn", "nqo", "pnb", "ps", "sd", "sdh", "skr",
    "skr-arab", "ug", "ug-arab", "ur", "yi",
];

/// Names of languages in the language itself, for the language menu (MediaWiki's
/// `Names.php`). A language with translations must be here (a test checks).
const AUTONYMS: &[(&str, &str)] = &[
    ("ar", "العربية"),
    ("ast", "asturianu"),
    ("be-tarask", "беларуская (тарашкевіца)"),
    ("bn", "বাংলা"),
    ("ca", "català"),
    ("cs", "čeština"),
    ("da", "dansk"),
    ("de", "Deutsch"),
    ("el", "Ελληνικά"),
    ("en", "English"),
    ("en-gb", "British English"),
    ("eo", "Esperanto"),
    ("es", "español"),
    ("et", "eesti"),
    ("eu", "euskara"),
    ("fa", "فارسی"),
    ("fi", "suomi"),
    ("fr", "français"),
    ("gl", "galego"),
    ("he", "עברית"),
    ("hi", "हिन्दी"),
    ("hu", "magyar"),
    ("id", "Bahasa Indonesia"),
    ("it", "italiano"),
    ("ja", "日本語"),
    ("ko", "한국어"),
    ("lb", "Lëtzebuergesch"),
    ("mk", "македонски"),
    ("nb", "norsk bokmål"),
    ("nl", "Nederlands"),
    ("pl", "polski"),
    ("pt", "português"),
    ("pt-br", "português do Brasil"),
    ("ro", "română"),
    ("ru", "русский"),
    ("sk", "slovenčina"),
    ("sl", "slovenščina"),
    ("sr", "српски / srpski"),
    ("sv", "svenska"),
    ("tr", "Türkçe"),
    ("uk", "українська"),
    ("ur", "اردو"),
    ("vi", "Tiếng Việt"),
    ("zh-hans", "中文（简体）"),
    ("zh-hant", "中文（繁體）"),
];

/// The code translators use to see message keys instead of text.
pub const KEYS_CODE: &str = "qqx";
/// Where every chain ends, and the language of the messages' source.
pub const SOURCE_CODE: &str = "en";

/// A code as MediaWiki writes it: lowercase, `-` between subtags (`pt_BR` → `pt-br`); `None`
/// for something that is no language code.
pub fn normalize(code: &str) -> Option<String> {
    let code = code.trim();
    let valid = !code.is_empty()
        && code.len() <= 35
        && code
            .split(['-', '_'])
            .all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric()));
    valid.then(|| code.to_ascii_lowercase().replace('_', "-"))
}

/// `code` and what it falls back to, in order, ending with English.
pub fn fallback_chain(code: &str) -> Vec<String> {
    let mut chain = vec![code.to_owned()];
    let mut current = code.to_owned();
    loop {
        if let Some((_, fallbacks)) = FALLBACKS.iter().find(|(from, _)| *from == current) {
            for fallback in *fallbacks {
                if !chain.iter().any(|seen| seen == fallback) {
                    chain.push((*fallback).to_owned());
                }
            }
            break;
        }
        match current.rsplit_once('-') {
            Some((shorter, _)) => {
                current = shorter.to_owned();
                if !chain.contains(&current) {
                    chain.push(current.clone());
                }
            }
            None => break,
        }
    }
    if !chain.iter().any(|code| code == SOURCE_CODE) {
        chain.push(SOURCE_CODE.to_owned());
    }
    chain
}

/// Whether `code` is written right to left.
pub fn is_right_to_left(code: &str) -> bool {
    RIGHT_TO_LEFT.contains(&code)
}

/// `rtl` or `ltr`, for a `dir` attribute.
pub fn direction(code: &str) -> &'static str {
    if is_right_to_left(code) { "rtl" } else { "ltr" }
}

/// The language's name in itself, if known.
pub fn autonym(code: &str) -> Option<&'static str> {
    AUTONYMS
        .iter()
        .find(|(known, _)| *known == code)
        .map(|(_, name)| *name)
}

/// The codes an `Accept-Language` header asks for, most wanted first (`q=0` left out).
pub fn accepted(header: &str) -> Vec<String> {
    let mut weighted: Vec<(f32, usize, String)> = header
        .split(',')
        .enumerate()
        .filter_map(|(position, item)| {
            let mut parts = item.split(';');
            let code = normalize(parts.next()?)?;
            let quality = parts
                .find_map(|part| part.trim().strip_prefix("q="))
                .map_or(Some(1.0), |q| q.trim().parse::<f32>().ok())?;
            (quality > 0.0).then_some((quality, position, code))
        })
        .collect();
    weighted.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    weighted.into_iter().map(|(_, _, code)| code).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chains_follow_mediawiki_and_end_in_english() {
        assert_eq!(fallback_chain("de-at"), ["de-at", "de", "en"]);
        assert_eq!(fallback_chain("pt-br"), ["pt-br", "pt", "en"]);
        assert_eq!(fallback_chain("de"), ["de", "en"]);
        assert_eq!(fallback_chain("en"), ["en"]);
        assert_eq!(
            fallback_chain("zh-tw"),
            ["zh-tw", "zh-hant", "zh-hans", "en"]
        );
        assert_eq!(fallback_chain("uk"), ["uk", "ru", "en"]);
        assert_eq!(fallback_chain("lb"), ["lb", "de", "en"]);
        assert_eq!(fallback_chain("de-ch-x"), ["de-ch-x", "de-ch", "de", "en"]);
    }

    #[test]
    fn codes_are_normalized_or_refused() {
        assert_eq!(normalize("pt_BR").as_deref(), Some("pt-br"));
        assert_eq!(normalize(" de ").as_deref(), Some("de"));
        assert_eq!(normalize("de--at"), None);
        assert_eq!(normalize("<script>"), None);
        assert_eq!(normalize(""), None);
    }

    #[test]
    fn accept_language_in_order_of_quality() {
        assert_eq!(
            accepted("fr;q=0.5, de-AT, en;q=0.8, xx;q=0, *;q=0.1"),
            ["de-at", "en", "fr"]
        );
        assert_eq!(accepted(""), Vec::<String>::new());
    }

    #[test]
    fn directions() {
        assert_eq!(direction("ar"), "rtl");
        assert_eq!(direction("he"), "rtl");
        assert_eq!(direction("de"), "ltr");
    }
}
