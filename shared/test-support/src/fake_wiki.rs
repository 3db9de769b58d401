//! A fake MediaWiki on a local port: the OAuth 2 provider (authorize, token exchange that checks
//! the PKCE verifier and the client secret, refresh, profile) and an Action API whose answers the
//! test programs. Every request it gets is recorded, so tests can assert what the tool sent.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// The token the fake hands out for every token type, and expects back on every POST.
pub const TOKEN: &str = "fake-token+\\";

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
        }
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

#[derive(Default)]
struct FakeState {
    users: HashMap<String, FakeUser>,
    next_login: Option<String>,
    deny_next: Option<String>,
    codes: HashMap<String, PendingCode>,
    /// access token → username
    access_tokens: HashMap<String, String>,
    /// refresh token → username
    refresh_tokens: HashMap<String, String>,
    counter: u64,
    /// `expires_in` of new access tokens; `None` means MediaWiki's hour.
    token_lifetime: Option<u64>,
    handlers: Vec<ApiHandler>,
    requests: Vec<ApiRequest>,
    token_requests: Vec<BTreeMap<String, String>>,
}

/// The running fake. Dropping it leaves the server running until the test's runtime ends.
#[derive(Clone)]
pub struct FakeWiki {
    base_url: String,
    state: Arc<Mutex<FakeState>>,
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
        let state = Arc::new(Mutex::new(FakeState::default()));
        let app = Router::new()
            .route("/w/rest.php/oauth2/authorize", get(authorize))
            .route(
                "/w/rest.php/oauth2/access_token",
                axum::routing::post(access_token),
            )
            .route("/w/rest.php/oauth2/resource/profile", get(profile))
            .route("/w/api.php", get(api).post(api))
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("fake wiki binds");
        let address = listener.local_addr().expect("fake wiki address");
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self {
            base_url: format!("http://{address}"),
            state,
        }
    }

    fn state(&self) -> MutexGuard<'_, FakeState> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
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

    /// Adds a user; the next authorization is granted as the last user added.
    pub fn add_user(&self, user: FakeUser) {
        let mut state = self.state();
        state.next_login = Some(user.username.clone());
        state.users.insert(user.username.clone(), user);
    }

    /// The next authorization request is answered with `error=<error>` instead of a code.
    pub fn deny_next_authorization(&self, error: &str) {
        self.state().deny_next = Some(error.to_owned());
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
        self.state().access_tokens.clear();
    }

    /// Access tokens issued from now on say they expire after `seconds` (0: at once, so the
    /// tool must refresh on its next request).
    pub fn set_token_lifetime(&self, seconds: u64) {
        self.state().token_lifetime = Some(seconds);
    }

    /// Makes every refresh token invalid (as when the user revokes the grant).
    pub fn revoke_refresh_tokens(&self) {
        self.state().refresh_tokens.clear();
    }

    /// Programs the Action API: the first handler that returns `Some` answers a request.
    /// `meta=tokens` is answered by the fake itself.
    pub fn on_api(&self, handler: impl Fn(&ApiRequest) -> Option<Value> + Send + Sync + 'static) {
        self.state().handlers.push(Arc::new(handler));
    }

    /// Every Action API request received so far (token requests included).
    pub fn api_requests(&self) -> Vec<ApiRequest> {
        self.state().requests.clone()
    }

    /// The Action API requests received so far that carry all these parameters.
    pub fn requests_with(&self, pairs: &[(&str, &str)]) -> Vec<ApiRequest> {
        self.state()
            .requests
            .iter()
            .filter(|r| r.has(pairs))
            .cloned()
            .collect()
    }

    /// Parameters of every token-endpoint request (grant type, code, verifier…).
    pub fn token_requests(&self) -> Vec<BTreeMap<String, String>> {
        self.state().token_requests.clone()
    }
}

