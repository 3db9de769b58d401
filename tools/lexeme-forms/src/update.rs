//! Completing an existing lexeme with a template: the forms it has stay (a form whose value is
//! unchanged is untouched), changed values overwrite the matched forms in order, new values
//! become new forms, cleared values remove the representation (or the form, if that was its
//! only one), and the template's statements the lexeme lacks are added. The whole lexeme goes
//! back to `wbeditentity` with the revision the user saw as `baserevid`, as the original does.

use serde_json::{Value, json};

use crate::build::{self, BuildError};
use crate::matching::FormMatch;
use crate::templates::{Statements, Template};

/// The lexeme as it should be saved, with `base_revision_id` for the edit.
pub fn update(
    lexeme: &Value,
    template: &Template,
    matched: &FormMatch,
    representations: &[String],
    missing_statements: &Statements,
) -> Result<Value, BuildError> {
    let language = template.language_code.as_str();
    let variants = build::variants(representations)?;
    let mut lexeme = lexeme.clone();
    for (index, template_form) in template.forms.iter().enumerate() {
        let mut wanted: Vec<&str> = variants.get(index).cloned().unwrap_or_default();
        let mut existing: Vec<&Value> = matched.matched[index]
            .iter()
            .filter(|form| form["representations"][language].is_object())
            .collect();
        // Values that are there already stay as they are.
        existing.retain(|form| {
            let value = form["representations"][language]["value"].as_str();
            match wanted.iter().position(|w| Some(*w) == value) {
                Some(position) => {
                    wanted.remove(position);
                    add_optional_features(&mut lexeme, form, template_form);
                    false
                }
                None => true,
            }
        });
        // Changed values overwrite the remaining forms, in order.
        let overwritten = wanted.len().min(existing.len());
        for (value, form) in wanted.iter().zip(&existing) {
            if let Some(target) = form_mut(&mut lexeme, form) {
                target["representations"][language] = json!({"language": language, "value": value});
            }
        }
        // New values become new forms; forms left over lose this representation.
        for value in &wanted[overwritten..] {
            let form = build::form(template_form, language, value);
            if let Some(forms) = lexeme["forms"].as_array_mut() {
                forms.push(form);
            }
        }
        for form in &existing[overwritten..] {
            if let Some(target) = form_mut(&mut lexeme, form) {
                let only_this = target["representations"]
                    .as_object()
                    .is_some_and(|r| r.len() == 1);
                if only_this {
                    target["remove"] = json!("");
                } else {
                    target["representations"][language]["remove"] = json!("");
                }
            }
        }
    }
    for (property, statements) in missing_statements {
        let claims = &mut lexeme["claims"];
        if !claims.is_object() {
            *claims = json!({});
        }
        let list = &mut claims[property];
        if !list.is_array() {
            *list = json!([]);
        }
        if let Some(list) = list.as_array_mut() {
            list.extend(statements.iter().cloned());
        }
    }
    // The first form's first value is the lemma; with the first field empty the lemma stays
    // as it is (a lexeme cannot be without one).
    if let Some(lemma) = variants.first().and_then(|v| v.first()) {
        lexeme["lemmas"][language] = json!({"language": language, "value": lemma});
    }
    Ok(lexeme)
}

/// The lexeme's own copy of `form` (by id), to change.
fn form_mut<'a>(lexeme: &'a mut Value, form: &Value) -> Option<&'a mut Value> {
    let id = form["id"].as_str()?;
    lexeme["forms"]
        .as_array_mut()?
        .iter_mut()
        .find(|candidate| candidate["id"].as_str() == Some(id))
}

