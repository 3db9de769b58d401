//! Statements of Wikidata items and Commons files as this tool reads and writes them: the
//! image of an item, what an image depicts and where, labels, the wiki's names for "unknown
//! value" and "no value", and the two edits (a region qualifier, a new depicts statement).

use std::collections::HashMap;

use serde_json::{Value, json};
use wikimedia::mediawiki::{MediaWiki, MediaWikiError};
use wikimedia::wikibase;

use crate::labels::{self, Label};

/// "depicts" (P180).
pub const DEPICTS: &str = "P180";
/// "named place on map" (P9664).
pub const NAMED_PLACE_ON_MAP: &str = "P9664";
/// The properties whose statements can have a region, in the order they are shown.
pub const DEPICTED_PROPERTIES: [&str; 2] = [DEPICTS, NAMED_PLACE_ON_MAP];
/// "relative position within image" (P2677), the region qualifier.
pub const RELATIVE_POSITION: &str = "P2677";

/// The edit summary of a region drawn with this tool; edit summaries stay in the wiki's
/// language, not the interface's.
pub const REGION_SUMMARY: &str =
    "region drawn with [[toolforge:wd-image-positions|Wikidata Image Positions]]";
pub const STATEMENT_SUMMARY: &str =
    "statement added with [[toolforge:wd-image-positions|Wikidata Image Positions]]";

/// What a depicts (or named place) statement says is depicted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DepictedValue {
    Item(String),
    /// "unknown value" (`somevalue`).
    SomeValue,
    /// "no value" (`novalue`).
    NoValue,
}

/// One depicts (or named place on map) statement, with its region if it has one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Depicted {
    pub statement_id: String,
    pub property: String,
    pub value: DepictedValue,
    /// The first region qualifier's value, as written.
    pub region: Option<String>,
    /// Its hash, to replace that qualifier rather than add a second one.
    pub qualifier_hash: Option<String>,
}

/// An entity's statements grouped by property: items have `claims`, MediaInfo `statements`,
/// which is `[]` rather than `{}` when there are none (T222159).
fn statement_groups(entity: &Value) -> &Value {
    if entity["claims"].is_object() {
        &entity["claims"]
    } else {
        &entity["statements"]
    }
}

/// The depicts and named-place statements of an entity, in the order of
/// [`DEPICTED_PROPERTIES`] and then of the entity.
pub fn depicteds(entity: &Value) -> Vec<Depicted> {
    let groups = statement_groups(entity);
    DEPICTED_PROPERTIES
        .iter()
        .flat_map(|property| {
            groups[*property]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(move |statement| depicted(property, statement))
        })
        .collect()
}

fn depicted(property: &str, statement: &Value) -> Option<Depicted> {
    let snak = &statement["mainsnak"];
    let value = match snak["snaktype"].as_str()? {
        "value" => DepictedValue::Item(snak["datavalue"]["value"]["id"].as_str()?.to_owned()),
        "somevalue" => DepictedValue::SomeValue,
        "novalue" => DepictedValue::NoValue,
        _ => return None,
    };
    let qualifier = statement["qualifiers"][RELATIVE_POSITION]
        .as_array()
        .into_iter()
        .flatten()
        .find(|qualifier| qualifier["snaktype"] == "value");
    Some(Depicted {
        statement_id: statement["id"].as_str()?.to_owned(),
        property: property.to_owned(),
        value,
        region: qualifier
            .and_then(|q| q["datavalue"]["value"].as_str())
            .map(str::to_owned),
        qualifier_hash: qualifier
            .and_then(|q| q["hash"].as_str())
            .map(str::to_owned),
    })
}

/// The image a property of an entity names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImageValue {
    /// No statement of the property has a value.
    None,
    /// The file name of the best-ranked statement (preferred, else normal, else deprecated).
    File(String),
    /// The best value is not a string (a property that is not an image property).
    WrongType(String),
}

