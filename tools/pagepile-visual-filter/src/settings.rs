//! PagePile Visual Filter's own configuration keys (next to the platform's).

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// PagePile's API (`TOOL_PAGEPILE_URL`).
    pub pagepile_url: String,
    /// Where a wiki's Action API is, `{domain}` replaced (`TOOL_API_URL_TEMPLATE`): Commons for
    /// thumbnails, Meta-Wiki for the site matrix.
    pub api_url_template: String,
    /// The origin thumbnails come from, allowed by the pages' content security policy
    /// (`TOOL_THUMBNAIL_ORIGIN`).
    pub thumbnail_origin: String,
    /// How many thumbnail requests (of 50 files each) one page has in flight
    /// (`TOOL_THUMBNAIL_CONCURRENCY`).
    pub thumbnail_concurrency: usize,
    /// The tool's documentation page on a wiki, linked from every page's header; empty for
    /// none (`TOOL_DOCUMENTATION_URL`).
    pub documentation_url: String,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            pagepile_url: wikimedia::pagepile::DEFAULT_URL.to_owned(),
            api_url_template: "https://{domain}/w/api.php".to_owned(),
            thumbnail_origin: "https://upload.wikimedia.org".to_owned(),
            thumbnail_concurrency: 4,
            documentation_url:
                "https://commons.wikimedia.org/wiki/User:Lucas_Werkmeister/PagePile_Visual_Filter"
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
            defaults.pagepile_url,
            "https://pagepile.toolforge.org/api.php"
        );
        assert_eq!(
            defaults.api_url("commons.wikimedia.org"),
            "https://commons.wikimedia.org/w/api.php"
        );
        assert_eq!(defaults.thumbnail_origin, "https://upload.wikimedia.org");
        assert_eq!(defaults.thumbnail_concurrency, 4);
        let environment: &[(&str, &str)] = &[
            ("TOOL_PAGEPILE_URL", "http://127.0.0.1:9/api.php"),
            ("TOOL_THUMBNAIL_CONCURRENCY", "2"),
        ];
        let set = test_support::config::<Settings>(environment).tool;
        assert_eq!(set.pagepile_url, "http://127.0.0.1:9/api.php");
        assert_eq!(set.thumbnail_concurrency, 2);
    }
}