/// A kept form that matched without some optional features gets them.
fn add_optional_features(
    lexeme: &mut Value,
    form: &Value,
    template_form: &crate::templates::TemplateForm,
) {
    let Some(target) = form_mut(lexeme, form) else {
        return;
    };
    let Some(features) = target["grammaticalFeatures"].as_array_mut() else {
        return;
    };
    for feature in &template_form.grammatical_features_item_ids {
        if !features.iter().any(|f| f.as_str() == Some(feature)) {
            features.push(json!(feature));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matching::match_forms;
    use crate::templates::Templates;

    fn noun() -> &'static Template {
        Templates::compiled_in()
            .expect("data")
            .get("english-noun")
            .expect("english-noun")
    }

    fn goose() -> Value {
        json!({
            "id": "L5", "lastrevid": 42, "type": "lexeme",
            "language": "Q1860", "lexicalCategory": "Q1084",
            "lemmas": {"en": {"language": "en", "value": "goose"}},
            "claims": {},
            "forms": [
                {"id": "L5-F1", "representations": {"en": {"language": "en", "value": "goose"}},
                 "grammaticalFeatures": ["Q110786"], "claims": {}},
                {"id": "L5-F2", "representations": {"en": {"language": "en", "value": "geese"}},
                 "grammaticalFeatures": ["Q146786"], "claims": {}},
            ],
        })
    }

    fn fields(values: &[&str]) -> Vec<String> {
        values.iter().map(|v| (*v).to_owned()).collect()
    }

    #[test]
    fn a_second_plural_is_added_and_nothing_else_changes() {
        let lexeme = goose();
        let matched = match_forms(noun(), &lexeme);
        let updated = update(
            &lexeme,
            noun(),
            &matched,
            &fields(&["goose", "geese/gooses"]),
            &Statements::new(),
        )
        .expect("valid");
        let forms = updated["forms"].as_array().expect("forms");
        assert_eq!(forms.len(), 3);
        assert_eq!(forms[0], lexeme["forms"][0], "unchanged");
        assert_eq!(forms[1], lexeme["forms"][1], "unchanged");
        assert_eq!(forms[2]["add"], "");
        assert_eq!(forms[2]["representations"]["en"]["value"], "gooses");
        assert_eq!(forms[2]["grammaticalFeatures"], json!(["Q146786"]));
        assert_eq!(updated["lemmas"]["en"]["value"], "goose");
    }

    #[test]
    fn changed_values_overwrite_and_cleared_values_remove() {
        let lexeme = goose();
        let matched = match_forms(noun(), &lexeme);
        let updated = update(
            &lexeme,
            noun(),
            &matched,
            &fields(&["goose", "gooses"]),
            &Statements::new(),
        )
        .expect("valid");
        assert_eq!(updated["forms"][1]["id"], "L5-F2");
        assert_eq!(
            updated["forms"][1]["representations"]["en"]["value"],
            "gooses"
        );
        let cleared = update(
            &lexeme,
            noun(),
            &matched,
            &fields(&["goose", ""]),
            &Statements::new(),
        )
        .expect("valid");
        assert_eq!(
            cleared["forms"][1]["remove"], "",
            "its only representation: the form goes"
        );
    }

    #[test]
    fn missing_statements_are_added() {
        let german = Templates::compiled_in()
            .expect("data")
            .get("german-noun-masculine")
            .expect("template");
        let lexeme = json!({"id": "L9", "lemmas": {"de": {"language": "de", "value": "Hund"}},
            "language": "Q188", "lexicalCategory": "Q1084", "claims": {}, "forms": []});
        let matched = match_forms(german, &lexeme);
        let mut values = vec![String::new(); german.forms.len()];
        values[0] = "Hund".to_owned();
        let updated =
            update(&lexeme, german, &matched, &values, &german.statements).expect("valid");
        assert_eq!(updated["claims"]["P5185"].as_array().map(Vec::len), Some(1));
        assert_eq!(updated["forms"].as_array().map(Vec::len), Some(1));
    }

    #[test]
    fn empty_variants_are_refused() {
        let lexeme = goose();
        let matched = match_forms(noun(), &lexeme);
        assert_eq!(
            update(
                &lexeme,
                noun(),
                &matched,
                &fields(&["goose", "geese/"]),
                &Statements::new()
            ),
            Err(BuildError::EmptyVariant { field: 2 })
        );
    }
}
