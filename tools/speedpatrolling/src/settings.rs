//! SpeedPatrolling's own configuration keys (next to the platform's, including `[oauth]`).

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    /// The wiki whose edits are patrolled, without a trailing slash (`TOOL_WIKI_URL`).
    #[serde(default = "default_wiki_url")]
    pub wiki_url: String,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            wiki_url: default_wiki_url(),
        }
    }
}

fn default_wiki_url() -> String {
    "https://www.wikidata.org".to_owned()
}

impl Settings {
    /// The wiki's host name, as pages and error messages name it.
    pub fn domain(&self) -> &str {
        let url = self.wiki_url.trim_end_matches('/');
        url.split_once("://").map_or(url, |(_, rest)| rest)
    }

    pub fn api_url(&self) -> String {
        format!("{}/w/api.php", self.wiki_url.trim_end_matches('/'))
    }

    /// `…/wiki/<title>`, with the title in MediaWiki's URL form.
    pub fn page_url(&self, title: &str) -> String {
        let encoded: String = serde_urlencoded::to_string([("", title.replace(' ', "_"))])
            .unwrap_or_default()
            .trim_start_matches('=')
            .replace("%2F", "/")
            .replace("%3A", ":");
        format!("{}/wiki/{encoded}", self.wiki_url.trim_end_matches('/'))
    }
}
