//! Meta-Wiki's site matrix for `FakeWiki::on_api`, as the real API gives it (QuickCategories and
//! PagePile Visual Filter map database names to wikis with it).

use serde_json::{Value, json};

use crate::fake_wiki::ApiRequest;

/// The wikis of [`site_matrix`]: database name and domain.
pub const SITES: [(&str, &str); 4] = [
    ("enwiki", "en.wikipedia.org"),
    ("dewiki", "de.wikipedia.org"),
    ("commonswiki", "commons.wikimedia.org"),
    ("wikidatawiki", "www.wikidata.org"),
];

/// `action=sitematrix&formatversion=2` as Meta-Wiki answers it, for the wikis of [`SITES`]:
/// language wikis under their language, the others under `specials`.
pub fn site_matrix(request: &ApiRequest) -> Option<Value> {
    if !request.has(&[("action", "sitematrix")]) {
        return None;
    }
    let site = |dbname: &str| {
        let (_, domain) = SITES.iter().find(|(name, _)| *name == dbname)?;
        Some(json!({"url": format!("https://{domain}"), "dbname": dbname, "code": "wiki"}))
    };
    Some(json!({"sitematrix": {
        "count": SITES.len(),
        "0": {"code": "en", "name": "English", "site": [site("enwiki")]},
        "1": {"code": "de", "name": "Deutsch", "site": [site("dewiki")]},
        "specials": [site("commonswiki"), site("wikidatawiki")],
    }}))
}
