//! The wikis the tool edits, and what differs between them: which properties hold a reason for
//! a rank, where their items live, whether a query service can select their statements.

use crate::ids::PropertyId;
use crate::rank::Rank;

/// "reason for preferred rank" on Wikidata, also used on Commons (which uses Wikidata's
/// properties).
pub const REASON_FOR_PREFERRED_RANK: &str = "P7452";
/// "reason for deprecated rank".
pub const REASON_FOR_DEPRECATED_RANK: &str = "P2241";

/// The wikis offered when `TOOL_WIKIS` is not set.
pub const DEFAULT_WIKIS: &str =
    "www.wikidata.org,test.wikidata.org,commons.wikimedia.org,test-commons.wikimedia.org";

/// The wiki whose statements the query service at `TOOL_SPARQL_URL` describes.
pub const QUERY_SERVICE_WIKI: &str = "www.wikidata.org";

/// One wiki the tool may edit, by its domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wiki {
    domain: String,
}

impl Wiki {
    pub fn new(domain: &str) -> Self {
        Self {
            domain: domain.to_owned(),
        }
    }

    pub fn domain(&self) -> &str {
        &self.domain
    }

    /// Whether this is a Commons, whose entities are MediaInfo (`M…`, from `File:` pages).
    pub fn is_commons(&self) -> bool {
        matches!(
            self.domain.as_str(),
            "commons.wikimedia.org" | "test-commons.wikimedia.org"
        )
    }

    /// The property holding a reason for `rank` on this wiki: only Wikidata and Commons have
    /// them, and normal rank needs no reason.
    pub fn reason_property(&self, rank: Rank) -> Option<PropertyId> {
        let has_reasons = matches!(
            self.domain.as_str(),
            "www.wikidata.org" | "commons.wikimedia.org"
        );
        let id = match rank {
            Rank::Preferred if has_reasons => REASON_FOR_PREFERRED_RANK,
            Rank::Deprecated if has_reasons => REASON_FOR_DEPRECATED_RANK,
            _ => return None,
        };
        PropertyId::parse(id).ok()
    }

    /// Whether a reason can be given on this wiki at all.
    pub fn has_reasons(&self) -> bool {
        self.reason_property(Rank::Preferred).is_some()
    }

    /// Both reason properties, which every rank change removes.
    pub fn reason_properties(&self) -> Vec<PropertyId> {
        [Rank::Preferred, Rank::Deprecated]
            .into_iter()
            .filter_map(|rank| self.reason_property(rank))
            .collect()
    }

    /// The wiki whose items a reason names: Wikidata's for Wikidata and Commons, Test
    /// Wikidata's for the test wikis.
    pub fn item_wiki(&self) -> &'static str {
        match self.domain.as_str() {
            "www.wikidata.org" | "commons.wikimedia.org" => "www.wikidata.org",
            _ => "test.wikidata.org",
        }
    }

    /// The prefix of a link to an item in an edit summary on this wiki: an interwiki prefix on
    /// Commons, whose items live on another wiki.
    pub fn item_link_prefix(&self) -> &'static str {
        match self.domain.as_str() {
            "commons.wikimedia.org" => "d:Special:EntityPage/",
            "test-commons.wikimedia.org" => "testwikidata:Special:EntityPage/",
            _ => "",
        }
    }

    /// Whether the query service can select this wiki's statements.
    pub fn has_query_service(&self) -> bool {
        self.domain == QUERY_SERVICE_WIKI
    }

    /// `https://<domain>/wiki/<title>` (links for people; the API may be elsewhere in tests).
    pub fn page_url(&self, title: &str) -> String {
        format!("https://{}/wiki/{}", self.domain, title.replace(' ', "_"))
    }

    /// A link to revision `revision`, as a diff to its predecessor.
    pub fn diff_url(&self, revision: u64) -> String {
        format!("https://{}/w/index.php?diff={revision}", self.domain)
    }

    pub fn revision_url(&self, revision: u64) -> String {
        format!("https://{}/w/index.php?oldid={revision}", self.domain)
    }

    /// The message naming the wiki, for the four wikis the tool knows.
    pub fn name_key(&self) -> Option<&'static str> {
        match self.domain.as_str() {
            "www.wikidata.org" => Some("ranker-wiki-wikidata"),
            "test.wikidata.org" => Some("ranker-wiki-test-wikidata"),
            "commons.wikimedia.org" => Some("ranker-wiki-commons"),
            "test-commons.wikimedia.org" => Some("ranker-wiki-test-commons"),
            _ => None,
        }
    }
}

