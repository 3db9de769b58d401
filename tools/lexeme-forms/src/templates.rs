//! The lexeme templates (`data/templates.json`, CC BY-SA 4.0, by the Wikidata community):
//! compiled in, parsed once, looked up by name. A name may also be a rename (the template's
//! new name) or ambiguous (the templates it may mean).

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Statements by property id, in Wikibase JSON (as `wbeditentity` takes them).
pub type Statements = BTreeMap<String, Vec<Value>>;

static DATA: &str = include_str!("../data/templates.json");

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Template {
    #[serde(rename = "@template_name")]
    pub name: String,
    pub label: String,
    pub language_item_id: String,
    pub language_code: String,
    pub lexical_category_item_id: String,
    pub forms: Vec<TemplateForm>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub statements: Statements,
    /// Whether sections show in two columns; a template with section breaks says which.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub two_column_sections: Option<bool>,
    /// A template for test.wikidata.org (its item ids are that wiki's).
    #[serde(default, skip_serializing_if = "is_false")]
    pub test: bool,
    #[serde(
        rename = "@attribution",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub attribution: Option<Attribution>,
    /// Fields this tool does not use (Wikifunctions hooks), kept so the API answers the
    /// template as the data has it.
    #[serde(flatten)]
    pub other: BTreeMap<String, Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TemplateForm {
    pub label: String,
    /// A sentence with the form in brackets: `Das ist ein [Hund].`
    pub example: String,
    pub grammatical_features_item_ids: Vec<String>,
    /// Features a lexeme's form may lack and still match this form.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub grammatical_features_item_ids_optional: Vec<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub optional: bool,
    /// A new section starts with this form.
    #[serde(default, skip_serializing_if = "is_false")]
    pub section_break: bool,
    /// This form's first variant is the lemma (else the first form's).
    #[serde(default, skip_serializing_if = "is_false")]
    pub lemma: bool,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub statements: Statements,
    #[serde(flatten)]
    pub other: BTreeMap<String, Value>,
}

/// Who proposed a template, and where (an on-wiki page title; test templates have none).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attribution {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    pub users: Vec<String>,
}

fn is_false(value: &bool) -> bool {
    !value
}

/// What the data holds under one name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Entry {
    Template(Box<Template>),
    Renamed(String),
    Ambiguous(Vec<String>),
}

/// A name looked up.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Lookup<'a> {
    Found(&'a Template),
    /// The template's new name.
    Renamed(&'a str),
    /// The templates the name may mean.
    Ambiguous(&'a [String]),
    Unknown,
}

#[derive(Debug)]
pub struct Templates {
    entries: BTreeMap<String, Entry>,
}

#[derive(Debug, thiserror::Error)]
#[error("data/templates.json cannot be read: {0}")]
pub struct DataError(#[from] serde_json::Error);

impl Templates {
    pub fn parse(json: &str) -> Result<Self, DataError> {
        Ok(Self {
            entries: serde_json::from_str(json)?,
        })
    }

    /// The compiled-in templates, parsed on first use.
    pub fn compiled_in() -> Result<&'static Self, &'static DataError> {
        static PARSED: OnceLock<Result<Templates, DataError>> = OnceLock::new();
        PARSED.get_or_init(|| Self::parse(DATA)).as_ref()
    }

    pub fn lookup(&self, name: &str) -> Lookup<'_> {
        match self.entries.get(name) {
            Some(Entry::Template(template)) => Lookup::Found(template),
            Some(Entry::Renamed(to)) => Lookup::Renamed(to),
            Some(Entry::Ambiguous(names)) => Lookup::Ambiguous(names),
            None => Lookup::Unknown,
        }
    }

    /// The template with this exact name (not following renames).
    pub fn get(&self, name: &str) -> Option<&Template> {
        match self.entries.get(name) {
            Some(Entry::Template(template)) => Some(template),
            _ => None,
        }
    }

    /// Every template (not the renames and ambiguous names), by name.
    pub fn templates(&self) -> impl Iterator<Item = &Template> {
        self.entries.values().filter_map(|entry| match entry {
            Entry::Template(template) => Some(&**template),
            _ => None,
        })
    }

    /// Everything under every name, as the data has it (the API's `/api/v1/template/`).
    pub fn entries(&self) -> &BTreeMap<String, Entry> {
        &self.entries
    }

    /// Templates grouped by language code (sorted), each group sorted by label.
    pub fn by_language(&self) -> Vec<(&str, Vec<&Template>)> {
        let mut groups: BTreeMap<(&str, bool), Vec<&Template>> = BTreeMap::new();
        for template in self.templates() {
            groups
                .entry((template.language_code.as_str(), template.test))
                .or_default()
                .push(template);
        }
        groups
            .into_iter()
            .map(|((code, _), mut templates)| {
                templates.sort_by(|a, b| a.label.cmp(&b.label));
                (code, templates)
            })
            .collect()
    }
}

impl Template {
    /// The wiki the template's lexemes live on: `www` or `test` (.wikidata.org).
    pub fn wiki(&self) -> &'static str {
        if self.test { "test" } else { "www" }
    }

    /// The forms in sections: a form with `section_break` starts a new one.
    pub fn sections(&self) -> Vec<&[TemplateForm]> {
        let mut sections = Vec::new();
        let mut start = 0;
        for (index, form) in self.forms.iter().enumerate() {
            if form.section_break && index > start {
                sections.push(&self.forms[start..index]);
                start = index;
            }
        }
        if start < self.forms.len() {
            sections.push(&self.forms[start..]);
        }
        sections
    }
}

/// An example sentence split at its one `[…]` slot: text before, the slot's text, text after.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Example<'a> {
    pub before: &'a str,
    pub slot: &'a str,
    pub after: &'a str,
}

