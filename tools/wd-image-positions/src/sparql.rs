//! The Wikidata Query Service: which items have a depicted thing at exactly a given region.

use serde_json::Value;
use wikimedia::sparql::{QueryService, SparqlError, string_literal};

use crate::wikibase::DEPICTED_PROPERTIES;

/// The most items one region page shows.
pub const MAX_ITEMS: usize = 50;

const ENTITY_PREFIX: &str = "http://www.wikidata.org/entity/";

/// The query for items with a depicts or named-place statement whose region is `region`.
pub fn items_with_region_query(region: &str) -> String {
    let predicates: Vec<String> = DEPICTED_PROPERTIES
        .iter()
        .map(|property| format!("p:{property}"))
        .collect();
    format!(
        "SELECT DISTINCT ?item WHERE {{ VALUES ?p {{ {} }} ?item ?p [ pq:P2677 {} ]. }} LIMIT {MAX_ITEMS}",
        predicates.join(" "),
        string_literal(region)
    )
}

/// The ids of the items whose depicted things have exactly this region.
pub async fn items_with_region(
    service: &QueryService,
    region: &str,
) -> Result<Vec<String>, SparqlError> {
    let results = service.select(&items_with_region_query(region)).await?;
    Ok(item_ids(&results))
}

fn item_ids(results: &Value) -> Vec<String> {
    results["results"]["bindings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|row| row["item"]["value"].as_str()?.strip_prefix(ENTITY_PREFIX))
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn regions_are_quoted_so_they_cannot_change_the_query() {
        assert_eq!(
            items_with_region_query("full"),
            "SELECT DISTINCT ?item WHERE { VALUES ?p { p:P180 p:P9664 } ?item ?p [ pq:P2677 \"full\" ]. } LIMIT 50"
        );
    }

    #[test]
    fn item_ids_come_from_entity_uris() {
        let results = json!({"results": {"bindings": [
            {"item": {"type": "uri", "value": "http://www.wikidata.org/entity/Q1"}},
            {"item": {"type": "uri", "value": "https://example.org/Q2"}},
            {"item": {"type": "uri", "value": "http://www.wikidata.org/entity/Q3"}},
        ]}});
        assert_eq!(item_ids(&results), ["Q1", "Q3"]);
    }
}
