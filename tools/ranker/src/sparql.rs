//! The Wikidata Query Service: a SPARQL query in, JSON results out.

use platform::UserAgent;
use platform::user_agent::http_client_builder;

use crate::batch_parse::{QueryResults, QueryShapeError};

/// How much of the query service's error text a page shows (its syntax errors come with a Java
/// stack trace).
const ERROR_TEXT_CHARS: usize = 600;

#[derive(Debug, thiserror::Error)]
pub enum SparqlError {
    /// The service refused the query (a syntax error, a timeout): its own words, shortened.
    #[error("the query service refused the query ({status}): {text}")]
    Refused { status: u16, text: String },
    #[error("the query service could not be reached: {0}")]
    Unreachable(String),
    #[error(transparent)]
    Shape(#[from] QueryShapeError),
}

#[derive(Debug, Clone)]
pub struct QueryService {
    client: reqwest::Client,
    url: String,
}

impl QueryService {
    pub fn new(url: &str, user_agent: &UserAgent) -> Self {
        let client = http_client_builder(user_agent)
            // The service stops a query after 60 s; the page would time out first anyway.
            .timeout(std::time::Duration::from_secs(55))
            .build()
            .unwrap_or_default();
        Self {
            client,
            url: url.to_owned(),
        }
    }

    /// Runs a `SELECT` query (POSTed, so long queries fit).
    pub async fn select(&self, query: &str) -> Result<QueryResults, SparqlError> {
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
        let json: serde_json::Value = response.json().await.map_err(unreachable)?;
        Ok(QueryResults::from_json(&json)?)
    }
}

/// The first lines of an error text, at most [`ERROR_TEXT_CHARS`] characters.
fn shorten(text: &str) -> String {
    let text = text.trim();
    match text.char_indices().nth(ERROR_TEXT_CHARS) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::shorten;

    #[test]
    fn long_error_texts_are_shortened_on_a_character_boundary() {
        assert_eq!(shorten("  short\n"), "short");
        let long = "ä".repeat(700);
        let short = shorten(&long);
        assert_eq!(short.chars().count(), 601);
        assert!(short.ends_with('…'));
    }
}
