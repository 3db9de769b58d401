//! A fake MediaWiki on a local port: the OAuth 2 provider (authorize, token exchange that checks
//! the PKCE verifier and the client secret, refresh, profile) and an Action API whose answers the
//! test programs. Every request it gets is recorded, so tests can assert what the tool sent.
//!
//! The provider behaves like MediaWiki's (league/oauth2-server underneath) where tools can tell:
//!
//! - Refresh tokens rotate: a `refresh_token` grant removes the refresh token it used *and*
//!   revokes the access token that was issued with it, so a tool that keeps using either one, or
//!   two requests that refresh the same session at once, fail as they would in production. An
//!   unknown or used refresh token is answered `400 invalid_grant`.
//! - The token endpoint can be made slow ([`FakeWiki::set_token_delay`]) so that concurrent
//!   refreshes really race, or made to fail ([`FakeWiki::set_token_failure`]) as when the wiki
//!   is down (an HTML 503 from the edge) or throws (a JSON 500), without changing any state.
//!
//! The Action API answers `meta=tokens` itself, then asks the handlers programmed with
//! [`FakeWiki::on_api`], and answers `meta=userinfo` itself if none of them did. Its view of a
//! user starts as the [`FakeUser`] the provider knows (what the profile endpoint says, i.e. the
//! login wiki, Meta-Wiki) but can be made to disagree with [`FakeWiki::set_wiki_user`]: a user
//! can be blocked, or lack a group, on one wiki only.
//!
//! [`FakeWiki::another_wiki`] starts a second wiki on its own port that shares the provider
//! (users and tokens: an access token from the provider works on every Wikimedia wiki) but has
//! its own programmed answers, recorded requests and view of users.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// The CSRF token the fake hands out to a logged-in user, and expects back with every write
/// but `patrol` and `rollback`, which need tokens of their own ([`token_of`]).
pub const TOKEN: &str = "fake-token+\\";

/// The token of `kind` (`csrf`, `patrol`, `rollback`, …) for a logged-in user: each type has
/// its own, as MediaWiki salts each type differently (`ApiQueryTokens::getTokenTypeSalts`),
/// so a tool that sends the CSRF token to `action=patrol` is refused as it would be there.
pub fn token_of(kind: &str) -> String {
    match kind {
        "csrf" => TOKEN.to_owned(),
        _ => format!("fake-{kind}-token+\\"),
    }
}

/// The token types MediaWiki 1.39 knows (`ApiQueryTokens::getTokenTypeSalts`).
const TOKEN_TYPES: [&str; 7] = [
    "createaccount",
    "csrf",
    "login",
    "patrol",
    "rollback",
    "userrights",
    "watch",
];

/// Modules that only read: they take no token, by GET or POST. Every other module the tools
/// call writes, and needs its token in the POST body (`ApiMain::checkExecutePermissions`,
/// `ApiBase::requirePostedParameters` for `token`).
const READ_MODULES: [&str; 12] = [
    "query",
    "parse",
    "compare",
    "sitematrix",
    "paraminfo",
    "expandtemplates",
    "wbgetentities",
    "wbsearchentities",
    "wbformatvalue",
    "wbformatentities",
    "wbgetclaims",
    "wbparsevalue",
];

/// The token type a module checks: `patrol` and `rollback` have their own, the rest take the
/// CSRF token (`needsToken()` of each module).
fn token_type_of(action: &str) -> &'static str {
    match action {
        "patrol" => "patrol",
        "rollback" => "rollback",
        _ => "csrf",
    }
}

/// Where the fake "registered" the consumer's callback; only its path and query matter to tests.
const CALLBACK_URL: &str = "http://tool.test/oauth/callback";

/// A user the fake wiki knows.
#[derive(Debug, Clone)]
pub struct FakeUser {
    pub username: String,
    pub sub: u64,
    pub groups: Vec<String>,
    pub rights: Vec<String>,
    pub blocked: bool,
    /// As `list=users&usprop=gender` gives it: `male`, `female` or `unknown`.
    pub gender: String,
}

impl FakeUser {
    pub fn new(username: &str) -> Self {
        // A different central id for each name, as on a real wiki.
        let sub = username.bytes().fold(1000u64, |id, byte| {
            id.wrapping_mul(31).wrapping_add(u64::from(byte))
        });
        Self {
            username: username.to_owned(),
            sub,
            groups: vec![
                "*".to_owned(),
                "user".to_owned(),
                "autoconfirmed".to_owned(),
            ],
            rights: vec!["read".to_owned(), "edit".to_owned()],
            blocked: false,
            gender: "unknown".to_owned(),
        }
    }

