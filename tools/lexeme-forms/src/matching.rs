//! How an existing lexeme fits a template: its language, lexical category and statements
//! against the template's, and each of its forms against the template's forms (by grammatical
//! features and statements; a form's optional features may be missing).

use serde::Serialize;
use serde_json::Value;

use crate::templates::{Statements, Template, TemplateForm};

/// Whether a lexeme's statement for a property rules out a template with another statement for
/// it. "Instance of" may have other values; grammatical gender, paradigm class and the like may
/// not. Item and property ids differ on test.wikidata.org.
fn exclusive(test: bool, property: &str) -> bool {
    let exclusive: &[&str] = if test {
        &["P73601"]
    } else {
        &["P1552", "P5185", "P5911", "P6191", "P7486", "P9295"]
    };
    exclusive.contains(&property)
}

/// How the lexeme (or one of its forms) fits the template (or one of its forms).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct StatementMatch {
    /// The lexeme's statements that the template has too.
    pub matched_statements: Statements,
    /// The template's statements the lexeme lacks (they are added when forms are added).
    pub missing_statements: Statements,
    /// The lexeme's statements that rule the template out.
    pub conflicting_statements: Statements,
}

/// The answer of `/api/v1/match_template_to_lexeme/…`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OverallMatch {
    pub language: bool,
    pub lexical_category: bool,
    #[serde(flatten)]
    pub statements: StatementMatch,
}

impl OverallMatch {
    /// The lexeme can be edited with the template.
    pub fn fits(&self) -> bool {
        self.language && self.lexical_category && self.statements.conflicting_statements.is_empty()
    }
}

/// The template's statements against an entity's `claims` (a lexeme's or a form's).
pub fn match_statements(test: bool, template: &Statements, claims: &Value) -> StatementMatch {
    let mut result = StatementMatch::default();
    for (property, template_statements) in template {
        let lexeme_statements = claims[property]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        for template_statement in template_statements {
            let mut found = false;
            for lexeme_statement in lexeme_statements {
                if same_main_value(template_statement, lexeme_statement) {
                    found = true;
                    result
                        .matched_statements
                        .entry(property.clone())
                        .or_default()
                        .push(lexeme_statement.clone());
                } else if exclusive(test, property) {
                    result
                        .conflicting_statements
                        .entry(property.clone())
                        .or_default()
                        .push(lexeme_statement.clone());
                }
            }
            if !found {
                result
                    .missing_statements
                    .entry(property.clone())
                    .or_default()
                    .push(template_statement.clone());
            }
        }
    }
    result
}

/// Main snaks only (qualifiers and references do not count), and only entity values, which is
/// all the templates use; `somevalue`/`novalue` match their own kind.
fn same_main_value(template_statement: &Value, lexeme_statement: &Value) -> bool {
    let snaktype = |statement: &Value| {
        statement["mainsnak"]["snaktype"]
            .as_str()
            .map(str::to_owned)
    };
    let id = |statement: &Value| {
        statement["mainsnak"]["datavalue"]["value"]["id"]
            .as_str()
            .map(str::to_owned)
    };
    match snaktype(lexeme_statement).as_deref() {
        Some("value") => {
            snaktype(template_statement).as_deref() == Some("value")
                && id(template_statement).is_some()
                && id(template_statement) == id(lexeme_statement)
        }
        other => other.is_some() && snaktype(template_statement).as_deref() == other,
    }
}

/// The lexeme (`wbgetentities` JSON) against the template.
pub fn match_template(template: &Template, lexeme: &Value) -> OverallMatch {
    OverallMatch {
        language: lexeme["language"].as_str() == Some(&template.language_item_id),
        lexical_category: lexeme["lexicalCategory"].as_str()
            == Some(&template.lexical_category_item_id),
        statements: match_statements(template.test, &template.statements, &lexeme["claims"]),
    }
}

/// How many features of the template form the lexeme form has; 0 if it lacks one that is not
/// optional, or its statements are missing or conflict.
fn features_matched(test: bool, lexeme_form: &Value, template_form: &TemplateForm) -> usize {
    let features: Vec<&str> = lexeme_form["grammaticalFeatures"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let mut matched = 0;
    for feature in &template_form.grammatical_features_item_ids {
        if features.contains(&feature.as_str()) {
            matched += 1;
        } else if !template_form
            .grammatical_features_item_ids_optional
            .contains(feature)
        {
            return 0;
        }
    }
    let statements = match_statements(test, &template_form.statements, &lexeme_form["claims"]);
    if !statements.missing_statements.is_empty() || !statements.conflicting_statements.is_empty() {
        return 0;
    }
    matched
        + statements
            .matched_statements
            .values()
            .map(Vec::len)
            .sum::<usize>()
}

/// The template forms a lexeme form fits best (several: ambiguous; none: unmatched).
fn best_template_forms(test: bool, lexeme_form: &Value, template: &Template) -> Vec<usize> {
    let mut best = Vec::new();
    let mut best_score = 0;
    for (index, template_form) in template.forms.iter().enumerate() {
        let score = features_matched(test, lexeme_form, template_form);
        if score > best_score {
            best_score = score;
            best = vec![index];
        } else if score == best_score && score > 0 {
            best.push(index);
        }
    }
    // A template of one form without features takes any form.
    if best.is_empty()
        && template.forms.len() == 1
        && template.forms[0].grammatical_features_item_ids.is_empty()
        && template.forms[0].statements.is_empty()
    {
        best.push(0);
    }
    best
}

/// The lexeme's forms sorted onto the template's forms.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FormMatch {
    /// For each template form, the lexeme's forms that fit it (and only it).
    pub matched: Vec<Vec<Value>>,
    /// Forms that fit several template forms equally well.
    pub ambiguous: Vec<Value>,
    /// Forms that fit no template form.
    pub unmatched: Vec<Value>,
}

