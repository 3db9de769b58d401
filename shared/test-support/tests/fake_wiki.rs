//! Tests of the fake wiki itself, spoken to over HTTP as a tool's OAuth and API clients would:
//! token rotation, a slow or failing token endpoint, the built-in `meta=userinfo` and a second
//! wiki sharing the provider.

use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use test_support::{FakeUser, FakeWiki, TokenFailure};

const VERIFIER: &str = "a-pkce-code-verifier-of-at-least-43-characters-0123456789";
const REDIRECT_URI: &str = "http://tool.test/oauth/callback";

#[derive(Debug, Clone)]
struct Tokens {
    access: String,
    refresh: String,
}

impl Tokens {
    fn from_answer(answer: &Value) -> Self {
        Self {
            access: answer["access_token"]
                .as_str()
                .expect("access_token in the answer")
                .to_owned(),
            refresh: answer["refresh_token"]
                .as_str()
                .expect("refresh_token in the answer")
                .to_owned(),
        }
    }
}

fn challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// POSTs to the token endpoint with the client's credentials and `fields`.
async fn token_endpoint(wiki: &FakeWiki, fields: &[(&str, &str)]) -> reqwest::Response {
    let mut form = vec![
        ("client_id", FakeWiki::CLIENT_ID),
        ("client_secret", FakeWiki::CLIENT_SECRET),
    ];
    form.extend_from_slice(fields);
    reqwest::Client::new()
        .post(format!("{}/oauth2/access_token", wiki.rest_url()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(serde_urlencoded::to_string(&form).expect("form encodes"))
        .send()
        .await
        .expect("token request")
}

async fn status_and_json(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let body = response.text().await.expect("token answer reads");
    let json = serde_json::from_str(&body)
        .unwrap_or_else(|error| panic!("not JSON ({error}), status {status}: {body}"));
    (status, json)
}

/// An authorization code for the last user added, as the provider sends it to the callback.
async fn authorization_code(wiki: &FakeWiki) -> String {
    let query = serde_urlencoded::to_string([
        ("response_type", "code"),
        ("client_id", FakeWiki::CLIENT_ID),
        ("redirect_uri", REDIRECT_URI),
        ("code_challenge", challenge(VERIFIER).as_str()),
        ("code_challenge_method", "S256"),
        ("state", "some-state"),
    ])
    .expect("query encodes");
    let callback = wiki
        .authorize(&format!("{}/oauth2/authorize?{query}", wiki.rest_url()))
        .await;
    let url = url::Url::parse(&format!("http://tool.test{callback}")).expect("callback parses");
    url.query_pairs()
        .find(|(name, _)| name == "code")
        .map(|(_, code)| code.into_owned())
        .expect("a code in the callback")
}

async fn exchange(wiki: &FakeWiki, code: &str) -> reqwest::Response {
    token_endpoint(
        wiki,
        &[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("code_verifier", VERIFIER),
            ("redirect_uri", REDIRECT_URI),
        ],
    )
    .await
}

/// Logs the last user added in: authorize, then exchange the code with the PKCE verifier.
async fn log_in(wiki: &FakeWiki) -> Tokens {
    let code = authorization_code(wiki).await;
    let (status, answer) = status_and_json(exchange(wiki, &code).await).await;
    assert_eq!(status, 200, "code exchange: {answer}");
    assert_eq!(answer["token_type"], "Bearer");
    Tokens::from_answer(&answer)
}

async fn refresh(wiki: &FakeWiki, refresh_token: &str) -> reqwest::Response {
    token_endpoint(
        wiki,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
        ],
    )
    .await
}

/// The status of the profile endpoint for this access token: 200 if it is valid, 401 if not.
async fn profile(wiki: &FakeWiki, access: &str) -> (u16, Value) {
    let response = reqwest::Client::new()
        .get(format!("{}/oauth2/resource/profile", wiki.rest_url()))
        .bearer_auth(access)
        .send()
        .await
        .expect("profile request");
    status_and_json(response).await
}

/// `action=query&meta=userinfo` on `wiki`'s Action API, with a bearer token if given.
async fn userinfo(wiki: &FakeWiki, access: Option<&str>, uiprop: Option<&str>) -> Value {
    let mut query = vec![
        ("action", "query"),
        ("meta", "userinfo"),
        ("format", "json"),
        ("formatversion", "2"),
    ];
    if let Some(uiprop) = uiprop {
        query.push(("uiprop", uiprop));
    }
    let mut request = reqwest::Client::new().get(wiki.api_url()).query(&query);
    if let Some(access) = access {
        request = request.bearer_auth(access);
    }
    let response = request.send().await.expect("userinfo request");
    assert_eq!(response.status().as_u16(), 200);
    response.json().await.expect("userinfo answer is JSON")
}

const INVALID_GRANT: &str = "invalid_grant";

fn invalid_refresh_token() -> Value {
    json!({"error": INVALID_GRANT, "error_description": "The refresh token is invalid."})
}

async fn wiki_with(user: FakeUser) -> FakeWiki {
    let wiki = FakeWiki::start().await;
    wiki.add_user(user);
    wiki
}

#[tokio::test]
async fn refreshing_rotates_and_revokes_the_old_refresh_and_access_token() {
    let wiki = wiki_with(FakeUser::new("Example")).await;
    let first = log_in(&wiki).await;
    // Another session of the same user, whose tokens must survive the first one's rotation.
    let other = log_in(&wiki).await;
    assert_eq!(profile(&wiki, &first.access).await.0, 200);

    let (status, answer) = status_and_json(refresh(&wiki, &first.refresh).await).await;
    assert_eq!(status, 200, "refresh: {answer}");
    let second = Tokens::from_answer(&answer);
    assert_ne!(second.access, first.access);
    assert_ne!(second.refresh, first.refresh);
    assert_eq!(wiki.refresh_count(), 1);

    assert_eq!(
        profile(&wiki, &first.access).await.0,
        401,
        "the access token issued with the used refresh token is revoked"
    );
    let api_answer = userinfo(&wiki, Some(&first.access), None).await;
    assert_eq!(
        api_answer["error"]["code"], "mwoauth-invalid-authorization",
        "the Action API rejects the revoked token too: {api_answer}"
    );
    let (status, answer) = status_and_json(refresh(&wiki, &first.refresh).await).await;
    assert_eq!(
        (status, answer),
        (400, invalid_refresh_token()),
        "a used refresh token"
    );
    assert_eq!(wiki.refresh_count(), 1, "a failed refresh is not counted");

    let (status, answer) = profile(&wiki, &second.access).await;
    assert_eq!(
        (status, answer["username"].as_str()),
        (200, Some("Example"))
    );
    assert_eq!(profile(&wiki, &other.access).await.0, 200);
    let (status, _) = status_and_json(refresh(&wiki, &other.refresh).await).await;
    assert_eq!(
        status, 200,
        "the other session's refresh token is untouched"
    );
    let (status, _) = status_and_json(refresh(&wiki, &second.refresh).await).await;
    assert_eq!(status, 200, "the new refresh token works");
    assert_eq!(wiki.refresh_count(), 3);
}

#[tokio::test]
async fn unknown_and_revoked_refresh_tokens_are_invalid_grant() {
    let wiki = wiki_with(FakeUser::new("Example")).await;
    let (status, answer) = status_and_json(refresh(&wiki, "refresh-never-issued").await).await;
    assert_eq!((status, answer), (400, invalid_refresh_token()));

    let tokens = log_in(&wiki).await;
    wiki.revoke_refresh_tokens();
    let (status, answer) = status_and_json(refresh(&wiki, &tokens.refresh).await).await;
    assert_eq!((status, answer), (400, invalid_refresh_token()));
    assert_eq!(
        profile(&wiki, &tokens.access).await.0,
        200,
        "revoking refresh tokens leaves access tokens alone, as before"
    );
    assert_eq!(wiki.refresh_count(), 0);
}

#[tokio::test]
async fn a_token_delay_makes_concurrent_refreshes_race() {
    let wiki = wiki_with(FakeUser::new("Example")).await;
    let tokens = log_in(&wiki).await;
    let delay = Duration::from_millis(500);
    wiki.set_token_delay(delay);

    let started = Instant::now();
    let (one, two) = tokio::join!(
        refresh(&wiki, &tokens.refresh),
        refresh(&wiki, &tokens.refresh)
    );
    let elapsed = started.elapsed();
    let mut outcomes = [status_and_json(one).await, status_and_json(two).await];
    outcomes.sort_by_key(|(status, _)| *status);

    // A lower bound only: an upper bound on wall-clock time would fail on a loaded machine.
    assert!(elapsed >= delay, "answered after {elapsed:?}");
    assert_eq!(outcomes[0].0, 200, "one refresh wins: {}", outcomes[0].1);
    assert_eq!(
        outcomes[1],
        (400, invalid_refresh_token()),
        "the other finds the token used"
    );
    assert_eq!(wiki.refresh_count(), 1);
    assert_eq!(
        wiki.token_requests().len(),
        3,
        "the login and both refreshes"
    );

    wiki.set_token_delay(Duration::ZERO);
    let winner = Tokens::from_answer(&outcomes[0].1);
    let (status, _) = status_and_json(refresh(&wiki, &winner.refresh).await).await;
    assert_eq!(status, 200, "the winner's refresh token is the live one");
}

#[tokio::test]
async fn an_unavailable_token_endpoint_changes_nothing() {
    let wiki = wiki_with(FakeUser::new("Example")).await;
    let tokens = log_in(&wiki).await;
    let code = authorization_code(&wiki).await;
    wiki.set_token_failure(Some(TokenFailure::Unavailable));

    for response in [
        refresh(&wiki, &tokens.refresh).await,
        exchange(&wiki, &code).await,
    ] {
        assert_eq!(response.status().as_u16(), 503);
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        assert!(content_type.starts_with("text/html"), "{content_type}");
        assert_eq!(
            response.text().await.expect("body reads"),
            "<html><body>Service Unavailable</body></html>"
        );
    }
    assert_eq!(
        wiki.token_requests().len(),
        3,
        "failed requests are recorded"
    );
    assert_eq!(wiki.refresh_count(), 0);
    assert_eq!(profile(&wiki, &tokens.access).await.0, 200);

    wiki.set_token_failure(None);
    let (status, answer) = status_and_json(exchange(&wiki, &code).await).await;
    assert_eq!(status, 200, "the code is still unused: {answer}");
    let (status, answer) = status_and_json(refresh(&wiki, &tokens.refresh).await).await;
    assert_eq!(status, 200, "the refresh token is still valid: {answer}");
    assert_eq!(wiki.refresh_count(), 1);
}

#[tokio::test]
async fn a_token_endpoint_server_error_changes_nothing() {
    let wiki = wiki_with(FakeUser::new("Example")).await;
    let tokens = log_in(&wiki).await;
    wiki.set_token_failure(Some(TokenFailure::ServerError));

    let (status, answer) = status_and_json(refresh(&wiki, &tokens.refresh).await).await;
    assert_eq!(status, 500);
    assert_eq!(answer["error"], "server_error");
    assert!(answer["error_description"].is_string(), "{answer}");
    assert_eq!(wiki.refresh_count(), 0);
    assert_eq!(
        profile(&wiki, &tokens.access).await.0,
        200,
        "the access token was not revoked"
    );

    wiki.set_token_failure(None);
    let (status, answer) = status_and_json(refresh(&wiki, &tokens.refresh).await).await;
    assert_eq!(status, 200, "the refresh token is still valid: {answer}");
    assert_eq!(wiki.refresh_count(), 1);
}

#[tokio::test]
async fn the_wiki_answers_userinfo_from_the_fake_user() {
    let wiki = wiki_with(FakeUser::new("Example").with_rights(&["patrol"])).await;
    let tokens = log_in(&wiki).await;

    assert_eq!(
        userinfo(&wiki, Some(&tokens.access), Some("groups|rights|blockinfo")).await,
        json!({"batchcomplete": true, "query": {"userinfo": {
            "id": wiki.local_id("Example"),
            "name": "Example",
            "groups": ["*", "user", "autoconfirmed"],
            "rights": ["read", "edit", "patrol"],
        }}})
    );
    assert_eq!(
        userinfo(&wiki, Some(&tokens.access), None).await,
        json!({"batchcomplete": true, "query": {"userinfo": {
            "id": wiki.local_id("Example"),
            "name": "Example",
        }}})
    );
    let (_, profile) = profile(&wiki, &tokens.access).await;
    assert_ne!(
        profile["sub"].as_u64(),
        Some(wiki.local_id("Example")),
        "the local id is not the central one"
    );

    assert_eq!(
        userinfo(&wiki, None, None).await,
        json!({"batchcomplete": true, "query": {"userinfo": {
            "id": 0, "name": "127.0.0.1", "anon": true,
        }}})
    );
    assert_eq!(
        userinfo(&wiki, None, Some("groups|rights|blockinfo")).await,
        json!({"batchcomplete": true, "query": {"userinfo": {
            "id": 0, "name": "127.0.0.1", "anon": true, "groups": ["*"], "rights": ["read"],
        }}})
    );
    assert_eq!(wiki.userinfo_count(), 4);
}

#[tokio::test]
async fn a_blocked_fake_user_is_blocked_on_the_wiki() {
    let mut user = FakeUser::new("Vandal");
    user.blocked = true;
    let wiki = wiki_with(user).await;
    let tokens = log_in(&wiki).await;

    let answer = userinfo(&wiki, Some(&tokens.access), Some("blockinfo")).await;
    assert_eq!(
        answer["query"]["userinfo"],
        json!({
            "id": wiki.local_id("Vandal"),
            "name": "Vandal",
            "blockid": 1,
            "blockedby": "Blocker",
            "blockedbyid": 2,
            "blockreason": "Fake block",
            "blockexpiry": "infinite",
            "blockpartial": false,
        })
    );
    let answer = userinfo(&wiki, Some(&tokens.access), Some("groups")).await;
    assert!(
        answer["query"]["userinfo"].get("blockid").is_none(),
        "block details only with uiprop=blockinfo: {answer}"
    );
}

#[tokio::test]
async fn programmed_userinfo_answers_win_and_are_counted() {
    let wiki = wiki_with(FakeUser::new("Example")).await;
    let tokens = log_in(&wiki).await;
    wiki.on_api(|request| {
        request
            .has(&[("meta", "userinfo")])
            .then(|| json!({"query": {"userinfo": {"name": "Programmed"}}}))
    });

    let answer = userinfo(&wiki, Some(&tokens.access), Some("groups")).await;
    assert_eq!(
        answer,
        json!({"query": {"userinfo": {"name": "Programmed"}}})
    );
    assert_eq!(wiki.userinfo_count(), 1);
}

#[tokio::test]
async fn set_wiki_user_changes_the_wikis_view_only() {
    let wiki = wiki_with(FakeUser::new("Example").with_groups(&["sysop"])).await;
    let tokens = log_in(&wiki).await;
    wiki.set_wiki_user(
        "Example",
        &["*", "user"],
        &["read"],
        Some("Long-term abuse"),
    );

    let answer = userinfo(&wiki, Some(&tokens.access), Some("groups|rights|blockinfo")).await;
    assert_eq!(
        answer["query"]["userinfo"],
        json!({
            "id": wiki.local_id("Example"),
            "name": "Example",
            "groups": ["*", "user"],
            "rights": ["read"],
            "blockid": 1,
            "blockedby": "Blocker",
            "blockedbyid": 2,
            "blockreason": "Long-term abuse",
            "blockexpiry": "infinite",
            "blockpartial": false,
        })
    );
    let (status, profile) = profile(&wiki, &tokens.access).await;
    assert_eq!(status, 200);
    assert_eq!(profile["blocked"], false, "the login wiki does not block");
    assert_eq!(
        profile["groups"],
        json!(["*", "user", "autoconfirmed", "sysop"])
    );

    wiki.set_wiki_user(
        "Example",
        &["*", "user", "sysop"],
        &["read", "delete"],
        None,
    );
    let answer = userinfo(&wiki, Some(&tokens.access), Some("groups|rights|blockinfo")).await;
    assert_eq!(
        answer["query"]["userinfo"],
        json!({
            "id": wiki.local_id("Example"),
            "name": "Example",
            "groups": ["*", "user", "sysop"],
            "rights": ["read", "delete"],
        }),
        "unblocked again"
    );
}

#[tokio::test]
async fn another_wiki_shares_the_provider_but_not_the_rest() {
    let meta = wiki_with(FakeUser::new("Example")).await;
    let other = meta.another_wiki().await;
    assert_ne!(other.api_url(), meta.api_url());
    assert!(other.api_url().ends_with("/w/api.php"));
    let tokens = log_in(&meta).await;

    meta.set_wiki_user("Example", &["*"], &["read"], Some("Blocked on Meta"));
    meta.on_api(|request| {
        request
            .has(&[("action", "parse")])
            .then(|| json!({"parse": {"text": "on meta"}}))
    });

    // The provider's token works on the other wiki, which has its own view of the user.
    let answer = userinfo(&other, Some(&tokens.access), Some("groups|blockinfo")).await;
    assert_eq!(
        answer["query"]["userinfo"],
        json!({
            "id": other.local_id("Example"),
            "name": "Example",
            "groups": ["*", "user", "autoconfirmed"],
        })
    );
    assert_ne!(other.local_id("Example"), meta.local_id("Example"));
    let answer = userinfo(&meta, Some(&tokens.access), Some("blockinfo")).await;
    assert_eq!(
        answer["query"]["userinfo"]["blockreason"],
        "Blocked on Meta"
    );

    // Programmed answers and recorded requests are per wiki.
    let parse = reqwest::Client::new()
        .get(other.api_url())
        .query(&[("action", "parse"), ("page", "X")])
        .send()
        .await
        .expect("parse request")
        .json::<Value>()
        .await
        .expect("parse answer is JSON");
    assert_eq!(parse["error"]["code"], "fake-unhandled", "{parse}");
    assert_eq!(other.api_requests().len(), 2);
    assert_eq!(other.userinfo_count(), 1);
    assert_eq!(meta.api_requests().len(), 1);
    assert_eq!(meta.userinfo_count(), 1);

    // Rotating through the other wiki's rest.php revokes the token everywhere.
    let (status, answer) = status_and_json(refresh(&other, &tokens.refresh).await).await;
    assert_eq!(status, 200, "{answer}");
    let rotated = Tokens::from_answer(&answer);
    assert_eq!(meta.refresh_count(), 1);
    assert_eq!(other.refresh_count(), 1);
    for wiki in [&meta, &other] {
        let answer = userinfo(wiki, Some(&tokens.access), None).await;
        assert_eq!(
            answer["error"]["code"], "mwoauth-invalid-authorization",
            "{answer}"
        );
        let answer = userinfo(wiki, Some(&rotated.access), None).await;
        assert_eq!(answer["query"]["userinfo"]["name"], "Example", "{answer}");
    }
}