    /// The user of a real wiki's [`Role`](crate::Role), with the groups and rights the real
    /// wiki gives that account (checked by `tests/api_contract.rs` against a real MediaWiki), so
    /// a test can ask the fake and the real wiki the same.
    pub fn of_role(role: crate::Role) -> Self {
        use crate::Role;
        let (groups, rights): (&[&str], &[&str]) = match role {
            Role::New => (&[], &["createpage", "createtalk", "writeapi"]),
            Role::Autoconfirmed => (&["confirmed"], &["autoconfirmed", "editsemiprotected"]),
            Role::Rollbacker => (
                &["confirmed", "rollbacker"],
                &["autoconfirmed", "editsemiprotected", "rollback"],
            ),
            Role::Patroller => (
                &["confirmed", "patroller"],
                &["autoconfirmed", "editsemiprotected", "patrol", "autopatrol"],
            ),
            Role::Bot => (
                &["confirmed", "bot"],
                &["autoconfirmed", "editsemiprotected", "bot", "autopatrol"],
            ),
            Role::Blocked => (&["confirmed"], &["autoconfirmed", "editsemiprotected"]),
            Role::Admin => (
                &["sysop", "bureaucrat", "interface-admin"],
                &[
                    "autoconfirmed",
                    "editsemiprotected",
                    "patrol",
                    "autopatrol",
                    "rollback",
                    "block",
                    "delete",
                    "protect",
                ],
            ),
        };
        let mut user = FakeUser::new(role.username())
            .with_only_groups(&["*", "user"])
            .with_groups(groups)
            .with_rights(rights);
        user.blocked = role == Role::Blocked;
        user
    }

    pub fn with_gender(mut self, gender: &str) -> Self {
        self.gender = gender.to_owned();
        self
    }

    pub fn with_rights(mut self, rights: &[&str]) -> Self {
        self.rights.extend(rights.iter().map(|&r| r.to_owned()));
        self
    }

    pub fn with_groups(mut self, groups: &[&str]) -> Self {
        self.groups.extend(groups.iter().map(|&g| g.to_owned()));
        self
    }

    /// Exactly these groups (e.g. a new account that is not autoconfirmed yet).
    pub fn with_only_groups(mut self, groups: &[&str]) -> Self {
        self.groups = groups.iter().map(|&g| g.to_owned()).collect();
        self
    }
}

/// One Action API request as the fake received it.
#[derive(Debug, Clone)]
pub struct ApiRequest {
    pub method: Method,
    /// Query and form parameters together.
    pub params: BTreeMap<String, String>,
    /// The user whose bearer token came with it.
    pub user: Option<String>,
    pub user_agent: Option<String>,
}

impl ApiRequest {
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params.get(name).map(String::as_str)
    }

    /// Whether every `(name, value)` pair is among the parameters.
    pub fn has(&self, pairs: &[(&str, &str)]) -> bool {
        pairs
            .iter()
            .all(|(name, value)| self.param(name) == Some(value))
    }
}

type ApiHandler = Arc<dyn Fn(&ApiRequest) -> Option<Value> + Send + Sync>;

struct PendingCode {
    challenge: String,
    username: String,
}

/// What a refresh token was issued for.
struct RefreshGrant {
    username: String,
    /// The access token issued together with it: using the refresh token revokes it, as
    /// league/oauth2-server's `RefreshTokenGrant` does on MediaWiki.
    access_token: String,
}

/// How the token endpoint fails while [`FakeWiki::set_token_failure`] is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenFailure {
    /// `503` with an HTML page and no JSON, as Wikimedia's edge answers while the application
    /// servers are unreachable.
    Unavailable,
    /// `500` with OAuth's JSON `{"error":"server_error",…}`, as when MediaWiki throws while
    /// issuing tokens.
    ServerError,
}

/// The OAuth provider: users and tokens. Shared by every wiki of one fake, as Wikimedia's
/// OAuth is central and an access token works on every wiki.
#[derive(Default)]
struct ProviderState {
    /// Where authorizations send the browser back to; `None`: [`CALLBACK_URL`].
    callback_url: Option<String>,
    users: HashMap<String, FakeUser>,
    next_login: Option<String>,
    deny_next: Option<String>,
    codes: HashMap<String, PendingCode>,
    /// access token → username
    access_tokens: HashMap<String, String>,
    refresh_tokens: HashMap<String, RefreshGrant>,
    counter: u64,
    /// `expires_in` of new access tokens; `None` means MediaWiki's hour.
    token_lifetime: Option<u64>,
    token_requests: Vec<BTreeMap<String, String>>,
    /// How long every token-endpoint request waits before it is answered.
    token_delay: Duration,
    token_failure: Option<TokenFailure>,
    /// Successful `refresh_token` grants.
    refresh_count: usize,
    /// Wikis started on this provider so far, to number them.
    wikis: u64,
}

