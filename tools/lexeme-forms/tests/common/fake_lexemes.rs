//! Wikidata's lexemes for [`FakeWiki::on_api`](test_support::FakeWiki::on_api): whole lexemes
//! (lemmas, language, lexical category, forms, statements) with revisions, as Wikidata Lexeme
//! Forms reads, searches and creates them:
//!
//! - `wbgetentities` of lexeme ids (`missing` for unknown ones);
//! - `wbsearchentities` with `type=lexeme`: lexemes whose lemma starts with the search, each
//!   with the lemma's language as `match.language`, as Wikidata's search answers;
//! - `prop=pageprops` of `Lexeme:L…` titles: `wbl-forms` and `wbl-senses`;
//! - `wbeditentity` with `new=lexeme` (a new `L` id, forms numbered) or `id` (forms marked
//!   `add` appended, `remove` honoured, statements added), refused with `editconflict` unless
//!   `baserevid`, if given, is the latest revision; every edit is recorded.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::{Value, json};

use test_support::{ApiRequest, api_error};

/// One `wbeditentity` as the fake received it.
#[derive(Debug, Clone, PartialEq)]
pub struct LexemeEdit {
    /// `None` for `new=lexeme`.
    pub id: Option<String>,
    pub base_revision: Option<u64>,
    pub summary: String,
    /// The `data` parameter, parsed.
    pub data: Value,
}

#[derive(Debug, Default)]
struct State {
    lexemes: BTreeMap<String, Value>,
    next_id: u64,
    revision: u64,
    edits: Vec<LexemeEdit>,
}

#[derive(Debug, Clone, Default)]
pub struct FakeLexemes {
    state: Arc<Mutex<State>>,
}

impl FakeLexemes {
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Stores `lexeme` (its `id` inside) at a new revision, which it returns.
    pub fn add_lexeme(&self, mut lexeme: Value) -> u64 {
        let mut state = self.lock();
        state.revision += 1;
        let revision = state.revision;
        lexeme["lastrevid"] = json!(revision);
        let id = lexeme["id"].as_str().unwrap_or_default().to_owned();
        if let Some(number) = id.strip_prefix('L').and_then(|n| n.parse::<u64>().ok()) {
            state.next_id = state.next_id.max(number);
        }
        state.lexemes.insert(id, lexeme);
        revision
    }

    pub fn lexeme(&self, id: &str) -> Option<Value> {
        self.lock().lexemes.get(id).cloned()
    }

    /// Someone else edits the lexeme: a new revision, nothing else changes.
    pub fn edit_elsewhere(&self, id: &str) -> u64 {
        let mut state = self.lock();
        state.revision += 1;
        let revision = state.revision;
        if let Some(lexeme) = state.lexemes.get_mut(id) {
            lexeme["lastrevid"] = json!(revision);
        }
        revision
    }

    pub fn edits(&self) -> Vec<LexemeEdit> {
        self.lock().edits.clone()
    }

    pub fn answer(&self, request: &ApiRequest) -> Option<Value> {
        match request.param("action")? {
            "wbgetentities" => {
                let ids = request.param("ids")?;
                if !ids.starts_with('L') {
                    return None;
                }
                let state = self.lock();
                let entities: serde_json::Map<String, Value> = ids
                    .split('|')
                    .map(|id| {
                        let entity = state
                            .lexemes
                            .get(id)
                            .cloned()
                            .unwrap_or_else(|| json!({"id": id, "missing": ""}));
                        (id.to_owned(), entity)
                    })
                    .collect();
                Some(json!({"entities": entities, "success": 1}))
            }
            "wbsearchentities" if request.param("type") == Some("lexeme") => {
                let search = request.param("search")?;
                let state = self.lock();
                let results: Vec<Value> = state
                    .lexemes
                    .values()
                    .flat_map(|lexeme| {
                        let id = lexeme["id"].as_str().unwrap_or_default().to_owned();
                        lexeme["lemmas"]
                            .as_object()
                            .into_iter()
                            .flatten()
                            .filter(|(_, lemma)| {
                                lemma["value"].as_str().is_some_and(|v| v.starts_with(search))
                            })
                            .map(move |(language, lemma)| {
                                json!({
                                    "id": id,
                                    "concepturi": format!("http://www.wikidata.org/entity/{id}"),
                                    "label": lemma["value"],
                                    "description": "fake lexeme",
                                    "match": {"type": "label", "language": language, "text": lemma["value"]},
                                })
                            })
                            .collect::<Vec<_>>()
                    })
                    .collect();
                Some(json!({"search": results, "success": 1}))
            }
            "query" if request.param("prop") == Some("pageprops") => {
                let titles = request.param("titles")?;
                if !titles.starts_with("Lexeme:") {
                    return None;
                }
                let state = self.lock();
                let pages: Vec<Value> = titles
                    .split('|')
                    .filter_map(|title| {
                        let lexeme = state.lexemes.get(title.strip_prefix("Lexeme:")?)?;
                        let count = |key: &str| lexeme[key].as_array().map_or(0, Vec::len);
                        Some(json!({"title": title, "pageprops": {
                            "wbl-forms": count("forms").to_string(),
                            "wbl-senses": count("senses").to_string(),
                        }}))
                    })
                    .collect();
                Some(json!({"query": {"pages": pages}}))
            }
            "wbeditentity" => self.edit(request),
            _ => None,
        }
    }

