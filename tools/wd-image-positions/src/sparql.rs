//! The Wikidata Query Service: which items have a depicted thing at exactly a given region.

use platform::UserAgent;
use platform::user_agent::http_client_builder;
use serde_json::Value;

use crate::wikibase::DEPICTED_PROPERTIES;

/// The most items one region page shows.
pub const MAX_ITEMS: usize = 50;

const ENTITY_PREFIX: &str = "http://www.wikidata.org/entity/";

#[derive(Debug, thiserror::Error)]
pub enum SparqlError {
    #[error("the query service could not be reached: {0}")]
    Transport(#[from] reqwest::Error),
    #[error("the query service answered {0}")]
    Status(reqwest::StatusCode),
}

#[derive(Debug, Clone)]
pub struct QueryService {
    client: reqwest::Client,
    url: String,
}

/// `text` as a SPARQL string literal.
pub fn string_literal(text: &str) -> String {
    let mut literal = String::with_capacity(text.len() + 2);
    literal.push('"');
    for c in text.chars() {
        match c {
            '\\' => literal.push_str("\\\\"),
            '"' => literal.push_str("\\\""),
            '\n' => literal.push_str("\\n"),
            '\r' => literal.push_str("\\r"),
            '\t' => literal.push_str("\\t"),
            c => literal.push(c),
        }
    }
    literal.push('"');
    literal
}

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

impl QueryService {
    pub fn new(url: &str, user_agent: &UserAgent) -> Result<Self, reqwest::Error> {
        Ok(Self {
            client: http_client_builder(user_agent).build()?,
            url: url.to_owned(),
        })
    }

    /// The ids of the items whose depicted things have exactly this region.
    pub async fn items_with_region(&self, region: &str) -> Result<Vec<String>, SparqlError> {
        let response = self
            .client
            .post(&self.url)
            .header("accept", "application/sparql-results+json")
            .form(&[("query", items_with_region_query(region))])
            .send()
            .await?;
        if !response.status().is_success() {
            return Err(SparqlError::Status(response.status()));
        }
        let results: Value = response.json().await?;
        Ok(item_ids(&results))
    }
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
        assert_eq!(string_literal("pct:1,2,3,4"), "\"pct:1,2,3,4\"");
        assert_eq!(
            string_literal("a\" } DELETE { ?s ?p ?o } #\\\n"),
            "\"a\\\" } DELETE { ?s ?p ?o } #\\\\\\n\""
        );
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
