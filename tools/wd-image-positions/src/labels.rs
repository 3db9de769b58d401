//! Labels of entities in the user's language: the interface language, then its fallbacks
//! (MediaWiki's chains, as the interface messages use them), then `mul` (Wikidata's labels
//! for names written the same in every language), then English, as Wikibase falls back;
//! without any, the entity's id.

use std::collections::HashMap;

use serde_json::Value;

/// A label and the language it is in (the page marks it up with that language).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub language: String,
    pub value: String,
}

impl Label {
    /// An entity without a label in any wanted language is shown by its id, which is in no
    /// language (`zxx`, as the original wrote it).
    pub fn id(id: &str) -> Self {
        Self {
            language: "zxx".to_owned(),
            value: id.to_owned(),
        }
    }
}

/// The languages whose labels are wanted, best first, for interface language `interface`.
pub fn language_chain(interface: &str) -> Vec<String> {
    let english = platform::i18n::language::SOURCE_CODE;
    let mut chain = platform::i18n::language::fallback_chain(interface);
    // The chain ends with English; `mul` goes before it, unless English is what was asked.
    let ends_in_fallback_to_english = chain.len() > 1 && chain.last().is_some_and(|c| c == english);
    if ends_in_fallback_to_english {
        chain.pop();
    }
    chain.push("mul".to_owned());
    if !chain.iter().any(|code| code == english) {
        chain.push(english.to_owned());
    }
    chain
}

/// The best label of an entity's `labels` (as `wbgetentities` gives them: language code →
/// `{language, value}`) for the `chain`, or its id.
pub fn best_label(id: &str, labels: &Value, chain: &[String]) -> Label {
    chain
        .iter()
        .find_map(|code| {
            let label = &labels[code.as_str()];
            Some(Label {
                language: label["language"].as_str().unwrap_or(code).to_owned(),
                value: label["value"].as_str()?.to_owned(),
            })
        })
        .unwrap_or_else(|| Label::id(id))
}

/// The best labels of every entity of a `wbgetentities` answer's `entities`.
pub fn best_labels(entities: &Value, chain: &[String]) -> HashMap<String, Label> {
    entities
        .as_object()
        .into_iter()
        .flatten()
        .map(|(id, entity)| (id.clone(), best_label(id, &entity["labels"], chain)))
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn chains_end_with_mul_and_english() {
        assert_eq!(language_chain("en"), ["en", "mul"]);
        assert_eq!(language_chain("de"), ["de", "mul", "en"]);
        assert_eq!(language_chain("de-at"), ["de-at", "de", "mul", "en"]);
        assert_eq!(language_chain("pt-br"), ["pt-br", "pt", "mul", "en"]);
    }

    #[test]
    fn the_first_language_of_the_chain_with_a_label_wins() {
        let labels = json!({
            "en": {"language": "en", "value": "Mona Lisa"},
            "de": {"language": "de", "value": "Mona Lisa (Gemälde)"},
            "mul": {"language": "mul", "value": "La Gioconda"},
            "pt": {"language": "pt", "value": "Monalisa"},
        });
        let cases = [
            ("de-at", "de", "Mona Lisa (Gemälde)"),
            ("pt-br", "pt", "Monalisa"),
            ("fr", "mul", "La Gioconda"),
            ("en", "en", "Mona Lisa"),
        ];
        for (interface, language, value) in cases {
            assert_eq!(
                best_label("Q12418", &labels, &language_chain(interface)),
                Label {
                    language: language.to_owned(),
                    value: value.to_owned()
                },
                "{interface}"
            );
        }
        let only_english = json!({"en": {"language": "en", "value": "Mona Lisa"}});
        assert_eq!(
            best_label("Q12418", &only_english, &language_chain("fr")).value,
            "Mona Lisa"
        );
    }

    #[test]
    fn without_any_wanted_label_the_id_is_shown() {
        let labels = json!({"ja": {"language": "ja", "value": "モナ・リザ"}});
        assert_eq!(
            best_label("Q12418", &labels, &language_chain("de")),
            Label::id("Q12418")
        );
        assert_eq!(
            best_label("Q1", &json!([]), &language_chain("de")),
            Label::id("Q1")
        );
        assert_eq!(Label::id("Q1").language, "zxx");
    }

    #[test]
    fn labels_of_a_whole_answer() {
        let entities = json!({
            "Q1": {"id": "Q1", "labels": {"de": {"language": "de", "value": "Universum"}}},
            "Q2": {"id": "Q2", "missing": ""},
        });
        let labels = best_labels(&entities, &language_chain("de"));
        assert_eq!(labels["Q1"].value, "Universum");
        assert_eq!(labels["Q2"], Label::id("Q2"));
    }
}
