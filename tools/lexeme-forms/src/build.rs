//! The lexeme a filled-in template makes, exactly as `wbeditentity` takes it: one form per
//! field value (`a/b` in a field makes two forms), representations in the template's language,
//! the template form's grammatical features and statements, and for a new lexeme its lemma,
//! language, lexical category and the template's statements.

use serde_json::{Map, Value, json};

use crate::templates::{Template, TemplateForm};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BuildError {
    /// `a/` or `/b`: a variant with nothing in it.
    #[error("field {field} has an empty variant")]
    EmptyVariant { field: usize },
    /// Every field is empty: no lemma.
    #[error("no form has a representation")]
    NoLemma,
    #[error("{given} values for a template of {forms} forms")]
    WrongFieldCount { given: usize, forms: usize },
}

/// The variants of each field: `""` → none, `"a/b"` → `a`, `b`; an empty variant is an error.
pub fn variants(representations: &[String]) -> Result<Vec<Vec<&str>>, BuildError> {
    representations
        .iter()
        .enumerate()
        .map(|(index, field)| {
            if field.is_empty() {
                return Ok(Vec::new());
            }
            let parts: Vec<&str> = field.split('/').collect();
            if parts.iter().any(|part| part.is_empty()) {
                return Err(BuildError::EmptyVariant { field: index + 1 });
            }
            Ok(parts)
        })
        .collect()
}

/// The lemma: the first variant of the form marked `lemma` if the template marks one and it is
/// filled in, else the first variant of the first filled-in field (in advanced mode any field
/// may be left empty, the first one too).
pub fn lemma<'a>(template: &Template, representations: &'a [String]) -> Option<&'a str> {
    let first_variant = |field: &'a String| field.split('/').find(|v| !v.is_empty());
    template
        .forms
        .iter()
        .zip(representations)
        .find(|(form, _)| form.lemma)
        .and_then(|(_, field)| first_variant(field))
        .or_else(|| representations.iter().find_map(first_variant))
}

/// A new form of the lexeme.
pub fn form(template_form: &TemplateForm, language: &str, representation: &str) -> Value {
    json!({
        "add": "",
        "representations": {language: {"language": language, "value": representation}},
        "grammaticalFeatures": template_form.grammatical_features_item_ids,
        "claims": template_form.statements,
    })
}

/// The forms of the filled-in fields, in the template's order.
pub fn forms(template: &Template, representations: &[String]) -> Result<Vec<Value>, BuildError> {
    if representations.len() > template.forms.len() {
        return Err(BuildError::WrongFieldCount {
            given: representations.len(),
            forms: template.forms.len(),
        });
    }
    let language = &template.language_code;
    Ok(variants(representations)?
        .into_iter()
        .zip(&template.forms)
        .flat_map(|(variants, template_form)| {
            variants
                .into_iter()
                .map(move |variant| form(template_form, language, variant))
        })
        .collect())
}

/// A new lexeme from the template and the fields' values.
pub fn new_lexeme(template: &Template, representations: &[String]) -> Result<Value, BuildError> {
    let forms = forms(template, representations)?;
    let lemma = lemma(template, representations).ok_or(BuildError::NoLemma)?;
    let language = &template.language_code;
    Ok(json!({
        "type": "lexeme",
        "forms": forms,
        "lemmas": {language: {"language": language, "value": lemma}},
        "language": template.language_item_id,
        "lexicalCategory": template.lexical_category_item_id,
        "claims": template.statements,
    }))
}

/// Forms added to the existing lexeme `id`, with the template's statements it lacks.
pub fn added_to_lexeme(
    template: &Template,
    representations: &[String],
    id: &str,
    missing_statements: &crate::templates::Statements,
) -> Result<Value, BuildError> {
    let forms = forms(template, representations)?;
    let mut lexeme = Map::new();
    lexeme.insert("type".to_owned(), json!("lexeme"));
    lexeme.insert("forms".to_owned(), Value::Array(forms));
    lexeme.insert("id".to_owned(), json!(id));
    lexeme.insert("claims".to_owned(), json!(missing_statements));
    Ok(Value::Object(lexeme))
}

