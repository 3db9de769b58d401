//! Reading and saving Wikibase entities (Wikidata's items and lexemes, Commons' MediaInfo)
//! through the Action API, as more than one tool does it.

use serde_json::{Map, Value};

use crate::error::MediaWikiError;
use crate::mediawiki::MediaWiki;

/// Wikibase's limit of ids per `wbgetentities` or `wbformatentities` request for users without
/// the `apihighlimits` right.
pub const IDS_PER_REQUEST: usize = 50;

/// One entity's JSON, or `None` when the wiki has no entity with this id (`missing`).
/// `props` narrows what is fetched (`info|claims`); `None` fetches everything.
pub async fn entity(
    wiki: &MediaWiki,
    id: &str,
    props: Option<&str>,
) -> Result<Option<Value>, MediaWikiError> {
    let mut params = vec![("action", "wbgetentities"), ("ids", id)];
    if let Some(props) = props {
        params.push(("props", props));
    }
    let answer: Value = wiki.get(&params).await?;
    Ok(present(&answer["entities"][id]).cloned())
}

/// The entities with these ids, by id, as the wiki returned them (formatversion 2), asked
/// [`IDS_PER_REQUEST`] at a time; an id the wiki has no entity for is not in the map.
/// `extra` is added to every request (`props`, `languages`).
pub async fn entities(
    wiki: &MediaWiki,
    ids: &[&str],
    extra: &[(&str, &str)],
) -> Result<Map<String, Value>, MediaWikiError> {
    let mut unique: Vec<&str> = ids.to_vec();
    unique.sort_unstable();
    unique.dedup();
    let mut found = Map::with_capacity(unique.len());
    for chunk in unique.chunks(IDS_PER_REQUEST) {
        // `a|b|c`: MediaWiki's list syntax (entity ids never contain `|`).
        let joined = chunk.join("|");
        let mut params = vec![
            ("action", "wbgetentities"),
            ("ids", joined.as_str()),
            ("formatversion", "2"),
        ];
        params.extend_from_slice(extra);
        let mut answer: Value = wiki.get(&params).await?;
        if let Some(entities) = answer["entities"].as_object_mut() {
            for (id, entity) in std::mem::take(entities) {
                if present(&entity).is_some() {
                    found.insert(id, entity);
                }
            }
        }
    }
    Ok(found)
}

fn present(entity: &Value) -> Option<&Value> {
    (entity.is_object() && entity.get("missing").is_none()).then_some(entity)
}

/// Which entity an edit saves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditTarget<'a> {
    /// An existing entity, by id.
    Existing(&'a str),
    /// A new entity of this type (`item`, `lexeme`).
    New(&'a str),
}

/// A saved edit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Saved {
    /// The entity's id (a new entity's is the wiki's choice).
    pub id: String,
    /// The entity's revision after the edit.
    pub revision: u64,
    /// False when the wiki found nothing to change (someone made the same change meanwhile).
    pub changed: bool,
}

/// Saves `data` (`wbeditentity`): only what it contains is changed. With `base_revision`, the
/// wiki refuses the edit with an edit conflict rather than overwrite a later change to the same
/// part of the entity (and merges changes to other parts). Never flagged as a bot edit.
pub async fn edit_entity(
    wiki: &MediaWiki,
    target: EditTarget<'_>,
    data: &Value,
    base_revision: Option<u64>,
    summary: &str,
) -> Result<Saved, MediaWikiError> {
    let data = data.to_string();
    let base = base_revision.map(|revision| revision.to_string());
    let mut params = vec![
        ("action", "wbeditentity"),
        ("data", data.as_str()),
        ("summary", summary),
        ("formatversion", "2"),
    ];
    match target {
        EditTarget::Existing(id) => params.push(("id", id)),
        EditTarget::New(kind) => params.push(("new", kind)),
    }
    if let Some(base) = &base {
        params.push(("baserevid", base));
    }
    let answer: Value = wiki.post_with_token("csrf", &params).await?;
    saved(&answer)
}

fn saved(answer: &Value) -> Result<Saved, MediaWikiError> {
    let entity = &answer["entity"];
    let unexpected = || MediaWikiError::UnexpectedResponse(format!("no saved entity in {answer}"));
    Ok(Saved {
        id: entity["id"].as_str().ok_or_else(unexpected)?.to_owned(),
        revision: entity["lastrevid"].as_u64().ok_or_else(unexpected)?,
        changed: entity.get("nochange").is_none(),
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_saved_edit_is_read_from_wbeditentity_s_answer() {
        // As Wikibase answers with formatversion=2 (`EditEntity::addToOutput`).
        let answer = json!({"entity": {"id": "Q42", "type": "item", "lastrevid": 1234,
            "claims": {}}, "success": 1});
        assert_eq!(
            saved(&answer).expect("saved"),
            Saved {
                id: "Q42".to_owned(),
                revision: 1234,
                changed: true
            }
        );
        let unchanged = json!({"entity": {"id": "Q42", "type": "item", "lastrevid": 1234,
            "nochange": ""}, "success": 1});
        assert!(!saved(&unchanged).expect("saved").changed);
        assert!(matches!(
            saved(&json!({"success": 1})),
            Err(MediaWikiError::UnexpectedResponse(_))
        ));
    }

    #[test]
    fn missing_entities_are_absent() {
        assert!(present(&json!({"id": "Q1", "missing": ""})).is_none());
        assert!(present(&Value::Null).is_none());
        assert!(present(&json!({"id": "Q1", "claims": {}})).is_some());
    }
}
