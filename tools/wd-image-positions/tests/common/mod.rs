//! The fakes Wikidata Image Positions' tests share: one fake wiki answering as Wikidata and
//! Commons (every `{domain}` points at it), with entities, files, labels and the edits, and a
//! fake query service.

#![allow(dead_code)] // Each test binary uses its own part of it.

mod fake_image_positions;

pub use fake_image_positions::FakeImagePositions;
use serde_json::{Value, json};
use test_support::{FakeSparql, FakeUser, FakeWiki, FakeWikibase, TestClient};
use wd_image_positions::Settings;

pub const SECRET: &str = "wd-image-positions-test-secret-key-0123456789";

pub struct Fakes {
    pub wiki: FakeWiki,
    pub wikibase: FakeWikibase,
    pub positions: FakeImagePositions,
    pub sparql: FakeSparql,
}

/// A depicts statement of `item`, with a region if given.
pub fn depicts(id: &str, item: &str, region: Option<&str>) -> Value {
    let mut statement = json!({
        "id": id, "type": "statement", "rank": "normal",
        "mainsnak": {"snaktype": "value", "property": "P180", "datatype": "wikibase-item",
            "datavalue": {"type": "wikibase-entityid", "value": {"entity-type": "item", "id": item}}},
    });
    if let Some(region) = region {
        statement["qualifiers"] = json!({"P2677": [{"snaktype": "value", "property": "P2677",
            "hash": "0123456789abcdef0123456789abcdef01234567",
            "datavalue": {"type": "string", "value": region}}]});
        statement["qualifiers-order"] = json!(["P2677"]);
    }
    statement
}

/// A depicts statement with no item: `somevalue` or `novalue`.
pub fn depicts_without_item(id: &str, snaktype: &str) -> Value {
    json!({"id": id, "type": "statement", "rank": "normal",
        "mainsnak": {"snaktype": snaktype, "property": "P180", "datatype": "wikibase-item"}})
}

pub fn image(name: &str) -> Value {
    json!({"id": format!("Q1${name}"), "type": "statement", "rank": "normal",
        "mainsnak": {"snaktype": "value", "property": "P18", "datatype": "commonsMedia",
            "datavalue": {"type": "string", "value": name}}})
}

impl Fakes {
    /// The Mona Lisa (Q12418) on a 4000 × 6000 file, depicting a woman (Q467) at a region, a
    /// landscape (Q107425) without one, and something unknown; the file `Mona Lisa.jpg` (page
    /// 7) has its own structured data.
    pub async fn start() -> Self {
        Self::start_with(FakeImagePositions::new).await
    }

    pub async fn start_with(
        positions: impl FnOnce(FakeWikibase, &str) -> FakeImagePositions,
    ) -> Self {
        let wiki = FakeWiki::start().await;
        let wikibase = FakeWikibase::new();
        let positions = positions(
            wikibase.clone(),
            "https://upload.wikimedia.org/wikipedia/commons",
        );
        Self::fill(wiki, wikibase, positions).await
    }

    pub async fn fill(
        wiki: FakeWiki,
        wikibase: FakeWikibase,
        positions: FakeImagePositions,
    ) -> Self {
        wikibase.add_entity(
            "Q12418",
            vec![
                image("Mona Lisa.jpg"),
                depicts("Q12418$woman", "Q467", Some("pct:25,10,50,40")),
                depicts("Q12418$landscape", "Q107425", None),
                depicts_without_item("Q12418$unknown", "somevalue"),
            ],
        );
        wikibase.add_entity("Q42", vec![depicts("Q42$x", "Q5", None)]);
        wikibase.add_entity("Q467", vec![]);
        wikibase.add_entity("Q5", vec![]);
        positions.add_file(
            "Mona Lisa.jpg",
            7,
            4000,
            6000,
            &[
                ("Artist", "<a href=\"//commons.wikimedia.org/wiki/Leonardo\">Leonardo da Vinci</a><script>alert(1)</script>"),
                ("LicenseShortName", "Public domain"),
                ("LicenseUrl", "https://creativecommons.org/publicdomain/mark/1.0/"),
                ("Credit", "<span onclick=\"alert(2)\">Louvre</span>"),
            ],
        );
        wikibase.add_media_info(
            "File:Mona Lisa.jpg",
            7,
            vec![depicts("M7$woman", "Q467", Some("100,600,2000,2400"))],
        );
        positions.add_file("Bare.png", 8, 800, 600, &[]);
        positions.set_labels(
            "Q12418",
            &[("en", "Mona Lisa"), ("de", "Mona Lisa (Gemälde)")],
        );
        positions.set_labels("Q467", &[("en", "woman"), ("de", "Frau")]);
        positions.set_labels("Q107425", &[("en", "landscape")]);
        positions.set_labels("Q5", &[("en", "human"), ("mul", "Homo sapiens")]);
        let answering = positions.clone();
        let entities = wikibase.clone();
        wiki.on_api(move |request| {
            answering
                .answer(request)
                .or_else(|| entities.answer(request))
        });
        let sparql = FakeSparql::start().await;
        Self {
            wiki,
            wikibase,
            positions,
            sparql,
        }
    }

    /// The settings pointing every wiki at the fake (and OAuth at it), plus `more`.
    pub fn env(&self, more: &[(&'static str, String)]) -> Vec<(&'static str, String)> {
        let mut env = vec![
            ("TOOL_API_URL_TEMPLATE", self.wiki.api_url()),
            ("TOOL_SPARQL_URL", self.sparql.url().to_owned()),
        ];
        env.extend(self.wiki.oauth_env());
        env.extend(more.iter().cloned());
        env
    }

    pub fn app(&self, more: &[(&'static str, String)]) -> axum::Router {
        let env = self.env(more);
        let pairs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let config = test_support::config::<Settings>(&pairs);
        let platform = wd_image_positions::platform(&config).expect("platform");
        wd_image_positions::app(&platform, &config.tool).expect("app")
    }

    pub fn client(&self) -> TestClient {
        TestClient::new(self.app(&[("TOOL_SECRET_KEY", SECRET.to_owned())]))
    }

    pub async fn logged_in_client(&self) -> TestClient {
        self.wiki.add_user(FakeUser::new("Painter"));
        let mut client = self.client();
        assert_eq!(
            self.wiki
                .log_in(&mut client, "/login?return_to=/item/Q12418")
                .await,
            "/item/Q12418"
        );
        client
    }
}
