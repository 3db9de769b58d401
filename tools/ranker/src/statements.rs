//! Entities and statements as Wikibase's JSON has them, and the one edit the tool makes to a
//! statement: a new rank, the old reasons for a rank removed, perhaps a new reason added.
//!
//! A statement is kept as the wiki's JSON object, whole: an edit sends it back with only the
//! rank and the reason qualifiers changed, so nothing else of it (references, other qualifiers,
//! fields a newer Wikibase adds) can be lost on the way.

use serde_json::{Map, Value, json};

use crate::ids::{EntityId, ItemId, PropertyId};
use crate::rank::Rank;
use crate::wikis::Wiki;

/// A statement the wiki gave without the fields every statement has.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StatementError {
    #[error("a statement without an id or with an unknown rank: {0}")]
    Malformed(String),
    #[error("{wiki} has no property for a reason for {rank} rank")]
    NoReasonProperty { wiki: String, rank: Rank },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    json: Map<String, Value>,
    rank: Rank,
}

impl Statement {
    pub fn from_json(value: Value) -> Result<Self, StatementError> {
        let malformed = |value: &Value| StatementError::Malformed(value.to_string());
        let Value::Object(json) = value else {
            return Err(malformed(&value));
        };
        let rank = json
            .get("rank")
            .and_then(Value::as_str)
            .and_then(|rank| Rank::parse(rank).ok());
        match (json.get("id").and_then(Value::as_str), rank) {
            (Some(_), Some(rank)) => Ok(Self { json, rank }),
            _ => Err(malformed(&Value::Object(json))),
        }
    }

    pub fn id(&self) -> &str {
        self.json
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    pub fn rank(&self) -> Rank {
        self.rank
    }

    /// The main snak's property.
    pub fn property(&self) -> &str {
        self.main_snak()["property"].as_str().unwrap_or_default()
    }

    /// The main snak: `snaktype` and, for a value, `datavalue`.
    pub fn main_snak(&self) -> &Value {
        self.json.get("mainsnak").unwrap_or(&Value::Null)
    }

    /// The items given as reasons for the statement's rank (either property), in order.
    pub fn reasons(&self, wiki: &Wiki) -> Vec<String> {
        let qualifiers = self.json.get("qualifiers").unwrap_or(&Value::Null);
        wiki.reason_properties()
            .iter()
            .filter_map(|property| qualifiers[property.as_str()].as_array())
            .flatten()
            .filter_map(|snak| snak["datavalue"]["value"]["id"].as_str())
            .map(str::to_owned)
            .collect()
    }

    /// The properties of every qualifier, for labels to be fetched with the page.
    pub fn qualifier_properties(&self) -> impl Iterator<Item = &str> {
        self.json
            .get("qualifiers")
            .and_then(Value::as_object)
            .into_iter()
            .flat_map(|qualifiers| qualifiers.keys().map(String::as_str))
    }

    /// This statement with rank `rank`, without its reasons for a rank (both properties:
    /// a reason for preferred rank is wrong on a deprecated statement), and with `reason`
    /// under the property for `rank` if one is given. `None` if the statement has that rank
    /// already: then it is left as it is, reasons and all.
    pub fn with_rank(
        &self,
        rank: Rank,
        reason: Option<&ItemId>,
        wiki: &Wiki,
    ) -> Result<Option<Statement>, StatementError> {
        if rank == self.rank {
            return Ok(None);
        }
        let reason_property = match reason {
            None => None,
            Some(reason) => Some((
                wiki.reason_property(rank)
                    .ok_or_else(|| StatementError::NoReasonProperty {
                        wiki: wiki.domain().to_owned(),
                        rank,
                    })?,
                reason,
            )),
        };
        let mut json = self.json.clone();
        json.insert("rank".to_owned(), Value::from(rank.as_str()));
        let removed = wiki.reason_properties();
        if let Some(Value::Object(qualifiers)) = json.get_mut("qualifiers") {
            for property in &removed {
                qualifiers.remove(property.as_str());
            }
        }
        if let Some(Value::Array(order)) = json.get_mut("qualifiers-order") {
            order.retain(|p| !removed.iter().any(|r| p.as_str() == Some(r.as_str())));
        }
        if let Some((property, item)) = reason_property {
            let snak = json!({
                "snaktype": "value",
                "property": property.as_str(),
                "datatype": "wikibase-item",
                "datavalue": {
                    "type": "wikibase-entityid",
                    "value": {"entity-type": "item", "id": item.as_str()},
                },
            });
            let qualifiers = json
                .entry("qualifiers")
                .or_insert_with(|| Value::Object(Map::new()));
            // `[]` is how Wikibase's JSON writes an empty object in some places (T222159).
            if !qualifiers.is_object() {
                *qualifiers = Value::Object(Map::new());
            }
            if let Value::Object(qualifiers) = qualifiers {
                qualifiers.insert(property.to_string(), json!([snak]));
            }
            let order = json
                .entry("qualifiers-order")
                .or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(order) = order {
                order.push(Value::from(property.as_str()));
            }
        }
        Ok(Some(Statement { json, rank }))
    }

    pub fn to_json(&self) -> Value {
        Value::Object(self.json.clone())
    }
}

/// An entity as `wbgetentities` gives it: its latest revision and its statements.
#[derive(Debug, Clone, PartialEq)]
pub struct Entity {
    pub id: EntityId,
    pub last_revision: u64,
    /// Every statement, grouped by property in the wiki's order.
    pub statements: Vec<Statement>,
}

impl Entity {
    /// `None` for a missing entity. MediaInfo entities have `statements` where all others have
    /// `claims` (and an entity without statements may have `[]` instead of `{}`: T222159).
    pub fn from_json(id: EntityId, value: &Value) -> Result<Option<Self>, StatementError> {
        if value.get("missing").is_some() {
            return Ok(None);
        }
        let last_revision = value["lastrevid"]
            .as_u64()
            .ok_or_else(|| StatementError::Malformed(value.to_string()))?;
        let groups = if value["type"] == "mediainfo" {
            &value["statements"]
        } else {
            &value["claims"]
        };
        let statements = groups
            .as_object()
            .into_iter()
            .flat_map(|groups| groups.values())
            .filter_map(Value::as_array)
            .flatten()
            .map(|statement| Statement::from_json(statement.clone()))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Some(Self {
            id,
            last_revision,
            statements,
        }))
    }