/// The configured wikis, in the order the forms offer them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wikis(Vec<Wiki>);

impl Wikis {
    /// A comma-separated list of domains (`TOOL_WIKIS`); blanks around names are ignored, and
    /// an empty list means the default.
    pub fn parse(list: &str) -> Self {
        let mut wikis: Vec<Wiki> = Vec::new();
        for domain in list.split(',').map(str::trim).filter(|d| !d.is_empty()) {
            if !wikis.iter().any(|w| w.domain == domain) {
                wikis.push(Wiki::new(domain));
            }
        }
        if wikis.is_empty() {
            return Self::parse(DEFAULT_WIKIS);
        }
        Self(wikis)
    }

    pub fn find(&self, domain: &str) -> Option<&Wiki> {
        self.0.iter().find(|wiki| wiki.domain == domain)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Wiki> {
        self.0.iter()
    }

    pub fn domains(&self) -> String {
        self.0
            .iter()
            .map(Wiki::domain)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_exist_on_wikidata_and_commons_only() {
        for (domain, preferred, deprecated, prefix, item_wiki) in [
            (
                "www.wikidata.org",
                Some("P7452"),
                Some("P2241"),
                "",
                "www.wikidata.org",
            ),
            (
                "commons.wikimedia.org",
                Some("P7452"),
                Some("P2241"),
                "d:Special:EntityPage/",
                "www.wikidata.org",
            ),
            ("test.wikidata.org", None, None, "", "test.wikidata.org"),
            (
                "test-commons.wikimedia.org",
                None,
                None,
                "testwikidata:Special:EntityPage/",
                "test.wikidata.org",
            ),
        ] {
            let wiki = Wiki::new(domain);
            let id = |rank| wiki.reason_property(rank).map(|p| p.to_string());
            assert_eq!(id(Rank::Preferred).as_deref(), preferred, "{domain}");
            assert_eq!(id(Rank::Deprecated).as_deref(), deprecated, "{domain}");
            assert_eq!(id(Rank::Normal), None, "{domain}");
            assert_eq!(wiki.has_reasons(), preferred.is_some());
            assert_eq!(
                wiki.reason_properties().len(),
                if preferred.is_some() { 2 } else { 0 }
            );
            assert_eq!(wiki.item_link_prefix(), prefix);
            assert_eq!(wiki.item_wiki(), item_wiki);
            assert!(wiki.name_key().is_some());
        }
        assert!(Wiki::new("www.wikidata.org").has_query_service());
        assert!(!Wiki::new("commons.wikimedia.org").has_query_service());
        assert!(Wiki::new("commons.wikimedia.org").is_commons());
        assert!(!Wiki::new("www.wikidata.org").is_commons());
    }

    #[test]
    fn wiki_lists_parse_from_commas() {
        let wikis = Wikis::parse(" www.wikidata.org , ,test.wikidata.org,www.wikidata.org");
        assert_eq!(wikis.domains(), "www.wikidata.org, test.wikidata.org");
        assert!(wikis.find("test.wikidata.org").is_some());
        assert!(wikis.find("en.wikipedia.org").is_none());
        assert_eq!(Wikis::parse(" , "), Wikis::parse(DEFAULT_WIKIS));
        assert_eq!(Wikis::parse(DEFAULT_WIKIS).iter().count(), 4);
        assert_eq!(Wiki::new("example.org").name_key(), None);
    }
}