/// The edit summary: the template's name, linked to its page on Toolforge when the tool runs
/// there (`toolforge:` is an interwiki prefix on Wikimedia wikis), and how the values were made.
pub fn summary(template: &Template, tool_url: &str, generated_via: Option<&str>) -> String {
    let name = &template.name;
    let mut summary = match tool_url
        .strip_prefix("https://")
        .and_then(|rest| rest.split_once(".toolforge.org"))
    {
        Some((tool, _)) => format!("[[toolforge:{tool}/template/{name}/|{name}]]"),
        None => name.clone(),
    };
    if let Some(via) = generated_via.filter(|via| !via.trim().is_empty()) {
        summary.push_str(", generated via ");
        summary.push_str(via.trim());
    }
    summary
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::templates::Templates;

    fn template(name: &str) -> &'static Template {
        Templates::compiled_in()
            .expect("data")
            .get(name)
            .expect(name)
    }

    fn fields(values: &[&str]) -> Vec<String> {
        values.iter().map(|v| (*v).to_owned()).collect()
    }

    #[test]
    fn goose_and_geese_or_gooses() {
        let noun = template("english-noun");
        let lexeme = new_lexeme(noun, &fields(&["goose", "geese/gooses"])).expect("builds");
        assert_eq!(
            lexeme,
            json!({
                "type": "lexeme",
                "forms": [
                    {"add": "", "representations": {"en": {"language": "en", "value": "goose"}},
                     "grammaticalFeatures": ["Q110786"], "claims": {}},
                    {"add": "", "representations": {"en": {"language": "en", "value": "geese"}},
                     "grammaticalFeatures": ["Q146786"], "claims": {}},
                    {"add": "", "representations": {"en": {"language": "en", "value": "gooses"}},
                     "grammaticalFeatures": ["Q146786"], "claims": {}},
                ],
                "lemmas": {"en": {"language": "en", "value": "goose"}},
                "language": "Q1860",
                "lexicalCategory": "Q1084",
                "claims": {},
            })
        );
    }

    #[test]
    fn empty_variants_and_empty_lexemes_are_refused() {
        let noun = template("english-noun");
        assert_eq!(
            new_lexeme(noun, &fields(&["goose", "geese/"])),
            Err(BuildError::EmptyVariant { field: 2 })
        );
        assert_eq!(
            new_lexeme(noun, &fields(&["/goose", "geese"])),
            Err(BuildError::EmptyVariant { field: 1 })
        );
        assert_eq!(
            new_lexeme(noun, &fields(&["", ""])),
            Err(BuildError::NoLemma)
        );
        assert_eq!(
            new_lexeme(noun, &fields(&["a", "b", "c"])),
            Err(BuildError::WrongFieldCount { given: 3, forms: 2 })
        );
    }

    #[test]
    fn the_lemma_is_the_first_filled_in_variant_or_the_marked_form() {
        let noun = template("english-noun");
        assert_eq!(lemma(noun, &fields(&["", "geese/gooses"])), Some("geese"));
        let marked = Templates::compiled_in()
            .expect("data")
            .templates()
            .find(|t| t.forms.iter().skip(1).any(|f| f.lemma))
            .expect("a template whose lemma is not its first form");
        let position = marked.forms.iter().position(|f| f.lemma).expect("marked");
        let mut values = vec!["first".to_owned(); marked.forms.len()];
        values[position] = "the lemma/other".to_owned();
        assert_eq!(lemma(marked, &values), Some("the lemma"));
        values[position] = String::new();
        assert_eq!(lemma(marked, &values), Some("first"), "marked form empty");
    }

    #[test]
    fn statements_of_the_template_and_its_forms_are_added() {
        let template = Templates::compiled_in()
            .expect("data")
            .templates()
            .find(|t| !t.statements.is_empty() && t.forms.iter().any(|f| !f.statements.is_empty()))
            .expect("a template with both kinds of statements");
        let values: Vec<String> = (0..template.forms.len()).map(|n| format!("w{n}")).collect();
        let lexeme = new_lexeme(template, &values).expect("builds");
        assert_eq!(lexeme["claims"], json!(template.statements));
        for (built, form) in lexeme["forms"]
            .as_array()
            .expect("forms")
            .iter()
            .zip(&template.forms)
        {
            assert_eq!(built["claims"], json!(form.statements));
            assert_eq!(
                built["grammaticalFeatures"],
                json!(form.grammatical_features_item_ids)
            );
        }
    }

    #[test]
    fn forms_added_to_an_existing_lexeme_carry_its_id_and_missing_statements() {
        let noun = template("english-noun");
        let lexeme = added_to_lexeme(noun, &fields(&["", "geese"]), "L123", &Default::default())
            .expect("builds");
        assert_eq!(lexeme["id"], "L123");
        assert_eq!(lexeme["forms"].as_array().map(Vec::len), Some(1));
        assert!(lexeme.get("lemmas").is_none(), "the lemma stays as it is");
    }

    #[test]
    fn summaries_link_the_template_on_toolforge() {
        let noun = template("english-noun");
        assert_eq!(
            summary(noun, "https://lexeme-forms.toolforge.org/", None),
            "[[toolforge:lexeme-forms/template/english-noun/|english-noun]]"
        );
        assert_eq!(
            summary(noun, "http://localhost:8000/", Some("Wikifunctions")),
            "english-noun, generated via Wikifunctions"
        );
    }
}
