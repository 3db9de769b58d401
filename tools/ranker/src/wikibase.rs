//! What the tool asks a Wikibase: entities, a file's MediaInfo id, edits with a base revision,
//! and formatted values and labels (the reads and writes of every Wikibase tool are the
//! `wikimedia` crate's `wikibase`).

use std::collections::HashMap;

use serde_json::Value;
use wikimedia::mediawiki::{MediaWiki, MediaWikiError};
use wikimedia::wikibase::{self, EditTarget, IDS_PER_REQUEST};

use crate::ids::EntityId;
use crate::statements::{Entity, StatementError};

#[derive(Debug, thiserror::Error)]
pub enum WikibaseError {
    #[error(transparent)]
    Wiki(#[from] MediaWikiError),
    #[error("the wiki's entity data has an unexpected shape: {0}")]
    Shape(#[from] StatementError),
}

/// The entities with these ids; `None` for those the wiki does not have.
pub async fn get_entities(
    wiki: &MediaWiki,
    ids: &[EntityId],
) -> Result<HashMap<EntityId, Option<Entity>>, WikibaseError> {
    let wanted: Vec<&str> = ids.iter().map(EntityId::as_str).collect();
    let found = wikibase::entities(wiki, &wanted, &[("props", "info|claims")]).await?;
    let mut entities = HashMap::with_capacity(ids.len());
    for id in ids {
        let entity = match found.get(id.as_str()) {
            Some(json) => Entity::from_json(id.clone(), json)?,
            None => None,
        };
        entities.insert(id.clone(), entity);
    }
    Ok(entities)
}

/// `a|b|c`: MediaWiki's list syntax (ids never contain `|`).
fn join_ids<'a>(ids: impl Iterator<Item = &'a str>) -> String {
    ids.collect::<Vec<_>>().join("|")
}

/// The MediaInfo entity of a `File:` page on a Commons, `None` if there is no such file.
pub async fn media_info_of(
    wiki: &MediaWiki,
    title: &str,
) -> Result<Option<EntityId>, MediaWikiError> {
    let response: Value = wiki
        .get(&[
            ("action", "query"),
            ("titles", title),
            ("formatversion", "2"),
        ])
        .await?;
    let page = &response["query"]["pages"][0];
    if page.get("missing").is_some() || page.get("invalid").is_some() {
        return Ok(None);
    }
    Ok(page["pageid"].as_u64().map(EntityId::media_info))
}

/// How a `wbeditentity` ended, where that is no error of the user's or the wiki's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditOutcome {
    Edited {
        revision: u64,
    },
    /// The wiki found nothing to change (someone made the same change meanwhile).
    NoChange {
        revision: u64,
    },
    /// The entity was edited since the base revision: nothing was saved.
    Conflict,
}

/// Saves `data` (only the changed statements) on entity `id` as of `base_revision`: Wikibase
/// refuses the edit rather than overwrite a later one. Never flagged as a bot edit.
pub async fn edit_entity(
    wiki: &MediaWiki,
    id: &EntityId,
    data: &Value,
    base_revision: u64,
    summary: &str,
) -> Result<EditOutcome, MediaWikiError> {
    let target = EditTarget::Existing(id.as_str());
    match wikibase::edit_entity(wiki, target, data, Some(base_revision), summary).await {
        Ok(saved) if saved.changed => Ok(EditOutcome::Edited {
            revision: saved.revision,
        }),
        Ok(saved) => Ok(EditOutcome::NoChange {
            revision: saved.revision,
        }),
        Err(MediaWikiError::EditConflict { .. }) => Ok(EditOutcome::Conflict),
        Err(error) => Err(error),
    }
}

/// A data value as the wiki formats it, as HTML (`wbformatvalue`, `generate=text/html`) in the
/// language `lang`.
pub async fn format_value(
    wiki: &MediaWiki,
    property: &str,
    datavalue: &Value,
    lang: &str,
) -> Result<String, MediaWikiError> {
    let datavalue = datavalue.to_string();
    let response: Value = wiki
        .get(&[
            ("action", "wbformatvalue"),
            ("datavalue", &datavalue),
            ("property", property),
            ("generate", "text/html"),
            ("uselang", lang),
            ("formatversion", "2"),
        ])
        .await?;
    response["result"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| MediaWikiError::UnexpectedResponse(format!("no result in {response}")))
}

/// Entities' labels as the wiki formats them, as HTML (`wbformatentities`), at most
/// [`IDS_PER_REQUEST`] at a time.
pub async fn format_entities(
    wiki: &MediaWiki,
    ids: &[String],
    lang: &str,
) -> Result<HashMap<String, String>, MediaWikiError> {
    let mut formatted = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(IDS_PER_REQUEST) {
        let joined = join_ids(chunk.iter().map(String::as_str));
        let response: Value = wiki
            .get(&[
                ("action", "wbformatentities"),
                ("ids", &joined),
                ("uselang", lang),
                ("formatversion", "2"),
            ])
            .await?;
        if let Some(map) = response["wbformatentities"].as_object() {
            for (id, html) in map {
                if let Some(html) = html.as_str() {
                    formatted.insert(id.clone(), html.to_owned());
                }
            }
        }
    }
    Ok(formatted)
}