pub fn match_forms(template: &Template, lexeme: &Value) -> FormMatch {
    let mut result = FormMatch {
        matched: vec![Vec::new(); template.forms.len()],
        ..FormMatch::default()
    };
    for form in lexeme["forms"].as_array().into_iter().flatten() {
        match best_template_forms(template.test, form, template).as_slice() {
            [one] => result.matched[*one].push(form.clone()),
            [] => result.unmatched.push(form.clone()),
            _ => result.ambiguous.push(form.clone()),
        }
    }
    result
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::templates::Templates;

    fn template(name: &str) -> &'static Template {
        Templates::compiled_in()
            .expect("data")
            .get(name)
            .expect(name)
    }

    fn item_statement(property: &str, item: &str) -> Value {
        json!({"mainsnak": {"snaktype": "value", "property": property,
            "datavalue": {"type": "wikibase-entityid", "value": {"entity-type": "item", "id": item}}},
            "type": "statement", "rank": "normal"})
    }

    fn form(id: &str, value: &str, features: &[&str]) -> Value {
        json!({"id": id, "representations": {"en": {"language": "en", "value": value}},
            "grammaticalFeatures": features, "claims": {}})
    }

    #[test]
    fn language_category_and_statements_are_compared() {
        let noun = template("german-noun-masculine");
        let masculine = item_statement("P5185", "Q499327");
        let feminine = item_statement("P5185", "Q1775415");
        let lexeme = json!({"language": "Q188", "lexicalCategory": "Q1084",
            "claims": {"P5185": [masculine]}});
        let fit = match_template(noun, &lexeme);
        assert!(fit.language && fit.lexical_category, "{fit:?}");
        assert!(fit.fits());
        assert_eq!(fit.statements.matched_statements["P5185"].len(), 1);

        let other = json!({"language": "Q188", "lexicalCategory": "Q1084",
            "claims": {"P5185": [feminine]}});
        let conflict = match_template(noun, &other);
        assert!(!conflict.fits(), "grammatical gender is exclusive");
        assert_eq!(conflict.statements.missing_statements["P5185"].len(), 1);

        let bare = json!({"language": "Q1860", "lexicalCategory": "Q1084", "claims": {}});
        let fit = match_template(noun, &bare);
        assert!(!fit.language && fit.statements.conflicting_statements.is_empty());
        assert_eq!(fit.statements.missing_statements["P5185"].len(), 1);
    }

    #[test]
    fn instance_of_is_not_exclusive_and_somevalue_matches_somevalue() {
        let statements: Statements = [("P31".to_owned(), vec![item_statement("P31", "Q1")])].into();
        let claims = json!({"P31": [item_statement("P31", "Q2")]});
        let result = match_statements(false, &statements, &claims);
        assert!(result.conflicting_statements.is_empty());
        assert_eq!(result.missing_statements["P31"].len(), 1);
        let some = json!({"mainsnak": {"snaktype": "somevalue", "property": "P31"}});
        assert!(same_main_value(&some, &some));
        assert!(!same_main_value(&item_statement("P31", "Q1"), &some));
    }

    #[test]
    fn forms_go_to_the_template_form_whose_features_they_have() {
        let noun = template("english-noun");
        let lexeme = json!({"forms": [
            form("L1-F1", "goose", &["Q110786"]),
            form("L1-F2", "geese", &["Q146786"]),
            form("L1-F3", "gooses", &["Q146786"]),
            form("L1-F4", "goosey", &["Q1"]),
        ]});
        let matched = match_forms(noun, &lexeme);
        assert_eq!(matched.matched[0].len(), 1);
        assert_eq!(matched.matched[1].len(), 2);
        assert_eq!(matched.unmatched.len(), 1);
        assert!(matched.ambiguous.is_empty());
    }

    #[test]
    fn optional_features_may_be_missing() {
        let template = Templates::compiled_in()
            .expect("data")
            .templates()
            .find(|t| {
                t.forms
                    .iter()
                    .any(|f| !f.grammatical_features_item_ids_optional.is_empty())
                    && t.forms.iter().all(|f| f.statements.is_empty())
            })
            .expect("a template with optional features");
        let (index, template_form) = template
            .forms
            .iter()
            .enumerate()
            .find(|(_, f)| !f.grammatical_features_item_ids_optional.is_empty())
            .expect("the form");
        let required: Vec<&str> = template_form
            .grammatical_features_item_ids
            .iter()
            .filter(|f| {
                !template_form
                    .grammatical_features_item_ids_optional
                    .contains(f)
            })
            .map(String::as_str)
            .collect();
        let without_optional = form("L1-F1", "x", &required);
        let best = best_template_forms(template.test, &without_optional, template);
        assert!(best.contains(&index), "{}: {best:?}", template.name);
    }
}
