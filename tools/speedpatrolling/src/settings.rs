//! SpeedPatrolling's own configuration keys (next to the platform's, including `[oauth]`).

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// The wiki whose edits are patrolled, without a trailing slash (`TOOL_WIKI_URL`).
    pub wiki_url: String,
    /// The tool's documentation page on a wiki, linked from every page's header; empty for
    /// none (`TOOL_DOCUMENTATION_URL`).
    pub documentation_url: String,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            wiki_url: "https://www.wikidata.org".to_owned(),
            documentation_url:
                "https://www.wikidata.org/wiki/User:Lucas_Werkmeister/SpeedPatrolling".to_owned(),
        }
    }
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

#[cfg(test)]
mod tests {

    use super::Settings;

    #[test]
    fn defaults_patrol_wikidata_and_a_variable_names_another_wiki() {
        let defaults = test_support::config::<Settings>(&[][..]).tool;
        assert_eq!(defaults.wiki_url, "https://www.wikidata.org");
        assert_eq!(defaults.api_url(), "https://www.wikidata.org/w/api.php");
        let environment: &[(&str, &str)] = &[("TOOL_WIKI_URL", "https://test.wikidata.org/")];
        let set = test_support::config::<Settings>(environment).tool;
        assert_eq!(set.domain(), "test.wikidata.org");
        assert_eq!(
            set.page_url("Q1: a/b"),
            "https://test.wikidata.org/wiki/Q1:_a/b"
        );
    }
}
