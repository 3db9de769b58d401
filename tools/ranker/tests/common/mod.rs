//! What Ranker's tests share: the app against a fake wiki (OAuth and Action API) with a fake
//! Wikibase plugged in, and a fake query service.

#![allow(dead_code)] // Each test binary uses its own part of it.

use ranker::Settings;
use test_support::{FakeSparql, FakeUser, FakeWiki, FakeWikibase, TestClient, TestResponse};

pub const SECRET: &str = "ranker-test-secret-key-0123456789abcdef";

pub struct Setup {
    pub fake: FakeWiki,
    pub wikibase: FakeWikibase,
    pub sparql: FakeSparql,
    pub client: TestClient,
}

/// The app's router configured against the fakes: every wiki's API is the fake wiki's.
pub fn app(fake: &FakeWiki, sparql: &FakeSparql) -> axum::Router {
    let api_url = fake.api_url();
    let oauth = fake.oauth_env();
    let mut env: Vec<(&str, &str)> = vec![
        ("TOOL_SECRET_KEY", SECRET),
        ("TOOL_API_URL_TEMPLATE", &api_url),
        ("TOOL_SPARQL_URL", sparql.url()),
    ];
    env.extend(oauth.iter().map(|(k, v)| (*k, v.as_str())));
    let config = test_support::config::<Settings>(&env);
    let platform = ranker::platform(&config).expect("platform");
    ranker::app(&platform, &config.tool).expect("the app builds")
}

pub async fn setup() -> Setup {
    let fake = FakeWiki::start().await;
    let wikibase = FakeWikibase::new();
    let answering = wikibase.clone();
    fake.on_api(move |request| answering.answer(request));
    let sparql = FakeSparql::start().await;
    let client = TestClient::new(app(&fake, &sparql));
    Setup {
        fake,
        wikibase,
        sparql,
        client,
    }
}

pub async fn logged_in() -> Setup {
    let mut setup = setup().await;
    setup.fake.add_user(FakeUser::new("Ranking User"));
    let back = setup
        .fake
        .log_in(&mut setup.client, "/login?return_to=/")
        .await;
    assert_eq!(back, "/");
    setup
}

impl Setup {
    pub async fn csrf_token(&mut self) -> String {
        self.client
            .get("/")
            .await
            .csrf_token()
            .expect("a form with a token")
    }

    /// Posts `fields` with the session's CSRF token.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> TestResponse {
        let token = self.csrf_token().await;
        let mut all = vec![("csrf_token", token.as_str())];
        all.extend_from_slice(fields);
        self.client.post_form(path, &all).await
    }
}