/// One wiki's view of a user.
#[derive(Debug, Clone)]
struct WikiUser {
    groups: Vec<String>,
    rights: Vec<String>,
    block_reason: Option<String>,
}

impl From<&FakeUser> for WikiUser {
    fn from(user: &FakeUser) -> Self {
        Self {
            groups: user.groups.clone(),
            rights: user.rights.clone(),
            block_reason: user.blocked.then(|| "Fake block".to_owned()),
        }
    }
}

/// What one wiki (one Action API) has of its own.
struct WikiState {
    /// 0 for the first wiki, then 1, 2… for those from [`FakeWiki::another_wiki`]; makes local
    /// user ids differ between wikis.
    index: u64,
    handlers: Vec<ApiHandler>,
    requests: Vec<ApiRequest>,
    /// Users whose view on this wiki differs from the provider's ([`FakeWiki::set_wiki_user`]).
    users: HashMap<String, WikiUser>,
}

#[derive(Clone)]
struct AppState {
    provider: Arc<Mutex<ProviderState>>,
    wiki: Arc<Mutex<WikiState>>,
}

/// Locks, ignoring poisoning: a test that panicked while holding the lock has failed already, and
/// the fake should keep answering the requests still in flight.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The running fake. Dropping it leaves the server running until the test's runtime ends.
/// Clones are handles to the same wiki.
#[derive(Clone)]
pub struct FakeWiki {
    base_url: String,
    provider: Arc<Mutex<ProviderState>>,
    wiki: Arc<Mutex<WikiState>>,
}

impl std::fmt::Debug for FakeWiki {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeWiki")
            .field("base_url", &self.base_url)
            .finish()
    }
}

impl FakeWiki {
    pub const CLIENT_ID: &'static str = "fake-client-id";
    pub const CLIENT_SECRET: &'static str = "fake-client-secret";

    pub async fn start() -> Self {
        Self::serve(Arc::new(Mutex::new(ProviderState::default()))).await
    }

    /// Starts a second wiki on its own port with the same OAuth provider: users, access and
    /// refresh tokens are shared (a token from the provider works there too, as on Wikimedia's
    /// wikis), while programmed answers ([`on_api`](Self::on_api)), recorded requests and
    /// [`set_wiki_user`](Self::set_wiki_user) views are its own. Its `rest.php` serves the same
    /// provider, so the provider methods (`add_user`, `set_token_failure`, …) act on both.
    pub async fn another_wiki(&self) -> FakeWiki {
        Self::serve(self.provider.clone()).await
    }

    async fn serve(provider: Arc<Mutex<ProviderState>>) -> Self {
        let index = {
            let mut provider = lock(&provider);
            provider.wikis += 1;
            provider.wikis - 1
        };
        let wiki = Arc::new(Mutex::new(WikiState {
            index,
            handlers: Vec::new(),
            requests: Vec::new(),
            users: HashMap::new(),
        }));
        let app = Router::new()
            .route("/w/rest.php/oauth2/authorize", get(authorize))
            .route(
                "/w/rest.php/oauth2/access_token",
                axum::routing::post(access_token),
            )
            .route("/w/rest.php/oauth2/resource/profile", get(profile))
            .route("/w/api.php", get(api).post(api))
            .with_state(AppState {
                provider: provider.clone(),
                wiki: wiki.clone(),
            });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("fake wiki binds");
        let address = listener.local_addr().expect("fake wiki address");
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self {
            base_url: format!("http://{address}"),
            provider,
            wiki,
        }
    }