pub fn image_value(entity: &Value, property: &str) -> ImageValue {
    let statements: Vec<&Value> = statement_groups(entity)[property]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|statement| statement["mainsnak"]["snaktype"] == "value")
        .collect();
    let best = ["preferred", "normal", "deprecated"]
        .iter()
        .find_map(|rank| statements.iter().find(|s| s["rank"] == *rank));
    let Some(datavalue) = best.map(|statement| &statement["mainsnak"]["datavalue"]) else {
        return ImageValue::None;
    };
    match (datavalue["type"].as_str(), datavalue["value"].as_str()) {
        (Some("string"), Some(name)) => ImageValue::File(name.to_owned()),
        (kind, _) => ImageValue::WrongType(kind.unwrap_or("unknown").to_owned()),
    }
}

/// The entity's JSON (`None` when the wiki has no such entity).
pub async fn entity(wiki: &MediaWiki, id: &str) -> Result<Option<Value>, MediaWikiError> {
    wikibase::entity(wiki, id, Some("info|claims")).await
}

/// The best labels of `ids` for `interface_language` (ids without one: their id).
pub async fn labels(
    wiki: &MediaWiki,
    ids: &[String],
    interface_language: &str,
) -> Result<HashMap<String, Label>, MediaWikiError> {
    let chain = labels::language_chain(interface_language);
    let languages = chain.join("|");
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    let entities = wikibase::entities(
        wiki,
        &ids,
        &[("props", "labels"), ("languages", &languages)],
    )
    .await?;
    Ok(labels::best_labels(&Value::Object(entities), &chain))
}

/// The wiki's own names for "unknown value" and "no value", in `language`.
#[derive(Debug, Clone)]
pub struct SnakMessages {
    pub some_value: Label,
    pub no_value: Label,
}

const SOME_VALUE_MESSAGE: &str = "wikibase-snakview-variations-somevalue-label";
const NO_VALUE_MESSAGE: &str = "wikibase-snakview-variations-novalue-label";

pub async fn snak_messages(
    wiki: &MediaWiki,
    language: &str,
) -> Result<SnakMessages, MediaWikiError> {
    let names = format!("{SOME_VALUE_MESSAGE}|{NO_VALUE_MESSAGE}");
    let response: Value = wiki
        .get(&[
            ("action", "query"),
            ("meta", "allmessages"),
            ("ammessages", &names),
            ("amlang", language),
        ])
        .await?;
    let message = |name: &str, fallback: &str| {
        let text = response["query"]["allmessages"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|message| message["name"] == name)
            .and_then(|message| message["content"].as_str())
            .unwrap_or(fallback);
        Label {
            language: language.to_owned(),
            value: text.to_owned(),
        }
    };
    Ok(SnakMessages {
        some_value: message(SOME_VALUE_MESSAGE, "unknown value"),
        no_value: message(NO_VALUE_MESSAGE, "no value"),
    })
}

/// Sets the region qualifier of a statement (replacing the one with `qualifier_hash`, if
/// given); the new qualifier's hash, if the wiki says it.
pub async fn set_region(
    wiki: &MediaWiki,
    statement_id: &str,
    region: &str,
    qualifier_hash: Option<&str>,
) -> Result<Option<String>, MediaWikiError> {
    let value = Value::String(region.to_owned()).to_string();
    let mut params = vec![
        ("action", "wbsetqualifier"),
        ("claim", statement_id),
        ("property", RELATIVE_POSITION),
        ("snaktype", "value"),
        ("value", value.as_str()),
        ("summary", REGION_SUMMARY),
    ];
    if let Some(hash) = qualifier_hash {
        params.push(("snakhash", hash));
    }
    let response: Value = wiki.post_with_token("csrf", &params).await?;
    Ok(response["claim"]["qualifiers"][RELATIVE_POSITION]
        .as_array()
        .into_iter()
        .flatten()
        .find(|qualifier| qualifier["datavalue"]["value"] == region)
        .and_then(|qualifier| qualifier["hash"].as_str())
        .map(str::to_owned))
}

