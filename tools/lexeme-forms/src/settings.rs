//! Wikidata Lexeme Forms' own configuration keys (next to the platform's, including `[oauth]`).

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Where a wiki's Action API is, `{domain}` replaced (`TOOL_API_URL_TEMPLATE`):
    /// `www.wikidata.org`, or `test.wikidata.org` for test templates.
    pub api_url_template: String,
    /// The address this tool is reached at (`TOOL_PUBLIC_URL`): edit summaries link to the
    /// template's page there.
    pub public_url: String,
    /// The tool's documentation page on a wiki, linked from every page's header; empty for
    /// none (`TOOL_DOCUMENTATION_URL`).
    pub documentation_url: String,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            api_url_template: "https://{domain}/w/api.php".to_owned(),
            public_url: "https://lexeme-forms.toolforge.org/".to_owned(),
            documentation_url: "https://www.wikidata.org/wiki/Wikidata:Wikidata_Lexeme_Forms"
                .to_owned(),
        }
    }
}

impl Settings {
    /// The Action API of `www` or `test` (.wikidata.org).
    pub fn api_url(&self, wiki: Wiki) -> String {
        self.api_url_template.replace("{domain}", wiki.domain())
    }
}

/// The two wikis templates are for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wiki {
    Www,
    Test,
}

impl Wiki {
    /// `www` or `test`, as in the API's addresses.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "www" => Some(Self::Www),
            "test" => Some(Self::Test),
            _ => None,
        }
    }

    pub fn of(template: &crate::templates::Template) -> Self {
        if template.test { Self::Test } else { Self::Www }
    }

    pub fn domain(self) -> &'static str {
        match self {
            Self::Www => "www.wikidata.org",
            Self::Test => "test.wikidata.org",
        }
    }

    /// Where a lexeme is seen: `https://www.wikidata.org/entity/L1` (its concept URI).
    pub fn entity_url(self, id: &str) -> String {
        format!("https://{}/entity/{id}", self.domain())
    }
}

#[cfg(test)]
mod tests {

    use super::*;

    #[test]
    fn defaults_point_at_wikidata() {
        let settings = test_support::config::<Settings>(&[][..]).tool;
        assert_eq!(
            settings.api_url(Wiki::Test),
            "https://test.wikidata.org/w/api.php"
        );
        assert_eq!(settings.public_url, "https://lexeme-forms.toolforge.org/");
        assert_eq!(Wiki::parse("www"), Some(Wiki::Www));
        assert_eq!(Wiki::parse("commons"), None);
    }
}
