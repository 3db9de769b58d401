//! Wikimedia's wikis by database name (`enwiki`) and by domain (`en.wikipedia.org`), from
//! Meta-Wiki's `action=sitematrix`. PagePile names a pile's wiki by database name; tools name
//! it by domain. The matrix changes when a wiki is created, so it is kept for a day.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::mediawiki::{MediaWiki, MediaWikiError};
use serde_json::Value;

/// The wiki whose API answers `action=sitematrix`.
pub const SITEMATRIX_DOMAIN: &str = "meta.wikimedia.org";

/// How long a fetched matrix is used.
const KEEP_FOR: Duration = Duration::from_secs(24 * 60 * 60);

#[derive(Debug, Default, PartialEq, Eq)]
pub struct SiteMatrix {
    domains: HashMap<String, String>,
    databases: HashMap<String, String>,
}

impl SiteMatrix {
    /// From an `action=sitematrix&formatversion=2` answer: every language's sites, and the
    /// special sites (Commons, Meta-Wiki, Wikidata…), by their `https://` URL.
    pub fn parse(answer: &Value) -> Result<Self, MediaWikiError> {
        let Some(matrix) = answer["sitematrix"].as_object() else {
            return Err(MediaWikiError::UnexpectedResponse(
                "the answer has no sitematrix".to_owned(),
            ));
        };
        let mut parsed = Self::default();
        for (key, group) in matrix {
            let sites = match key.as_str() {
                "count" => continue,
                "specials" => group.as_array(),
                _ => group["site"].as_array(),
            };
            for site in sites.into_iter().flatten() {
                let (Some(dbname), Some(url)) = (site["dbname"].as_str(), site["url"].as_str())
                else {
                    continue;
                };
                let Some(domain) = url.strip_prefix("https://") else {
                    continue;
                };
                parsed
                    .domains
                    .insert(dbname.to_owned(), domain.to_ascii_lowercase());
                parsed
                    .databases
                    .insert(domain.to_ascii_lowercase(), dbname.to_owned());
            }
        }
        Ok(parsed)
    }

    /// `enwiki` → `en.wikipedia.org`.
    pub fn domain(&self, dbname: &str) -> Option<&str> {
        self.domains.get(dbname).map(String::as_str)
    }

    /// `en.wikipedia.org` → `enwiki`.
    pub fn dbname(&self, domain: &str) -> Option<&str> {
        self.databases
            .get(&domain.to_ascii_lowercase())
            .map(String::as_str)
    }
}

/// A matrix and when it was fetched.
type Fetched = Option<(Instant, Arc<SiteMatrix>)>;

/// The matrix, fetched when first needed and again a day later.
#[derive(Debug, Clone, Default)]
pub struct SiteMatrixCache {
    fetched: Arc<Mutex<Fetched>>,
}

impl SiteMatrixCache {
    /// The matrix; `meta` is asked only when none is kept or the kept one is a day old.
    pub async fn get(&self, meta: &MediaWiki) -> Result<Arc<SiteMatrix>, MediaWikiError> {
        if let Some((at, matrix)) = self.lock().as_ref()
            && at.elapsed() < KEEP_FOR
        {
            return Ok(Arc::clone(matrix));
        }
        let answer: Value = meta
            .get(&[("action", "sitematrix"), ("formatversion", "2")])
            .await?;
        let matrix = Arc::new(SiteMatrix::parse(&answer)?);
        *self.lock() = Some((Instant::now(), Arc::clone(&matrix)));
        Ok(matrix)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Fetched> {
        self.fetched.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn languages_and_special_sites_are_found_both_ways() {
        let answer = json!({"sitematrix": {
            "count": 3,
            "0": {"code": "en", "name": "English", "site": [
                {"url": "https://en.wikipedia.org", "dbname": "enwiki", "code": "wiki"},
                {"url": "https://en.wiktionary.org", "dbname": "enwiktionary", "code": "wiktionary"},
            ]},
            "specials": [
                {"url": "https://commons.wikimedia.org", "dbname": "commonswiki", "code": "commons"},
                {"url": "http://insecure.example", "dbname": "insecure", "code": "x"},
            ],
        }});
        let matrix = SiteMatrix::parse(&answer).expect("parses");
        assert_eq!(matrix.domain("enwiki"), Some("en.wikipedia.org"));
        assert_eq!(matrix.domain("commonswiki"), Some("commons.wikimedia.org"));
        assert_eq!(matrix.dbname("en.wiktionary.org"), Some("enwiktionary"));
        assert_eq!(matrix.dbname("Commons.Wikimedia.org"), Some("commonswiki"));
        assert_eq!(matrix.domain("insecure"), None, "only https sites");
        assert_eq!(matrix.domain("dewiki"), None);
    }

    #[test]
    fn an_answer_without_a_matrix_is_an_error() {
        assert!(SiteMatrix::parse(&json!({"error": {"code": "x"}})).is_err());
    }
}