/// Adds a statement `property` = `value` to `entity`; the new statement's id.
pub async fn create_statement(
    wiki: &MediaWiki,
    entity: &str,
    property: &str,
    value: &DepictedValue,
) -> Result<String, MediaWikiError> {
    let item_value;
    let mut params = vec![
        ("action", "wbcreateclaim"),
        ("entity", entity),
        ("property", property),
        ("summary", STATEMENT_SUMMARY),
    ];
    match value {
        DepictedValue::Item(id) => {
            item_value = json!({"entity-type": "item", "id": id}).to_string();
            params.push(("snaktype", "value"));
            params.push(("value", &item_value));
        }
        DepictedValue::SomeValue => params.push(("snaktype", "somevalue")),
        DepictedValue::NoValue => params.push(("snaktype", "novalue")),
    }
    let response: Value = wiki.post_with_token("csrf", &params).await?;
    response["claim"]["id"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| MediaWikiError::UnexpectedResponse("no claim id in the answer".to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item_statement(id: &str, property: &str, item: &str, rank: &str) -> Value {
        json!({"id": id, "rank": rank, "mainsnak": {"snaktype": "value", "property": property,
            "datavalue": {"type": "wikibase-entityid", "value": {"entity-type": "item", "id": item}}}})
    }

    fn with_region(mut statement: Value, region: &str, hash: &str) -> Value {
        statement["qualifiers"] = json!({RELATIVE_POSITION: [
            {"snaktype": "novalue", "property": RELATIVE_POSITION, "hash": "nohash"},
            {"snaktype": "value", "property": RELATIVE_POSITION, "hash": hash,
             "datavalue": {"type": "string", "value": region}},
        ]});
        statement
    }

    #[test]
    fn depicteds_of_items_and_files_with_their_regions() {
        let item = json!({"claims": {
            "P9664": [item_statement("Q1$c", "P9664", "Q90", "normal")],
            "P180": [
                with_region(item_statement("Q1$a", "P180", "Q5", "normal"), "pct:1,2,3,4", "h1"),
                {"id": "Q1$b", "rank": "normal", "mainsnak": {"snaktype": "somevalue", "property": "P180"}},
                {"id": "Q1$d", "rank": "normal", "mainsnak": {"snaktype": "novalue", "property": "P180"}},
            ],
        }});
        let found = depicteds(&item);
        assert_eq!(
            found
                .iter()
                .map(|d| d.statement_id.as_str())
                .collect::<Vec<_>>(),
            ["Q1$a", "Q1$b", "Q1$d", "Q1$c"]
        );
        assert_eq!(found[0].value, DepictedValue::Item("Q5".to_owned()));
        assert_eq!(found[0].region.as_deref(), Some("pct:1,2,3,4"));
        assert_eq!(found[0].qualifier_hash.as_deref(), Some("h1"));
        assert_eq!(found[1].value, DepictedValue::SomeValue);
        assert_eq!(found[2].value, DepictedValue::NoValue);
        assert_eq!(found[3].property, "P9664");

        let file = json!({"type": "mediainfo", "statements": {"P180": [item_statement("M5$a", "P180", "Q5", "normal")]}});
        assert_eq!(depicteds(&file).len(), 1);
        let bare_file = json!({"type": "mediainfo", "statements": []});
        assert!(depicteds(&bare_file).is_empty());
    }

    #[test]
    fn the_best_ranked_image_is_the_image() {
        let file = |name: &str, rank: &str| {
            json!({"rank": rank, "mainsnak": {"snaktype": "value", "property": "P18",
                "datavalue": {"type": "string", "value": name}}})
        };
        let cases = [
            (json!([]), ImageValue::None),
            (
                json!([{"rank": "preferred", "mainsnak": {"snaktype": "somevalue"}}]),
                ImageValue::None,
            ),
            (
                json!([file("A.jpg", "deprecated"), file("B.jpg", "normal")]),
                ImageValue::File("B.jpg".to_owned()),
            ),
            (
                json!([
                    file("A.jpg", "normal"),
                    file("B.jpg", "preferred"),
                    file("C.jpg", "normal")
                ]),
                ImageValue::File("B.jpg".to_owned()),
            ),
            (
                json!([file("A.jpg", "deprecated")]),
                ImageValue::File("A.jpg".to_owned()),
            ),
            (
                json!([item_statement("Q1$x", "P31", "Q5", "normal")]),
                ImageValue::WrongType("wikibase-entityid".to_owned()),
            ),
        ];
        for (statements, expected) in cases {
            let entity = json!({"claims": {"P18": statements}});
            assert_eq!(image_value(&entity, "P18"), expected, "{statements}");
        }
    }
}