    fn provider(&self) -> MutexGuard<'_, ProviderState> {
        lock(&self.provider)
    }

    fn wiki(&self) -> MutexGuard<'_, WikiState> {
        lock(&self.wiki)
    }

    /// An access token for `username`, as if they had authorized the tool: for tests that talk
    /// to a wiki (or an [`OAuthBridge`](crate::OAuthBridge)) without a tool's login.
    pub fn issue_access_token(&self, username: &str) -> String {
        let mut provider = self.provider();
        provider.counter += 1;
        let token = format!("access-{}-issued", provider.counter);
        provider
            .access_tokens
            .insert(token.clone(), username.to_owned());
        token
    }

    /// The user an access token was issued to, while it is valid: what MediaWiki's OAuth
    /// extension looks up for a bearer token. For [`OAuthBridge`](crate::OAuthBridge).
    pub fn access_token_user(&self, token: &str) -> Option<String> {
        self.provider().access_tokens.get(token).cloned()
    }

    /// `http://127.0.0.1:<port>`, the wiki's "server" (`/wiki/…` links start here).
    pub fn url(&self) -> &str {
        &self.base_url
    }

    pub fn rest_url(&self) -> String {
        format!("{}/w/rest.php", self.base_url)
    }

    pub fn api_url(&self) -> String {
        format!("{}/w/api.php", self.base_url)
    }

    /// `TOOL_*` settings that point a tool's login at this fake.
    pub fn oauth_env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("TOOL_OAUTH__CLIENT_ID", Self::CLIENT_ID.to_owned()),
            ("TOOL_OAUTH__CLIENT_SECRET", Self::CLIENT_SECRET.to_owned()),
            ("TOOL_OAUTH__REST_URL", self.rest_url()),
        ]
    }

    /// Adds a user to the provider; the next authorization is granted as the last user added.
    pub fn add_user(&self, user: FakeUser) {
        let mut provider = self.provider();
        provider.next_login = Some(user.username.clone());
        provider.users.insert(user.username.clone(), user);
    }

    /// The next authorization request is answered with `error=<error>` instead of a code.
    /// Sends browsers back to `url` after an authorization (the consumer's registered
    /// callback), e.g. `http://127.0.0.1:<port>/oauth/callback` for a tool a real browser uses.
    pub fn set_callback_url(&self, url: &str) {
        self.provider().callback_url = Some(url.to_owned());
    }

    pub fn deny_next_authorization(&self, error: &str) {
        self.provider().deny_next = Some(error.to_owned());
    }

    /// Plays the user's browser at the provider: follows the tool's redirect to `authorize_url`
    /// and returns the path and query the provider sends the browser back to (the tool's
    /// callback), e.g. `/oauth/callback?code=…&state=…`.
    pub async fn authorize(&self, authorize_url: &str) -> String {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        let response = client
            .get(authorize_url)
            .send()
            .await
            .expect("authorize request");
        assert_eq!(
            response.status(),
            reqwest::StatusCode::SEE_OTHER,
            "authorize answered {}",
            response.status()
        );
        let location = response
            .headers()
            .get("location")
            .and_then(|value| value.to_str().ok())
            .expect("authorize redirects")
            .to_owned();
        let url = url::Url::parse(&location).expect("callback URL");
        format!("{}?{}", url.path(), url.query().unwrap_or_default())
    }

    /// Logs `client` in through this provider: starts at `login_path` (e.g.
    /// `/login?return_to=/x`), plays the browser at the provider, comes back to the callback, and
    /// returns where the tool sent the browser after the login.
    pub async fn log_in(&self, client: &mut crate::TestClient, login_path: &str) -> String {
        let start = client.get(login_path).await;
        assert_eq!(start.status.as_u16(), 303, "login start: {}", start.body);
        let authorize_url = start
            .location()
            .expect("redirect to the provider")
            .to_owned();
        let callback = self.authorize(&authorize_url).await;
        let done = client.get(&callback).await;
        assert_eq!(done.status.as_u16(), 303, "login callback: {}", done.body);
        done.location().expect("redirect after login").to_owned()
    }

    /// Makes every access token handed out so far invalid (as after its hour is over).
    pub fn expire_access_tokens(&self) {
        self.provider().access_tokens.clear();
    }

    /// Access tokens issued from now on say they expire after `seconds` (0: at once, so the
    /// tool must refresh on its next request).
    pub fn set_token_lifetime(&self, seconds: u64) {
        self.provider().token_lifetime = Some(seconds);
    }

    /// Makes every refresh token invalid (as when the user revokes the grant). Access tokens
    /// already handed out keep working until [`expire_access_tokens`](Self::expire_access_tokens).
    pub fn revoke_refresh_tokens(&self) {
        self.provider().refresh_tokens.clear();
    }

    /// Every token-endpoint request waits `delay` before it is answered (`Duration::ZERO`, the
    /// default, answers at once). The outcome is decided after the wait, so requests that
    /// overlap really race: of two refreshes with the same refresh token, one rotates it and the
    /// other gets `invalid_grant`.
    pub fn set_token_delay(&self, delay: Duration) {
        self.provider().token_delay = delay;
    }

    /// While `Some`, every token-endpoint request fails as `failure` says and changes nothing
    /// (codes, refresh and access tokens stay valid); it is still recorded in
    /// [`token_requests`](Self::token_requests). `None` restores normal answers.
    pub fn set_token_failure(&self, failure: Option<TokenFailure>) {
        self.provider().token_failure = failure;
    }

    /// How many `refresh_token` grants succeeded (each one a rotation).
    pub fn refresh_count(&self) -> usize {
        self.provider().refresh_count
    }

    /// Programs this wiki's Action API: the first handler that returns `Some` answers a request.
    /// `meta=tokens` is answered by the fake itself before the handlers, and `meta=userinfo`
    /// after them if none answered (see [`set_wiki_user`](Self::set_wiki_user)).
    pub fn on_api(&self, handler: impl Fn(&ApiRequest) -> Option<Value> + Send + Sync + 'static) {
        self.wiki().handlers.push(Arc::new(handler));
    }

    /// This wiki's view of `username` from now on: exactly these groups and rights, and blocked
    /// with `block_reason` if it is `Some`. Until then the wiki sees what the [`FakeUser`] says
    /// (blocked with reason "Fake block" if `blocked`). The profile endpoint (the login wiki)
    /// and other wikis keep their own view, so a tool can be tested against a user who is
    /// blocked, or lacks a group, on this wiki only.
    pub fn set_wiki_user(
        &self,
        username: &str,
        groups: &[&str],
        rights: &[&str],
        block_reason: Option<&str>,
    ) {
        let user = WikiUser {
            groups: groups.iter().map(|&g| g.to_owned()).collect(),
            rights: rights.iter().map(|&r| r.to_owned()).collect(),
            block_reason: block_reason.map(str::to_owned),
        };
        self.wiki().users.insert(username.to_owned(), user);
    }

    /// The user id this wiki's `meta=userinfo` gives `username`: not the central id (`sub`) and
    /// different on each wiki, as on Wikimedia's wikis.
    pub fn local_id(&self, username: &str) -> u64 {
        local_id(username, self.wiki().index)
    }

    /// How many `action=query&meta=userinfo` requests this wiki received and answered, whether
    /// a programmed handler or the fake itself answered them.
    pub fn userinfo_count(&self) -> usize {
        self.wiki()
            .requests
            .iter()
            .filter(|r| asks_userinfo(r))
            .count()
    }

    /// Every Action API request this wiki received so far (token requests included).
    pub fn api_requests(&self) -> Vec<ApiRequest> {
        self.wiki().requests.clone()
    }

    /// The Action API requests this wiki received so far that carry all these parameters.
    pub fn requests_with(&self, pairs: &[(&str, &str)]) -> Vec<ApiRequest> {
        self.wiki()
            .requests
            .iter()
            .filter(|r| r.has(pairs))
            .cloned()
            .collect()
    }

    /// Parameters of every token-endpoint request (grant type, code, verifier…), in the order
    /// they arrived (recorded on arrival, before any [`set_token_delay`](Self::set_token_delay)
    /// wait, failed ones included). Shared by the wikis of one provider.
    pub fn token_requests(&self) -> Vec<BTreeMap<String, String>> {
        self.provider().token_requests.clone()
    }
}

