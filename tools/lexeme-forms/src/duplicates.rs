//! Lexemes that may already be the one a user is about to create: Wikidata's search for
//! lexemes with the same lemma in the same language, as the original tool finds them.

use serde::Serialize;
use serde_json::Value;
use unicode_normalization::UnicodeNormalization;

/// A lexeme with the same lemma.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Duplicate {
    pub id: String,
    pub uri: String,
    pub label: String,
    pub description: String,
    /// From the lexeme's page properties; `None` if the wiki did not say.
    pub forms_count: Option<u64>,
    pub senses_count: Option<u64>,
}

/// Lemmas are compared in NFC, as Wikidata stores them.
pub fn normalize(lemma: &str) -> String {
    lemma.nfc().collect()
}

/// The search results (`wbsearchentities`, `type=lexeme`) that are the same lemma in the same
/// language. A language code longer than two letters (`de-at`, `mis-x-…`) also matches lemmas
/// in `und`, as Wikidata's search reports some of those.
pub fn matches(search: &Value, language_code: &str, lemma: &str) -> Vec<Duplicate> {
    let lemma = normalize(lemma);
    let mut found: Vec<Duplicate> = Vec::new();
    for result in search["search"].as_array().into_iter().flatten() {
        let Some(label) = result["label"].as_str() else {
            continue;
        };
        let match_language = result["match"]["language"].as_str().unwrap_or_default();
        let same_language =
            match_language == language_code || (language_code.len() > 2 && match_language == "und");
        let Some(id) = result["id"].as_str() else {
            continue;
        };
        if normalize(label) == lemma && same_language && !found.iter().any(|d| d.id == id) {
            found.push(Duplicate {
                id: id.to_owned(),
                uri: result["concepturi"].as_str().unwrap_or_default().to_owned(),
                label: label.to_owned(),
                description: result["description"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                forms_count: None,
                senses_count: None,
            });
        }
    }
    found
}

/// Adds the forms and senses counts from `prop=pageprops` (`wbl-forms`, `wbl-senses`).
pub fn add_counts(duplicates: &mut [Duplicate], pageprops: &Value) {
    for page in pageprops["query"]["pages"].as_array().into_iter().flatten() {
        let Some(id) = page["title"]
            .as_str()
            .and_then(|t| t.strip_prefix("Lexeme:"))
        else {
            continue;
        };
        let count = |name: &str| {
            let value = &page["pageprops"][name];
            value
                .as_u64()
                .or_else(|| value.as_str().and_then(|s| s.parse().ok()))
        };
        if let Some(duplicate) = duplicates.iter_mut().find(|d| d.id == id) {
            duplicate.forms_count = count("wbl-forms");
            duplicate.senses_count = count("wbl-senses");
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn result(id: &str, label: &str, language: &str) -> Value {
        json!({"id": id, "concepturi": format!("https://www.wikidata.org/entity/{id}"),
            "label": label, "description": "English, noun", "match": {"language": language}})
    }

    #[test]
    fn same_lemma_same_language_only() {
        let search = json!({"search": [
            result("L1", "goose", "en"),
            result("L2", "Goose", "en"),
            result("L3", "goose", "de"),
            result("L4", "goose", "und"),
            result("L1", "goose", "en"),
        ]});
        let ids = |found: Vec<Duplicate>| found.into_iter().map(|d| d.id).collect::<Vec<_>>();
        assert_eq!(ids(matches(&search, "en", "goose")), ["L1"]);
        assert_eq!(
            ids(matches(&search, "en-gb", "goose")),
            ["L4"],
            "longer codes match und"
        );
    }

    #[test]
    fn lemmas_are_compared_in_nfc() {
        // "é" as e + combining acute accent, and as one code point.
        let search = json!({"search": [result("L9", "caf\u{e9}", "fr")]});
        assert_eq!(matches(&search, "fr", "cafe\u{301}").len(), 1);
    }

    #[test]
    fn counts_come_from_page_properties() {
        let mut found = matches(&json!({"search": [result("L1", "a", "en")]}), "en", "a");
        add_counts(
            &mut found,
            &json!({"query": {"pages": [{"title": "Lexeme:L1", "pageprops": {"wbl-forms": "2", "wbl-senses": "1"}}]}}),
        );
        assert_eq!(
            (found[0].forms_count, found[0].senses_count),
            (Some(2), Some(1))
        );
    }
}
