//! Wikibase identifiers as the tool reads them from URLs, forms, lists and query results:
//! entities, properties, items, statements, and the URIs the query service names them by.
//!
//! Numbers are ASCII digits without leading zeros (`Q012` is no entity: Wikibase would not find
//! it, and two spellings of one id would make two entities of one batch).

use std::fmt;

/// Why a text is not the identifier that was expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("not an entity ID: {0}")]
    NotAnEntity(String),
    #[error("not a property ID: {0}")]
    NotAProperty(String),
    #[error("not an item ID: {0}")]
    NotAnItem(String),
    #[error("not a statement ID: {0}")]
    NotAStatement(String),
    #[error("not a statement URI of {wiki}: {uri}")]
    NotAStatementUri { uri: String, wiki: String },
    #[error("not an item URI of {wiki}: {uri}")]
    NotAnItemUri { uri: String, wiki: String },
}

/// The number after a prefix letter: ASCII digits, not empty, no leading zero.
fn is_number(text: &str) -> bool {
    !text.is_empty() && !text.starts_with('0') && text.bytes().all(|b| b.is_ascii_digit())
}

/// An entity whose statements can be edited: an item (`Q42`), a property (`P31`), a lexeme
/// (`L99`), a form or sense of a lexeme (`L99-F1`, `L99-S2`), or a file's MediaInfo (`M79869096`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EntityId(String);