fn s256(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

fn local_id(username: &str, wiki_index: u64) -> u64 {
    let hash = username.bytes().fold(17 + wiki_index, |id, byte| {
        id.wrapping_mul(131).wrapping_add(u64::from(byte))
    });
    hash % 100_000_000 + 1
}

/// Whether a request is `action=query` with `userinfo` among its `meta` modules.
fn asks_userinfo(request: &ApiRequest) -> bool {
    request.param("action") == Some("query")
        && request
            .param("meta")
            .is_some_and(|meta| meta.split('|').any(|module| module == "userinfo"))
}

async fn authorize(
    State(app): State<AppState>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let mut state = lock(&app.provider);
    let param = |name: &str| params.get(name).cloned().unwrap_or_default();
    let bad = |reason: &str| (StatusCode::BAD_REQUEST, reason.to_owned()).into_response();
    if param("response_type") != "code" {
        return bad("response_type must be code");
    }
    if param("client_id") != FakeWiki::CLIENT_ID {
        return bad("unknown client_id");
    }
    if param("code_challenge_method") != "S256" || param("code_challenge").is_empty() {
        return bad("PKCE with S256 is required");
    }
    let callback_url = state
        .callback_url
        .clone()
        .unwrap_or_else(|| CALLBACK_URL.to_owned());
    let callback = |query: &[(&str, &str)]| {
        Redirect::to(&format!(
            "{callback_url}?{}",
            serde_urlencoded::to_string(query).unwrap_or_default()
        ))
        .into_response()
    };
    let oauth_state = param("state");
    if let Some(error) = state.deny_next.take() {
        return callback(&[
            ("error", &error),
            ("error_description", "The user denied access"),
            ("state", &oauth_state),
        ]);
    }
    let Some(username) = state.next_login.clone() else {
        return bad("no user to log in: call add_user first");
    };
    state.counter += 1;
    let code = format!("code-{}", state.counter);
    state.codes.insert(
        code.clone(),
        PendingCode {
            challenge: param("code_challenge"),
            username,
        },
    );
    callback(&[("code", &code), ("state", &oauth_state)])
}

fn oauth_error(error: &str, description: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        axum::Json(json!({"error": error, "error_description": description})),
    )
        .into_response()
}