    /// The statements of one property.
    pub fn statements_of<'a>(
        &'a self,
        property: &'a PropertyId,
    ) -> impl Iterator<Item = &'a Statement> {
        self.statements
            .iter()
            .filter(move |s| s.property() == property.as_str())
    }
}

/// The `data` of a `wbeditentity` that changes these statements and nothing else. Written as
/// `claims` for every entity type: Wikibase reads MediaInfo's statements under that name too.
pub fn edit_data(changed: &[Statement]) -> Value {
    json!({"claims": changed.iter().map(Statement::to_json).collect::<Vec<_>>()})
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason_snak(property: &str, item: &str) -> Value {
        json!({"snaktype": "value", "property": property, "datatype": "wikibase-item",
               "datavalue": {"type": "wikibase-entityid", "value": {"entity-type": "item", "id": item}}})
    }

    fn statement(rank: &str, qualifiers: Value, order: &[&str]) -> Statement {
        Statement::from_json(json!({
            "id": "Q1$abc", "type": "statement", "rank": rank,
            "mainsnak": {"snaktype": "value", "property": "P31", "datavalue": {"type": "string", "value": "x"}},
            "qualifiers": qualifiers, "qualifiers-order": order,
            "references": [{"hash": "r1", "snaks": {}}],
        }))
        .expect("statement")
    }

    fn q(id: &str) -> ItemId {
        ItemId::parse(id).expect("item")
    }

    #[test]
    fn same_rank_is_no_change_even_with_a_reason() {
        let wikidata = Wiki::new("www.wikidata.org");
        let s = statement("preferred", json!({}), &[]);
        assert_eq!(s.with_rank(Rank::Preferred, None, &wikidata), Ok(None));
        assert_eq!(
            s.with_rank(Rank::Preferred, Some(&q("Q5")), &wikidata),
            Ok(None)
        );
    }

    #[test]
    fn a_new_rank_removes_both_reasons_and_keeps_everything_else() {
        let wikidata = Wiki::new("www.wikidata.org");
        let s = statement(
            "preferred",
            json!({"P7452": [reason_snak("P7452", "Q71533355")],
                   "P2241": [reason_snak("P2241", "Q41755623")],
                   "P580": [{"snaktype": "somevalue", "property": "P580"}]}),
            &["P7452", "P580", "P2241"],
        );
        assert_eq!(s.reasons(&wikidata), ["Q71533355", "Q41755623"]);
        let changed = s
            .with_rank(Rank::Normal, None, &wikidata)
            .expect("ok")
            .expect("changed");
        let json = changed.to_json();
        assert_eq!(json["rank"], "normal");
        assert_eq!(changed.rank(), Rank::Normal);
        assert_eq!(
            json["qualifiers"],
            json!({"P580": [{"snaktype": "somevalue", "property": "P580"}]})
        );
        assert_eq!(json["qualifiers-order"], json!(["P580"]));
        assert_eq!(json["references"], json!([{"hash": "r1", "snaks": {}}]));
        assert_eq!(json["mainsnak"], s.to_json()["mainsnak"]);
        assert_eq!(changed.id(), "Q1$abc");
    }

    #[test]
    fn a_reason_goes_under_the_property_of_the_new_rank() {
        let wikidata = Wiki::new("www.wikidata.org");
        for (from, to, property, old_qualifiers, expected_order) in [
            (
                "normal",
                Rank::Preferred,
                "P7452",
                json!({}),
                json!(["P7452"]),
            ),
            (
                "normal",
                Rank::Deprecated,
                "P2241",
                json!([]),
                json!(["P2241"]),
            ),
            (
                "deprecated",
                Rank::Preferred,
                "P7452",
                json!({"P2241": [reason_snak("P2241", "Q1193907")]}),
                json!(["P7452"]),
            ),
        ] {
            let order: &[&str] = if old_qualifiers.get("P2241").is_some() {
                &["P2241"]
            } else {
                &[]
            };
            let s = statement(from, old_qualifiers, order);
            let changed = s
                .with_rank(to, Some(&q("Q25895909")), &wikidata)
                .expect("ok")
                .expect("changed")
                .to_json();
            assert_eq!(changed["rank"], to.as_str());
            assert_eq!(
                changed["qualifiers"],
                json!({property: [reason_snak(property, "Q25895909")]}),
                "{from} → {to}"
            );
            assert_eq!(changed["qualifiers-order"], expected_order);
        }
    }

    #[test]
    fn a_reason_without_a_property_for_it_is_refused() {
        let s = statement("normal", json!({}), &[]);
        assert_eq!(
            s.with_rank(
                Rank::Preferred,
                Some(&q("Q5")),
                &Wiki::new("test.wikidata.org")
            ),
            Err(StatementError::NoReasonProperty {
                wiki: "test.wikidata.org".to_owned(),
                rank: Rank::Preferred
            })
        );
        let preferred = statement("preferred", json!({}), &[]);
        assert!(
            preferred
                .with_rank(Rank::Normal, Some(&q("Q5")), &Wiki::new("www.wikidata.org"))
                .is_err()
        );
        // Without reason properties, nothing is removed either.
        let test = Wiki::new("test.wikidata.org");
        let with_p7452 = statement(
            "preferred",
            json!({"P7452": [reason_snak("P7452", "Q1")]}),
            &["P7452"],
        );
        let changed = with_p7452
            .with_rank(Rank::Normal, None, &test)
            .expect("ok")
            .expect("changed");
        assert_eq!(
            changed.to_json()["qualifiers"]["P7452"][0]["property"],
            "P7452"
        );
    }

    #[test]
    fn malformed_statements_are_refused() {
        for bad in [
            json!({"rank": "normal"}),
            json!({"id": "Q1$a", "rank": "best"}),
            json!({"id": "Q1$a"}),
            json!("Q1$a"),
        ] {
            assert!(Statement::from_json(bad.clone()).is_err(), "{bad}");
        }
    }

    #[test]
    fn entities_read_claims_or_mediainfo_statements() {
        let s = json!({"id": "X$1", "rank": "normal", "mainsnak": {"property": "P1"}});
        let id = |text| EntityId::parse(text).expect("id");
        for (json, count) in [
            (
                json!({"type": "item", "lastrevid": 7, "claims": {"P1": [s.clone(), s.clone()], "P2": [s.clone()]}}),
                3,
            ),
            (json!({"type": "lexeme", "lastrevid": 7, "claims": {}}), 0),
            (json!({"lastrevid": 7, "claims": {"P1": [s.clone()]}}), 1),
            (
                json!({"type": "mediainfo", "lastrevid": 7, "statements": {"P1": [s.clone()]}}),
                1,
            ),
            (
                json!({"type": "mediainfo", "lastrevid": 7, "statements": []}),
                0,
            ),
        ] {
            let entity = Entity::from_json(id("Q1"), &json)
                .expect("ok")
                .expect("exists");
            assert_eq!(entity.statements.len(), count, "{json}");
            assert_eq!(entity.last_revision, 7);
        }
        assert_eq!(
            Entity::from_json(id("Q1"), &json!({"id": "Q1", "missing": true})),
            Ok(None)
        );
        assert!(Entity::from_json(id("Q1"), &json!({"claims": {}})).is_err());
        let p2 = json!({"id": "X$2", "rank": "normal", "mainsnak": {"property": "P2"}});
        let entity = Entity::from_json(
            id("Q1"),
            &json!({"lastrevid": 1, "claims": {"P1": [s.clone()], "P2": [p2]}}),
        )
        .expect("ok")
        .expect("exists");
        let p1 = PropertyId::parse("P1").expect("property");
        assert_eq!(entity.statements_of(&p1).count(), 1);
    }

    #[test]
    fn edit_data_sends_only_the_changed_statements_as_claims() {
        let s = statement("normal", json!({}), &[]);
        assert_eq!(
            edit_data(std::slice::from_ref(&s)),
            json!({"claims": [s.to_json()]})
        );
        assert_eq!(edit_data(&[]), json!({"claims": []}));
    }
}