fn s256(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

async fn authorize(
    State(state): State<Arc<Mutex<FakeState>>>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let mut state = state.lock().unwrap_or_else(|p| p.into_inner());
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
    let callback = |query: &[(&str, &str)]| {
        Redirect::to(&format!(
            "{CALLBACK_URL}?{}",
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

fn issue_tokens(state: &mut FakeState, username: &str) -> Response {
    state.counter += 1;
    // As long as Wikimedia's (a signed JWT, an encrypted refresh token), so that tests of
    // cookie size see realistic sessions.
    let access = format!("access-{}-{}", state.counter, "j".repeat(1100));
    let refresh = format!("refresh-{}-{}", state.counter, "r".repeat(720));
    state
        .access_tokens
        .insert(access.clone(), username.to_owned());
    state
        .refresh_tokens
        .insert(refresh.clone(), username.to_owned());
    axum::Json(json!({
        "token_type": "Bearer",
        "expires_in": state.token_lifetime.unwrap_or(3600),
        "access_token": access,
        "refresh_token": refresh,
    }))
    .into_response()
}

async fn access_token(State(state): State<Arc<Mutex<FakeState>>>, body: String) -> Response {
    let params: BTreeMap<String, String> = serde_urlencoded::from_str(&body).unwrap_or_default();
    let mut state = state.lock().unwrap_or_else(|p| p.into_inner());
    state.token_requests.push(params.clone());
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
            let Some(username) = state.refresh_tokens.remove(param("refresh_token")) else {
                return oauth_error("invalid_request", "The refresh token is invalid.");
            };
            issue_tokens(&mut state, &username)
        }
        _ => oauth_error("unsupported_grant_type", "Unsupported grant type"),
    }
}

fn bearer_user(state: &FakeState, headers: &HeaderMap) -> Result<Option<String>, ()> {
    let Some(value) = headers.get("authorization").and_then(|v| v.to_str().ok()) else {
        return Ok(None);
    };
    let token = value.strip_prefix("Bearer ").ok_or(())?;
    state.access_tokens.get(token).cloned().map(Some).ok_or(())
}

async fn profile(State(state): State<Arc<Mutex<FakeState>>>, headers: HeaderMap) -> Response {
    let state = state.lock().unwrap_or_else(|p| p.into_inner());
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
    State(state): State<Arc<Mutex<FakeState>>>,
    method: Method,
    headers: HeaderMap,
    Query(query): Query<BTreeMap<String, String>>,
    body: String,
) -> axum::Json<Value> {
    let mut params = query;
    if method == Method::POST {
        let form: BTreeMap<String, String> = serde_urlencoded::from_str(&body).unwrap_or_default();
        params.extend(form);
    }
    let (request, handlers) = {
        let mut state = state.lock().unwrap_or_else(|p| p.into_inner());
        let user = match bearer_user(&state, &headers) {
            Ok(user) => user,
            Err(()) => {
                return axum::Json(api_error(
                    "mwoauth-invalid-authorization",
                    "The authorization headers in your request are not valid: Invalid access token",
                ));
            }
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
        state.requests.push(request.clone());
        (request, state.handlers.clone())
    };
    if request.param("assert") == Some("user") && request.user.is_none() {
        return axum::Json(api_error("assertuserfailed", "You are no longer logged in"));
    }
    if request.has(&[("action", "query"), ("meta", "tokens")]) {
        let kind = request.param("type").unwrap_or("csrf");
        return axum::Json(
            json!({"batchcomplete": true, "query": {"tokens": {format!("{kind}token"): TOKEN}}}),
        );
    }
    if method == Method::POST && request.param("token") != Some(TOKEN) {
        return axum::Json(api_error("badtoken", "Invalid CSRF token."));
    }
    for handler in handlers {
        if let Some(answer) = handler(&request) {
            return axum::Json(answer);
        }
    }
    axum::Json(api_error(
        "fake-unhandled",
        "The fake wiki has no answer for this request",
    ))
}