fn issue_tokens(state: &mut ProviderState, username: &str) -> Response {
    state.counter += 1;
    // As long as Wikimedia's (a signed JWT, an encrypted refresh token), so that tests of
    // cookie size see realistic sessions.
    let access = format!("access-{}-{}", state.counter, "j".repeat(1100));
    let refresh = format!("refresh-{}-{}", state.counter, "r".repeat(720));
    state
        .access_tokens
        .insert(access.clone(), username.to_owned());
    state.refresh_tokens.insert(
        refresh.clone(),
        RefreshGrant {
            username: username.to_owned(),
            access_token: access.clone(),
        },
    );
    axum::Json(json!({
        "token_type": "Bearer",
        "expires_in": state.token_lifetime.unwrap_or(3600),
        "access_token": access,
        "refresh_token": refresh,
    }))
    .into_response()
}

fn token_failure(failure: TokenFailure) -> Response {
    match failure {
        TokenFailure::Unavailable => (
            StatusCode::SERVICE_UNAVAILABLE,
            Html("<html><body>Service Unavailable</body></html>"),
        )
            .into_response(),
        TokenFailure::ServerError => (
            StatusCode::INTERNAL_SERVER_ERROR,
            axum::Json(json!({
                "error": "server_error",
                "error_description": "The authorization server encountered an unexpected \
                    condition which prevented it from fulfilling the request.",
            })),
        )
            .into_response(),
    }
}

async fn access_token(State(app): State<AppState>, body: String) -> Response {
    let params: BTreeMap<String, String> = serde_urlencoded::from_str(&body).unwrap_or_default();
    let delay = {
        let mut state = lock(&app.provider);
        // Recorded on arrival, so a test can tell that a slow request is in flight.
        state.token_requests.push(params.clone());
        state.token_delay
    };
    if !delay.is_zero() {
        // Without the lock, so that overlapping requests wait together and then race.
        tokio::time::sleep(delay).await;
    }
    let mut state = lock(&app.provider);
    if let Some(failure) = state.token_failure {
        return token_failure(failure);
    }
    let param = |name: &str| params.get(name).map(String::as_str).unwrap_or_default();
    if param("client_id") != FakeWiki::CLIENT_ID
        || param("client_secret") != FakeWiki::CLIENT_SECRET
    {
        return oauth_error("invalid_client", "Client authentication failed");
    }
    match param("grant_type") {
        "authorization_code" => {
            let Some(pending) = state.codes.remove(param("code")) else {
                return oauth_error("invalid_grant", "Unknown or used authorization code");
            };
            if s256(param("code_verifier")) != pending.challenge {
                return oauth_error("invalid_grant", "Failed to verify code_verifier");
            }
            issue_tokens(&mut state, &pending.username)
        }
        "refresh_token" => {
            let Some(grant) = state.refresh_tokens.remove(param("refresh_token")) else {
                // league/oauth2-server's OAuthServerException::invalidRefreshToken.
                return oauth_error("invalid_grant", "The refresh token is invalid.");
            };
            // RefreshTokenGrant revokes the access token issued with the refresh token too, so
            // a tool that goes on using it after refreshing fails here as on the real wiki.
            state.access_tokens.remove(&grant.access_token);
            state.refresh_count += 1;
            issue_tokens(&mut state, &grant.username)
        }
        _ => oauth_error("unsupported_grant_type", "Unsupported grant type"),
    }
}