impl TemplateForm {
    /// The example split at its slot; `None` if it has no slot or more than one.
    pub fn example_parts(&self) -> Option<Example<'_>> {
        let (before, rest) = self.example.split_once('[')?;
        let (slot, after) = rest.split_once(']')?;
        if after.contains(['[', ']']) || slot.contains('[') {
            return None;
        }
        Some(Example {
            before,
            slot,
            after,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn templates() -> &'static Templates {
        Templates::compiled_in().expect("the data parses")
    }

    #[test]
    fn names_are_found_renamed_or_ambiguous() {
        let templates = templates();
        assert!(matches!(
            templates.lookup("german-noun-masculine"),
            Lookup::Found(t) if t.language_code == "de"
        ));
        assert_eq!(
            templates.lookup("dutch-feminine-noun"),
            Lookup::Renamed("dutch-noun-feminine")
        );
        assert!(matches!(
            templates.lookup("portuguese-adjective"),
            Lookup::Ambiguous(names) if names.len() == 2
        ));
        assert_eq!(templates.lookup("klingon-noun"), Lookup::Unknown);
        assert_eq!(templates.templates().count(), 256);
    }

    #[test]
    fn examples_split_at_their_slot() {
        let form = |example: &str| TemplateForm {
            label: "x".to_owned(),
            example: example.to_owned(),
            grammatical_features_item_ids: Vec::new(),
            grammatical_features_item_ids_optional: Vec::new(),
            optional: false,
            section_break: false,
            lemma: false,
            statements: Statements::new(),
            other: BTreeMap::new(),
        };
        assert_eq!(
            form("Das ist ein [Hund].").example_parts(),
            Some(Example {
                before: "Das ist ein ",
                slot: "Hund",
                after: "."
            })
        );
        assert_eq!(form("no slot").example_parts(), None);
        assert_eq!(form("[a] and [b]").example_parts(), None);
        assert_eq!(form("[a[b]]").example_parts(), None);
    }

    #[test]
    fn sections_start_at_section_breaks() {
        let template = templates()
            .templates()
            .find(|t| t.forms.iter().skip(1).any(|f| f.section_break))
            .expect("a template with sections");
        let sections = template.sections();
        assert!(sections.len() > 1);
        assert_eq!(
            sections.iter().map(|s| s.len()).sum::<usize>(),
            template.forms.len()
        );
        assert!(sections.iter().skip(1).all(|s| s[0].section_break));
    }
}