    fn edit(&self, request: &ApiRequest) -> Option<Value> {
        let data: Value = serde_json::from_str(request.param("data")?).ok()?;
        let base_revision = request.param("baserevid").and_then(|r| r.parse().ok());
        let id = request.param("id").map(str::to_owned);
        if id.is_none() && request.param("new") != Some("lexeme") {
            return None;
        }
        let mut state = self.lock();
        state.edits.push(LexemeEdit {
            id: id.clone(),
            base_revision,
            summary: request.param("summary").unwrap_or_default().to_owned(),
            data: data.clone(),
        });
        let (id, mut lexeme) = match id {
            None => {
                state.next_id += 1;
                let id = format!("L{}", state.next_id);
                (
                    id.clone(),
                    json!({"id": id, "type": "lexeme", "lemmas": data["lemmas"],
                        "language": data["language"], "lexicalCategory": data["lexicalCategory"],
                        "claims": {}, "forms": [], "senses": []}),
                )
            }
            Some(id) => {
                let Some(existing) = state.lexemes.get(&id).cloned() else {
                    return Some(api_error("no-such-entity", "Could not find an entity."));
                };
                if base_revision.is_some_and(|base| Some(base) != existing["lastrevid"].as_u64()) {
                    return Some(api_error(
                        "editconflict",
                        "Edit conflict: the entity was changed in the meantime.",
                    ));
                }
                (id, existing)
            }
        };
        if let Some(lemmas) = data["lemmas"].as_object() {
            for (language, lemma) in lemmas {
                lexeme["lemmas"][language] = lemma.clone();
            }
        }
        apply_forms(&id, &mut lexeme, &data);
        for (property, statements) in data["claims"].as_object().into_iter().flatten() {
            let list = &mut lexeme["claims"][property];
            if !list.is_array() {
                *list = json!([]);
            }
            for statement in statements.as_array().into_iter().flatten() {
                let known = statement["id"].as_str().is_some_and(|sid| {
                    list.as_array()
                        .is_some_and(|l| l.iter().any(|s| s["id"].as_str() == Some(sid)))
                });
                if !known && let Some(list) = list.as_array_mut() {
                    list.push(statement.clone());
                }
            }
        }
        state.revision += 1;
        let revision = state.revision;
        lexeme["lastrevid"] = json!(revision);
        state.lexemes.insert(id.clone(), lexeme);
        Some(json!({"entity": {"id": id, "lastrevid": revision, "type": "lexeme"}, "success": 1}))
    }
}

/// Forms of `data`: new ones (`add`, or without an id) appended with the next `L…-F…` id,
/// known ones replaced (`remove` drops the form, a representation's `remove` drops it).
fn apply_forms(id: &str, lexeme: &mut Value, data: &Value) {
    let Some(new_forms) = data["forms"].as_array() else {
        return;
    };
    let mut forms: Vec<Value> = lexeme["forms"].as_array().cloned().unwrap_or_default();
    let mut next = forms.len() + 1;
    for form in new_forms {
        let form_id = form["id"].as_str().map(str::to_owned);
        match form_id {
            Some(form_id) if form.get("add").is_none() => {
                if form.get("remove").is_some() {
                    forms.retain(|f| f["id"].as_str() != Some(&form_id));
                    continue;
                }
                let mut form = form.clone();
                if let Some(representations) = form["representations"].as_object_mut() {
                    representations.retain(|_, r| r.get("remove").is_none());
                }
                if let Some(slot) = forms
                    .iter_mut()
                    .find(|f| f["id"].as_str() == Some(&form_id))
                {
                    *slot = form;
                }
            }
            _ => {
                let mut form = form.clone();
                if let Some(object) = form.as_object_mut() {
                    object.remove("add");
                }
                form["id"] = json!(format!("{id}-F{next}"));
                next += 1;
                forms.push(form);
            }
        }
    }
    lexeme["forms"] = Value::Array(forms);
}