fn bearer_user(state: &ProviderState, headers: &HeaderMap) -> Result<Option<String>, ()> {
    let Some(value) = headers.get("authorization").and_then(|v| v.to_str().ok()) else {
        return Ok(None);
    };
    let token = value.strip_prefix("Bearer ").ok_or(())?;
    state.access_tokens.get(token).cloned().map(Some).ok_or(())
}

/// The login wiki's (Meta-Wiki's) view of the user: always the [`FakeUser`], whatever
/// [`FakeWiki::set_wiki_user`] says.
async fn profile(State(app): State<AppState>, headers: HeaderMap) -> Response {
    let state = lock(&app.provider);
    let user = match bearer_user(&state, &headers) {
        Ok(Some(username)) => state.users.get(&username).cloned(),
        _ => None,
    };
    let Some(user) = user else {
        return (
            StatusCode::UNAUTHORIZED,
            axum::Json(json!({"error": "invalid_token"})),
        )
            .into_response();
    };
    axum::Json(json!({
        "sub": user.sub,
        "username": user.username,
        "editcount": 1234,
        "confirmed_email": true,
        "blocked": user.blocked,
        "registered": "20200101000000",
        "groups": user.groups,
        "rights": user.rights,
        "grants": ["basic", "editpage", "patrol", "rollback"],
    }))
    .into_response()
}

/// An Action API error answer (`errorformat=plaintext`), for programmed handlers too.
pub fn api_error(code: &str, text: &str) -> Value {
    json!({"errors": [{"code": code, "text": text, "module": "main"}], "docref": "fake"})
}

async fn api(
    State(app): State<AppState>,
    method: Method,
    headers: HeaderMap,
    Query(query): Query<BTreeMap<String, String>>,
    body: String,
) -> axum::Json<Value> {
    let token_in_address = query.contains_key("token");
    let mut params = query;
    if method == Method::POST {
        let form: BTreeMap<String, String> = serde_urlencoded::from_str(&body).unwrap_or_default();
        params.extend(form);
    }
    let bc_errors = params
        .get("errorformat")
        .is_none_or(|format| format == "bc");
    let answer = |value: Value| axum::Json(if bc_errors { to_bc_error(value) } else { value });
    let user = bearer_user(&lock(&app.provider), &headers);
    let Ok(user) = user else {
        return answer(api_error(
            "mwoauth-invalid-authorization",
            "The authorization headers in your request are not valid: Invalid access token",
        ));
    };
    let request = ApiRequest {
        method: method.clone(),
        params,
        user,
        user_agent: headers
            .get("user-agent")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
    };
    let handlers = {
        let mut wiki = lock(&app.wiki);
        wiki.requests.push(request.clone());
        wiki.handlers.clone()
    };
    if request.param("assert") == Some("user") && request.user.is_none() {
        return answer(api_error("assertuserfailed", "You are no longer logged in"));
    }
    if request.has(&[("action", "query"), ("meta", "tokens")]) {
        return answer(tokens(&request));
    }
    if let Some(refusal) = token_refusal(&request, token_in_address) {
        return answer(refusal);
    }
    // Called without a lock held, so handlers may use the fake (e.g. count requests).
    for handler in handlers {
        if let Some(value) = handler(&request) {
            return answer(value);
        }
    }
    if asks_userinfo(&request) {
        return answer(userinfo(&app, &request));
    }
    if request.has(&[("action", "query"), ("list", "users")]) {
        return answer(public_users(&app, &request));
    }
    answer(api_error(
        "fake-unhandled",
        "The fake wiki has no answer for this request",
    ))
}

/// `meta=tokens`: each requested type (`type=csrf|patrol`, default `csrf`) its own token for a
/// logged-in user, `+\\` for everyone else, as MediaWiki gives anonymous users; unknown types
/// are left out with a warning.
fn tokens(request: &ApiRequest) -> Value {
    let mut tokens = serde_json::Map::new();
    let mut unknown = Vec::new();
    for kind in request.param("type").unwrap_or("csrf").split('|') {
        if !TOKEN_TYPES.contains(&kind) {
            unknown.push(kind);
            continue;
        }
        let token = match request.user {
            Some(_) => token_of(kind),
            None => "+\\".to_owned(),
        };
        tokens.insert(format!("{kind}token"), json!(token));
    }
    let mut answer = json!({"batchcomplete": true, "query": {"tokens": tokens}});
    if !unknown.is_empty() {
        answer["warnings"] = json!({"tokens": {"warnings":
            format!("Unrecognized values for parameter \"type\": {}", unknown.join(", "))}});
    }
    answer
}

