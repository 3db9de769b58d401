//! A SPARQL query service (the Wikidata Query Service, or a Commons one): a `SELECT` query in,
//! its JSON results out.

use std::time::Duration;

use serde_json::Value;

use crate::user_agent::{UserAgent, http_client_builder};

/// The Wikidata Query Service's endpoint.
pub const WIKIDATA_URL: &str = "https://query.wikidata.org/sparql";

/// How much of the service's error text is kept (its syntax errors come with a Java stack
/// trace).
const ERROR_TEXT_CHARS: usize = 600;

/// The service stops a query after 60 s; a request that waits longer has lost its page anyway.
const QUERY_TIMEOUT: Duration = Duration::from_secs(55);

#[derive(Debug, thiserror::Error)]
pub enum SparqlError {
    /// The service refused the query (a syntax error, a timeout): its own words, shortened.
    #[error("the query service refused the query ({status}): {text}")]
    Refused { status: u16, text: String },
    /// No answer: connection failure, timeout, or an answer that is not SPARQL JSON results.
    #[error("the query service could not be reached or gave no usable answer: {0}")]
    Unreachable(String),
}

/// One query service endpoint.
#[derive(Debug, Clone)]
pub struct QueryService {
    client: reqwest::Client,
    url: String,
}

impl QueryService {
    /// Fails only when no HTTP client can be built (TLS could not be set up): a tool should not
    /// start then, rather than send requests without its user agent.
    pub fn new(url: &str, user_agent: &UserAgent) -> Result<Self, reqwest::Error> {
        Ok(Self {
            client: http_client_builder(user_agent)
                .timeout(QUERY_TIMEOUT)
                .build()?,
            url: url.to_owned(),
        })
    }

    /// Runs a `SELECT` query (POSTed, so long queries fit); the SPARQL JSON results.
    pub async fn select(&self, query: &str) -> Result<Value, SparqlError> {
        let unreachable = |error: reqwest::Error| SparqlError::Unreachable(error.to_string());
        let response = self
            .client
            .post(&self.url)
            .header("accept", "application/sparql-results+json")
            .form(&[("query", query)])
            .send()
            .await
            .map_err(unreachable)?;
        let status = response.status();
        if !status.is_success() {
            let text = response.text().await.unwrap_or_default();
            return Err(SparqlError::Refused {
                status: status.as_u16(),
                text: shorten(&text),
            });
        }
        response.json().await.map_err(unreachable)
    }
}

/// `text` as a SPARQL string literal, so that no text can change the query around it.
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

/// The first [`ERROR_TEXT_CHARS`] characters of an error text.
fn shorten(text: &str) -> String {
    let text = text.trim();
    match text.char_indices().nth(ERROR_TEXT_CHARS) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_error_texts_are_shortened_on_a_character_boundary() {
        assert_eq!(shorten("  short\n"), "short");
        let long = "ä".repeat(700);
        let short = shorten(&long);
        assert_eq!(short.chars().count(), 601);
        assert!(short.ends_with('…'));
    }

    #[test]
    fn string_literals_cannot_end_early() {
        assert_eq!(string_literal("pct:1,2,3,4"), "\"pct:1,2,3,4\"");
        assert_eq!(
            string_literal("a\" } DELETE { ?s ?p ?o } #\\\n"),
            "\"a\\\" } DELETE { ?s ?p ?o } #\\\\\\n\""
        );
    }
}