impl EntityId {
    pub fn parse(text: &str) -> Result<Self, IdError> {
        let error = || IdError::NotAnEntity(text.to_owned());
        let (letter, rest) = text.split_at_checked(1).ok_or_else(error)?;
        let valid = match letter {
            "Q" | "P" | "M" => is_number(rest),
            "L" => match rest.split_once('-') {
                None => is_number(rest),
                Some((lexeme, sub)) => {
                    is_number(lexeme)
                        && sub
                            .strip_prefix('F')
                            .or_else(|| sub.strip_prefix('S'))
                            .is_some_and(is_number)
                }
            },
            _ => false,
        };
        valid.then(|| Self(text.to_owned())).ok_or_else(error)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A `File:` page's MediaInfo entity, from its page id.
    pub fn media_info(page_id: u64) -> Self {
        Self(format!("M{page_id}"))
    }
}

impl fmt::Display for EntityId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A property (`P31`): whose statements the edit page lists.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PropertyId(String);

impl PropertyId {
    pub fn parse(text: &str) -> Result<Self, IdError> {
        text.strip_prefix('P')
            .filter(|number| is_number(number))
            .map(|_| Self(text.to_owned()))
            .ok_or_else(|| IdError::NotAProperty(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PropertyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An item (`Q71533355`): a reason for a rank is one.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ItemId(String);

impl ItemId {
    pub fn parse(text: &str) -> Result<Self, IdError> {
        text.strip_prefix('Q')
            .filter(|number| is_number(number))
            .map(|_| Self(text.to_owned()))
            .ok_or_else(|| IdError::NotAnItem(text.to_owned()))
    }

    /// The item a query result names by its URI, `http://www.wikidata.org/entity/Q123` (items
    /// always live on `item_wiki`, also for statements on Commons).
    pub fn from_uri(uri: &str, item_wiki: &str) -> Result<Self, IdError> {
        let error = || IdError::NotAnItemUri {
            uri: uri.to_owned(),
            wiki: item_wiki.to_owned(),
        };
        let path = strip_scheme(uri)
            .and_then(|rest| rest.strip_prefix(item_wiki))
            .and_then(|rest| rest.strip_prefix("/entity/"))
            .ok_or_else(error)?;
        Self::parse(path).map_err(|_| error())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ItemId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A statement (`Q42$F078E5B3-F9A8-480E-B7AC-D97778CBBEF9`), kept as written: Wikibase compares
/// the part after `$` exactly. Its entity is the part before `$`, upper-cased (lists written
/// by hand often have `q42$…`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StatementId {
    id: String,
    entity: EntityId,
}

impl StatementId {
    pub fn parse(text: &str) -> Result<Self, IdError> {
        let error = || IdError::NotAStatement(text.to_owned());
        let (entity, guid) = text.split_once('$').ok_or_else(error)?;
        if guid.is_empty() || guid.chars().any(|c| c.is_whitespace() || c == '$') {
            return Err(error());
        }
        let entity = EntityId::parse(&entity.to_uppercase()).map_err(|_| error())?;
        Ok(Self {
            id: text.to_owned(),
            entity,
        })
    }

    /// The statement a query service result names, `http://www.wikidata.org/entity/statement/
    /// Q42-F078E5B3-…`: the RDF form writes `-` where the id has `$`. The entity part is found by
    /// its shape (a GUID never starts with `S` or `F`), so `L1-S1-…` is the sense `L1-S1`'s.
    pub fn from_uri(uri: &str, wiki: &str) -> Result<Self, IdError> {
        let error = || IdError::NotAStatementUri {
            uri: uri.to_owned(),
            wiki: wiki.to_owned(),
        };
        let local = strip_scheme(uri)
            .and_then(|rest| rest.strip_prefix(wiki))
            .and_then(|rest| rest.strip_prefix("/entity/statement/"))
            .ok_or_else(error)?;
        let (entity, guid) = split_entity_prefix(local).ok_or_else(error)?;
        Self::parse(&format!("{entity}${guid}")).map_err(|_| error())
    }

    /// The statement's URI on `wiki`'s query service, the inverse of [`Self::from_uri`].
    pub fn to_uri(&self, wiki: &str) -> String {
        format!(
            "http://{wiki}/entity/statement/{}",
            self.id.replacen('$', "-", 1)
        )
    }

    pub fn as_str(&self) -> &str {
        &self.id
    }

    pub fn entity(&self) -> &EntityId {
        &self.entity
    }
}

impl fmt::Display for StatementId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.id)
    }
}

fn strip_scheme(uri: &str) -> Option<&str> {
    uri.strip_prefix("http://")
        .or_else(|| uri.strip_prefix("https://"))
}

/// `Q42-guid` → (`Q42`, `guid`); `L1-S1-guid` → (`L1-S1`, `guid`).
fn split_entity_prefix(local: &str) -> Option<(&str, &str)> {
    let (first, rest) = local.split_once('-')?;
    if first.starts_with('L')
        && let Some((sub, guid)) = rest.split_once('-')
        && EntityId::parse(&format!("{first}-{sub}")).is_ok()
    {
        return Some((&local[..first.len() + 1 + sub.len()], guid));
    }
    Some((first, rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entity_ids() {
        for (text, valid) in [
            ("Q42", true),
            ("P31", true),
            ("L99", true),
            ("M79869096", true),
            ("L99-F1", true),
            ("L99-S2", true),
            ("Q1", true),
            ("Q", false),
            ("", false),
            ("Q0", false),
            ("Q012", false),
            ("Q12x", false),
            ("q42", false),
            ("X42", false),
            ("P-1", false),
            ("Q4 2", false),
            ("Q١٢", false),   // Arabic-Indic digits are digits, but not ASCII
            ("Q１２", false), // fullwidth digits
            ("L123-S01", false),
            ("L123-S", false),
            ("L123-X1", false),
            ("L0-S1", false),
            ("Q1-S1", false),
            ("L1-S1-F1", false),
            ("File:Example.jpg", false),
        ] {
            assert_eq!(EntityId::parse(text).is_ok(), valid, "{text}");
        }
        assert_eq!(EntityId::media_info(79869096).as_str(), "M79869096");
    }

    #[test]
    fn property_and_item_ids() {
        for (text, property, item) in [
            ("P361", true, false),
            ("Q5", false, true),
            ("P0", false, false),
            ("P07", false, false),
            ("P12x", false, false),
            ("p361", false, false),
            ("P٣", false, false),
            ("L1", false, false),
            ("", false, false),
        ] {
            assert_eq!(PropertyId::parse(text).is_ok(), property, "{text}");
            assert_eq!(ItemId::parse(text).is_ok(), item, "{text}");
        }
    }

    #[test]
    fn statement_ids_name_their_entity_upper_cased() {
        for (text, entity) in [
            ("Q1$123", Some("Q1")),
            ("q1$abc", Some("Q1")),
            ("p1$123", Some("P1")),
            ("L1-S1$123", Some("L1-S1")),
            ("l1-f2$123", Some("L1-F2")),
            ("M5$D5E0E1C9-2F59-4EE3-9DC0-AD3F5A8BD3C4", Some("M5")),
            ("Q1", None),
            ("Q1$", None),
            ("$abc", None),
            ("Q01$abc", None),
            ("Q1$a b", None),
            ("Q1$a$b", None),
            ("L123-S01$abc", None),
        ] {
            let parsed = StatementId::parse(text).ok();
            assert_eq!(
                parsed.as_ref().map(|id| id.entity().as_str()),
                entity,
                "{text}"
            );
            if let Some(id) = parsed {
                assert_eq!(id.as_str(), text, "kept as written");
            }
        }
    }

    #[test]
    fn statement_uris_convert_exactly_both_ways() {
        for (uri, wiki, id) in [
            (
                "http://www.wikidata.org/entity/statement/Q474472-dcf39f47-4275-6529-96f5-94808c2a81ac",
                "www.wikidata.org",
                "Q474472$dcf39f47-4275-6529-96f5-94808c2a81ac",
            ),
            (
                "https://commons.wikimedia.org/entity/statement/M80857538-e33a73d7-4567-a029-a6e6-14eb3bab8a65",
                "commons.wikimedia.org",
                "M80857538$e33a73d7-4567-a029-a6e6-14eb3bab8a65",
            ),
            (
                "http://www.wikidata.org/entity/statement/L1-S1-0E5F4B1A-1B2C-4D3E-8F90-A1B2C3D4E5F6",
                "www.wikidata.org",
                "L1-S1$0E5F4B1A-1B2C-4D3E-8F90-A1B2C3D4E5F6",
            ),
            (
                "http://www.wikidata.org/entity/statement/L7-A1B2C3D4-1B2C-4D3E-8F90-A1B2C3D4E5F6",
                "www.wikidata.org",
                "L7$A1B2C3D4-1B2C-4D3E-8F90-A1B2C3D4E5F6",
            ),
        ] {
            let parsed = StatementId::from_uri(uri, wiki).expect(uri);
            assert_eq!(parsed.as_str(), id);
            assert_eq!(
                parsed.to_uri(wiki),
                uri.replacen("https://", "http://", 1),
                "{id}"
            );
        }
    }

    #[test]
    fn statement_uris_of_other_wikis_or_shapes_are_refused() {
        for (uri, wiki) in [
            (
                "http://test.wikidata.org/entity/statement/Q1-abc",
                "www.wikidata.org",
            ),
            ("http://www.wikidata.org/entity/Q1", "www.wikidata.org"),
            (
                "http://www.wikidata.org/entity/statement/Q1",
                "www.wikidata.org",
            ),
            (
                "http://www.wikidata.org/entity/statement/X1-abc",
                "www.wikidata.org",
            ),
            (
                "ftp://www.wikidata.org/entity/statement/Q1-abc",
                "www.wikidata.org",
            ),
            ("Q1-abc", "www.wikidata.org"),
        ] {
            assert!(StatementId::from_uri(uri, wiki).is_err(), "{uri}");
        }
    }

    #[test]
    fn item_uris() {
        assert_eq!(
            ItemId::from_uri(
                "http://www.wikidata.org/entity/Q71533355",
                "www.wikidata.org"
            )
            .map(|id| id.to_string()),
            Ok("Q71533355".to_owned())
        );
        assert!(
            ItemId::from_uri("http://www.wikidata.org/entity/P31", "www.wikidata.org").is_err()
        );
        assert!(
            ItemId::from_uri("http://test.wikidata.org/entity/Q1", "www.wikidata.org").is_err()
        );
        assert!(ItemId::from_uri("Q1", "www.wikidata.org").is_err());
    }
}