/// Why a write is refused before it runs, in MediaWiki's order: no token at all
/// (`missingparam`), a token in the query string rather than the POST body (`mustpostparams`,
/// which also refuses every write sent by GET with its token), or the wrong token for the
/// module (`badtoken`, whichever type was expected).
fn token_refusal(request: &ApiRequest, token_in_address: bool) -> Option<Value> {
    let action = request.param("action").unwrap_or("help");
    if READ_MODULES.contains(&action) {
        return None;
    }
    let Some(token) = request.param("token") else {
        return Some(api_error(
            "missingparam",
            "The \"token\" parameter must be set.",
        ));
    };
    if token_in_address || request.method != Method::POST {
        return Some(api_error(
            "mustpostparams",
            "The following parameter was found in the query string, but must be in the POST body: token.",
        ));
    }
    let expected = match request.user {
        Some(_) => token_of(token_type_of(action)),
        None => "+\\".to_owned(),
    };
    (token != expected).then(|| api_error("badtoken", "Invalid CSRF token."))
}

/// An answer in MediaWiki's default error format (`errorformat=bc`): the first of `errors`
/// as one `error` with `code` and `info`. The fake's handlers write `errors`, as the tools ask
/// for `errorformat=plaintext`.
fn to_bc_error(answer: Value) -> Value {
    let Some(first) = answer["errors"].get(0) else {
        return answer;
    };
    json!({"error": {"code": first["code"], "info": first["text"]}})
}

/// `list=users` (with `usprop=gender`) as MediaWiki answers it with `formatversion=2`: the
/// provider's users, and `missing` for names it does not know.
fn public_users(app: &AppState, request: &ApiRequest) -> Value {
    let provider = lock(&app.provider);
    let users: Vec<Value> = request
        .param("ususers")
        .unwrap_or_default()
        .split('|')
        .map(|name| match provider.users.get(name) {
            Some(user) => json!({"userid": user.sub, "name": name, "gender": user.gender}),
            None => json!({"name": name, "missing": true}),
        })
        .collect();
    json!({"batchcomplete": true, "query": {"users": users}})
}

/// `meta=userinfo` as MediaWiki answers it with `formatversion=2`, from this wiki's view of the
/// user: its [`FakeWiki::set_wiki_user`] override, else the provider's [`FakeUser`].
fn userinfo(app: &AppState, request: &ApiRequest) -> Value {
    let props: Vec<&str> = request
        .param("uiprop")
        .unwrap_or_default()
        .split('|')
        .collect();
    let wants = |prop: &str| props.contains(&prop);
    let mut info = serde_json::Map::new();
    match &request.user {
        None => {
            info.insert("id".to_owned(), json!(0));
            info.insert("name".to_owned(), json!("127.0.0.1"));
            info.insert("anon".to_owned(), json!(true));
            if wants("groups") {
                info.insert("groups".to_owned(), json!(["*"]));
            }
            if wants("rights") {
                info.insert("rights".to_owned(), json!(["read"]));
            }
        }
        Some(name) => {
            // One lock at a time, as everywhere in the fake, so there is no lock order to keep.
            let (index, overridden) = {
                let wiki = lock(&app.wiki);
                (wiki.index, wiki.users.get(name).cloned())
            };
            let user = overridden.unwrap_or_else(|| {
                let provider = lock(&app.provider);
                match provider.users.get(name) {
                    Some(user) => WikiUser::from(user),
                    None => WikiUser::from(&FakeUser::new(name)),
                }
            });
            info.insert("id".to_owned(), json!(local_id(name, index)));
            info.insert("name".to_owned(), json!(name));
            if wants("groups") {
                info.insert("groups".to_owned(), json!(user.groups));
            }
            if wants("rights") {
                info.insert("rights".to_owned(), json!(user.rights));
            }
            if let (true, Some(reason)) = (wants("blockinfo"), &user.block_reason) {
                info.insert("blockid".to_owned(), json!(1));
                info.insert("blockedby".to_owned(), json!("Blocker"));
                info.insert("blockedbyid".to_owned(), json!(2));
                info.insert("blockreason".to_owned(), json!(reason));
                info.insert("blockexpiry".to_owned(), json!("infinite"));
                info.insert("blockpartial".to_owned(), json!(false));
            }
        }
    }
    json!({"batchcomplete": true, "query": {"userinfo": info}})
}
