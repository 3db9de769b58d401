//! PagePile (<https://pagepile.toolforge.org/>): lists of pages on one wiki, by number, that
//! tools read and make for each other (QuickCategories makes batches from piles and exports
//! batches to piles; PagePile Visual Filter filters piles). `test_support::FakePagePile` stands
//! in for it in tests.

use crate::user_agent::{UserAgent, http_client_builder};
use serde::Deserialize;

/// PagePile's API as Toolforge serves it (`TOOL_PAGEPILE_URL` overrides it).
pub const DEFAULT_URL: &str = "https://pagepile.toolforge.org/api.php";

/// PagePile's "namespace" of a page it should find the namespace of itself, from the title's
/// prefix (without it, every page would be put in the main namespace).
const DETECT_NAMESPACE: &str = "-999";

/// A pile as PagePile gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pile {
    /// The wiki's database name (`enwiki`).
    pub wiki: String,
    /// Page titles with spaces, as typed in a batch.
    pub pages: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum PagePileError {
    /// PagePile answers an unknown number with an error page, not JSON.
    #[error("PagePile has no pile with this number")]
    NoSuchPile,
    #[error("PagePile cannot be reached: {0}")]
    Unreachable(String),
    #[error("PagePile answered with something unexpected: {0}")]
    Unexpected(String),
}

#[derive(Debug, Clone)]
pub struct PagePile {
    url: String,
    http: reqwest::Client,
}

#[derive(Deserialize)]
struct PileData {
    wiki: String,
    pages: Vec<String>,
}

#[derive(Deserialize)]
struct Created {
    pile: CreatedPile,
}

#[derive(Deserialize)]
struct CreatedPile {
    id: u64,
}

impl PagePile {
    pub fn new(url: &str, user_agent: &UserAgent) -> Result<Self, PagePileError> {
        let http = http_client_builder(user_agent)
            .build()
            .map_err(|error| PagePileError::Unreachable(error.to_string()))?;
        Ok(Self {
            url: url.to_owned(),
            http,
        })
    }

    /// Where a browser sees pile `id` (PagePile's own view of its data).
    pub fn pile_url(&self, id: u64) -> String {
        format!("{}?action=get_data&id={id}", self.url)
    }

    /// The same as an HTML page, for people rather than programs.
    pub fn pile_page_url(&self, id: u64) -> String {
        format!("{}&format=html", self.pile_url(id))
    }

    /// The pile with this number.
    pub async fn load(&self, id: u64) -> Result<Pile, PagePileError> {
        let response = self
            .http
            .get(&self.url)
            .query(&[
                ("action", "get_data"),
                ("id", &id.to_string()),
                ("format", "json"),
            ])
            .send()
            .await
            .map_err(unreachable)?;
        if response.status().is_server_error() {
            return Err(PagePileError::Unreachable(response.status().to_string()));
        }
        let body = response.text().await.map_err(unreachable)?;
        let value: serde_json::Value =
            serde_json::from_str(&body).map_err(|_| PagePileError::NoSuchPile)?;
        let data: PileData = serde_json::from_value(value)
            .map_err(|error| PagePileError::Unexpected(error.to_string()))?;
        Ok(Pile {
            wiki: data.wiki,
            pages: data
                .pages
                .iter()
                .map(|page| page.replace('_', " "))
                .collect(),
        })
    }

    /// Makes a new pile of `pages` on the wiki with database name `wiki`; returns its number.
    pub async fn create(&self, wiki: &str, pages: &[&str]) -> Result<u64, PagePileError> {
        let data: String = pages
            .iter()
            .map(|page| format!("{page}\t{DETECT_NAMESPACE}"))
            .collect::<Vec<_>>()
            .join("\n");
        let response = self
            .http
            .post(&self.url)
            .form(&[
                ("action", "create_pile_with_data"),
                ("wiki", wiki),
                ("data", &data),
            ])
            .send()
            .await
            .map_err(unreachable)?;
        if !response.status().is_success() {
            return Err(PagePileError::Unreachable(response.status().to_string()));
        }
        let created: Created = response
            .json()
            .await
            .map_err(|error| PagePileError::Unexpected(error.to_string()))?;
        Ok(created.pile.id)
    }
}

fn unreachable(error: reqwest::Error) -> PagePileError {
    PagePileError::Unreachable(error.without_url().to_string())
}
