//! Translate Link's own configuration keys (next to the platform's).

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    /// Action API of translatewiki.net (`TOOL_API_URL`).
    #[serde(default = "default_api_url")]
    pub api_url: String,
    /// Page links point to, `index.php` of the same wiki (`TOOL_INDEX_URL`).
    #[serde(default = "default_index_url")]
    pub index_url: String,
    /// How many API requests one look-up may have in flight (`TOOL_LOOKUP_CONCURRENCY`).
    #[serde(default = "default_lookup_concurrency")]
    pub lookup_concurrency: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            api_url: default_api_url(),
            index_url: default_index_url(),
            lookup_concurrency: default_lookup_concurrency(),
        }
    }
}

fn default_api_url() -> String {
    "https://translatewiki.net/w/api.php".to_owned()
}

fn default_index_url() -> String {
    "https://translatewiki.net/w/i.php".to_owned()
}

fn default_lookup_concurrency() -> usize {
    4
}
