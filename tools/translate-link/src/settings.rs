//! Translate Link's own configuration keys (next to the platform's).

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Action API of translatewiki.net (`TOOL_API_URL`).
    pub api_url: String,
    /// Page links point to, `index.php` of the same wiki (`TOOL_INDEX_URL`).
    pub index_url: String,
    /// How many API requests one look-up may have in flight (`TOOL_LOOKUP_CONCURRENCY`).
    pub lookup_concurrency: usize,
    /// The tool's documentation page on a wiki, linked from every page's header; empty for
    /// none (`TOOL_DOCUMENTATION_URL`).
    pub documentation_url: String,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            api_url: "https://translatewiki.net/w/api.php".to_owned(),
            index_url: "https://translatewiki.net/w/i.php".to_owned(),
            lookup_concurrency: 4,
            documentation_url:
                "https://meta.wikimedia.org/wiki/User:Lucas_Werkmeister/Translate_Link".to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {

    use super::Settings;

    #[test]
    fn defaults_point_at_translatewiki_and_variables_override_them() {
        let defaults = test_support::config::<Settings>(&[][..]).tool;
        assert_eq!(defaults.api_url, "https://translatewiki.net/w/api.php");
        assert_eq!(defaults.index_url, "https://translatewiki.net/w/i.php");
        assert_eq!(defaults.lookup_concurrency, 4);
        let environment: &[(&str, &str)] = &[
            ("TOOL_API_URL", "http://127.0.0.1:9/api.php"),
            ("TOOL_LOOKUP_CONCURRENCY", "2"),
        ];
        let set = test_support::config::<Settings>(environment).tool;
        assert_eq!(set.api_url, "http://127.0.0.1:9/api.php");
        assert_eq!(set.index_url, "https://translatewiki.net/w/i.php");
        assert_eq!(set.lookup_concurrency, 2);
    }
}
