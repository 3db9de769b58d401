//! Wikidata Image Positions' own configuration keys (next to the platform's, including
//! `[oauth]`).

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Where a wiki's Action API is, `{domain}` replaced (`TOOL_API_URL_TEMPLATE`): Wikidata for
    /// items and labels, Commons for files, their structured data and edits of both.
    pub api_url_template: String,
    /// The Wikidata Query Service endpoint (`TOOL_SPARQL_URL`), for `/iiif_region/…`.
    pub sparql_url: String,
    /// The origin images come from, allowed by the pages' content security policy
    /// (`TOOL_THUMBNAIL_ORIGIN`).
    pub thumbnail_origin: String,
    /// The tool's documentation page on a wiki, linked from every page's header; empty for
    /// none (`TOOL_DOCUMENTATION_URL`).
    pub documentation_url: String,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            api_url_template: "https://{domain}/w/api.php".to_owned(),
            sparql_url: "https://query.wikidata.org/sparql".to_owned(),
            thumbnail_origin: "https://upload.wikimedia.org".to_owned(),
            documentation_url:
                "https://www.wikidata.org/wiki/User:Lucas_Werkmeister/Wikidata_Image_Positions"
                    .to_owned(),
        }
    }
}

impl Settings {
    pub fn api_url(&self, domain: &str) -> String {
        self.api_url_template.replace("{domain}", domain)
    }
}

#[cfg(test)]
mod tests {

    use super::Settings;

    #[test]
    fn defaults_need_no_configuration_and_variables_override_them() {
        let defaults = test_support::config::<Settings>(&[][..]).tool;
        assert_eq!(
            defaults.api_url("www.wikidata.org"),
            "https://www.wikidata.org/w/api.php"
        );
        assert_eq!(defaults.sparql_url, "https://query.wikidata.org/sparql");
        assert_eq!(defaults.thumbnail_origin, "https://upload.wikimedia.org");
        let environment: &[(&str, &str)] = &[
            (
                "TOOL_API_URL_TEMPLATE",
                "http://127.0.0.1:9/{domain}/api.php",
            ),
            ("TOOL_SPARQL_URL", "http://127.0.0.1:9/sparql"),
            ("TOOL_THUMBNAIL_ORIGIN", "http://127.0.0.1:9"),
        ];
        let set = test_support::config::<Settings>(environment).tool;
        assert_eq!(
            set.api_url("commons.wikimedia.org"),
            "http://127.0.0.1:9/commons.wikimedia.org/api.php"
        );
        assert_eq!(set.sparql_url, "http://127.0.0.1:9/sparql");
        assert_eq!(set.thumbnail_origin, "http://127.0.0.1:9");
    }
}
