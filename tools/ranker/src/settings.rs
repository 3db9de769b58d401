//! Ranker's own configuration keys (next to the platform's, including `[oauth]`).

use serde::Deserialize;

use crate::wikis::{DEFAULT_WIKIS, Wikis};

#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// The wikis offered, as a comma-separated list of domains (`TOOL_WIKIS`). A plain string
    /// rather than a list: configuration values arrive verbatim (docs/configuration.md), and
    /// `a,b,c` is what one types into `toolforge envvars create`.
    pub wikis: String,
    /// Where a wiki's Action API is, `{domain}` replaced (`TOOL_API_URL_TEMPLATE`).
    pub api_url_template: String,
    /// The Wikidata Query Service's SPARQL endpoint (`TOOL_SPARQL_URL`).
    pub sparql_url: String,
    /// How many formatted values and entity labels are kept in memory, each
    /// (`TOOL_FORMAT_CACHE_ENTRIES`).
    pub format_cache_entries: usize,
    /// How long a formatted value or label is kept, in seconds: labels change on the wiki
    /// (`TOOL_FORMAT_CACHE_SECONDS`).
    pub format_cache_seconds: u64,
    /// The tool's documentation page on a wiki, linked from every page's header; empty for
    /// none (`TOOL_DOCUMENTATION_URL`).
    pub documentation_url: String,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            wikis: DEFAULT_WIKIS.to_owned(),
            api_url_template: "https://{domain}/w/api.php".to_owned(),
            sparql_url: "https://query.wikidata.org/sparql".to_owned(),
            format_cache_entries: 10_000,
            format_cache_seconds: 3600,
            documentation_url: "https://www.wikidata.org/wiki/User:Lucas_Werkmeister/Ranker"
                .to_owned(),
        }
    }
}

impl Settings {
    pub fn api_url(&self, domain: &str) -> String {
        self.api_url_template.replace("{domain}", domain)
    }

    pub fn wiki_list(&self) -> Wikis {
        Wikis::parse(&self.wikis)
    }
}

#[cfg(test)]
mod tests {

    use super::Settings;

    #[test]
    fn defaults_need_no_configuration() {
        let config = test_support::config::<Settings>(&[][..]);
        let settings = config.tool;
        assert_eq!(settings.wiki_list().iter().count(), 4);
        assert_eq!(settings.sparql_url, "https://query.wikidata.org/sparql");
        assert_eq!(
            settings.api_url("www.wikidata.org"),
            "https://www.wikidata.org/w/api.php"
        );
        assert_eq!(settings.format_cache_entries, 10_000);
    }

    #[test]
    fn environment_variables_set_every_key() {
        let environment: &[(&str, &str)] = &[
            ("TOOL_WIKIS", "www.wikidata.org, test.wikidata.org"),
            (
                "TOOL_API_URL_TEMPLATE",
                "http://127.0.0.1:9/{domain}/api.php",
            ),
            ("TOOL_SPARQL_URL", "http://127.0.0.1:9/sparql"),
            ("TOOL_FORMAT_CACHE_ENTRIES", "5"),
            ("TOOL_FORMAT_CACHE_SECONDS", "60"),
            ("TOOL_TOOLSDB_USER", "s12345"),
            (
                "TOOL_SECRET_KEY",
                "a secret key that is long enough for production",
            ),
        ];
        let settings = test_support::config::<Settings>(environment).tool;
        assert_eq!(
            settings.wiki_list().domains(),
            "www.wikidata.org, test.wikidata.org"
        );
        assert_eq!(
            settings.api_url("test.wikidata.org"),
            "http://127.0.0.1:9/test.wikidata.org/api.php"
        );
        assert_eq!(settings.sparql_url, "http://127.0.0.1:9/sparql");
        assert_eq!(settings.format_cache_entries, 5);
        assert_eq!(settings.format_cache_seconds, 60);
    }
}
