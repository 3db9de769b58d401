//! Logging users in with MediaWiki OAuth 2, once for every tool that edits.
//!
//! Routes (added by [`crate::Platform::router`] when the tool asked for login):
//! `GET /login?return_to=/path`, `GET /oauth/callback`, `POST /logout`.
//! Extractors: [`User`] (login required) and [`MaybeUser`].
//!
//! Tokens and identity live in the encrypted session cookie. Only the rights a tool asked for
//! are kept (a sysop's full rights list alone would overflow the 4 KB cookie).
//!
//! A tool that acts for a user later, without the browser (a background run), asks for a
//! separate [`Grant`] through [`Grants`]: a second authorization with its own tokens, handed to
//! the tool's grant handler and never put in the session. Refreshing one chain of tokens
//! revokes its predecessors at the wiki, so the browser session and the background process must
//! not share one.

use std::future::Future;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::extract::{FromRequestParts, Query};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use futures_util::future::BoxFuture;
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq;

use crate::mediawiki::{ClientOptions, MediaWiki, MediaWikiError};
use crate::oauth::{OAuthProvider, Profile, Tokens};
use crate::pages::ErrorPage;
use crate::session::Session;
use crate::user_agent::UserAgent;

const LOGIN_KEY: &str = "login";
const PENDING_KEY: &str = "oauth_pending";
/// Refresh this long before the access token expires, so it does not expire mid-request.
const EXPIRY_MARGIN_SECONDS: i64 = 60;
/// MediaWiki access tokens live an hour; assume that if the provider does not say.
const DEFAULT_ACCESS_TOKEN_SECONDS: u64 = 3600;

pub const LOGIN_PATH: &str = "/login";
pub const CALLBACK_PATH: &str = "/oauth/callback";
pub const LOGOUT_PATH: &str = "/logout";

/// Login as a tool configured it: the provider (if OAuth is configured) and the rights it needs.
pub struct Login {
    provider: Option<OAuthProvider>,
    kept_rights: Vec<String>,
    user_agent: UserAgent,
    grant_handler: Option<GrantHandler>,
}

impl std::fmt::Debug for Login {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Login")
            .field("provider", &self.provider)
            .field("kept_rights", &self.kept_rights)
            .field("grants", &self.grant_handler.is_some())
            .finish_non_exhaustive()
    }
}

/// What a tool does with a [`Grant`] the user just gave; its response goes to the browser.
pub type GrantHandler = Arc<dyn Fn(Grant) -> BoxFuture<'static, Response> + Send + Sync>;

/// A separate authorization the user gave for one purpose (see the module documentation).
pub struct Grant {
    /// What the tool asked it for, as given to [`Grants::request`].
    pub purpose: String,
    /// Who authorized, from a profile read just now (so groups and blocks are current).
    pub identity: Identity,
    pub access_token: SecretString,
    pub refresh_token: Option<SecretString>,
    /// When the access token expires, Unix seconds.
    pub expires_at: i64,
}

impl std::fmt::Debug for Grant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Grant")
            .field("purpose", &self.purpose)
            .field("identity", &self.identity)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

impl Login {
    pub fn new(
        provider: Option<OAuthProvider>,
        kept_rights: &[&str],
        user_agent: UserAgent,
    ) -> Self {
        Self {
            provider,
            kept_rights: kept_rights.iter().map(|&r| r.to_owned()).collect(),
            user_agent,
            grant_handler: None,
        }
    }

    /// The same login, with `handler` receiving the grants the tool requests.
    pub(crate) fn with_grant_handler(&self, handler: GrantHandler) -> Self {
        Self {
            provider: self.provider.clone(),
            kept_rights: self.kept_rights.clone(),
            user_agent: self.user_agent.clone(),
            grant_handler: Some(handler),
        }
    }

    pub fn is_configured(&self) -> bool {
        self.provider.is_some()
    }
}

/// What the session holds for a logged-in user.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct StoredLogin {
    identity: Identity,
    access_token: String,
    refresh_token: Option<String>,
    /// Unix seconds.
    expires_at: i64,
}

/// Who is logged in, as the provider's profile said at login (or at the last refresh).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    /// Central user id.
    pub sub: String,
    pub username: String,
    pub groups: Vec<String>,
    /// Only the rights the tool asked to keep.
    pub rights: Vec<String>,
    pub blocked: bool,
}

impl Identity {
    pub fn has_right(&self, right: &str) -> bool {
        self.rights.iter().any(|r| r == right)
    }

    pub fn in_group(&self, group: &str) -> bool {
        self.groups.iter().any(|g| g == group)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct PendingLogin {
    state: String,
    pkce_verifier: String,
    return_to: String,
    /// Set when this is a grant request rather than a login: the grant's purpose.
    #[serde(default)]
    grant: Option<String>,
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

fn expires_at(tokens: &Tokens) -> i64 {
    let seconds = tokens
        .expires_in_seconds
        .unwrap_or(DEFAULT_ACCESS_TOKEN_SECONDS);
    now().saturating_add(i64::try_from(seconds).unwrap_or(i64::MAX))
}

/// Accepts only a path inside this tool: `/…` but not `//host` or `/\host` (which browsers treat
/// as another site), no scheme, no control characters. Anything else means the start page.
pub fn safe_return_path(candidate: Option<&str>) -> String {
    match candidate {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.starts_with("/\\")
                && !path.chars().any(|c| c.is_control()) =>
        {
            path.to_owned()
        }
        _ => "/".to_owned(),
    }
}

pub(crate) fn routes(login: Arc<Login>) -> Router {
    Router::new()
        .route(LOGIN_PATH, get(start_login))
        .route(CALLBACK_PATH, get(callback))
        .route(LOGOUT_PATH, post(logout))
        .with_state(login)
}

fn not_configured() -> ErrorPage {
    ErrorPage::service_unavailable(
        "Login is not configured on this installation of the tool (no OAuth consumer is set up), \
         so only the pages that need no login work here.",
    )
}

#[derive(Debug, Deserialize)]
struct LoginQuery {
    return_to: Option<String>,
}

async fn start_login(
    axum::extract::State(login): axum::extract::State<Arc<Login>>,
    session: Session,
    Query(query): Query<LoginQuery>,
) -> Result<Response, ErrorPage> {
    let provider = login.provider.as_ref().ok_or_else(not_configured)?;
    let request = provider.authorization_request();
    session.insert(
        PENDING_KEY,
        &PendingLogin {
            state: request.state,
            pkce_verifier: request.pkce_verifier,
            return_to: safe_return_path(query.return_to.as_deref()),
            grant: None,
        },
    );
    Ok(Redirect::to(&request.url).into_response())
}

#[derive(Debug, Deserialize)]
struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
    message: Option<String>,
}

async fn callback(
    axum::extract::State(login): axum::extract::State<Arc<Login>>,
    session: Session,
    Query(query): Query<CallbackQuery>,
) -> Result<Response, ErrorPage> {
    let provider = login.provider.as_ref().ok_or_else(not_configured)?;
    // One use only, whatever happens next.
    let pending: Option<PendingLogin> = session.get(PENDING_KEY);
    session.remove(PENDING_KEY);

    if let Some(error) = &query.error {
        let detail = query
            .error_description
            .as_deref()
            .or(query.message.as_deref())
            .unwrap_or("no details given");
        return Err(ErrorPage::bad_request(format!(
            "The wiki did not authorize the login ({error}: {detail}). Nothing was stored; you can try again."
        )));
    }
    let Some(pending) = pending else {
        return Err(ErrorPage::bad_request(
            "This login was not started here, or was already used. Please start again from “Log in”.",
        ));
    };
    let state_matches = query
        .state
        .as_deref()
        .is_some_and(|state| bool::from(state.as_bytes().ct_eq(pending.state.as_bytes())));
    if !state_matches {
        return Err(ErrorPage::bad_request(
            "The login answer does not belong to the login started in this browser (state mismatch). \
             Nothing was stored; please log in again.",
        ));
    }
    let Some(code) = query.code.as_deref().filter(|c| !c.is_empty()) else {
        return Err(ErrorPage::bad_request(
            "The wiki's answer has no authorization code. Nothing was stored; please log in again.",
        ));
    };

    let tokens = provider
        .exchange_code(code, &pending.pkce_verifier)
        .await
        .map_err(|error| {
            tracing::warn!(%error, "OAuth code exchange failed");
            ErrorPage::bad_gateway(
                "The wiki did not confirm the login. Nothing was stored; please try again.",
            )
        })?;
    let profile = provider
        .profile(&tokens.access_token)
        .await
        .map_err(|error| {
            tracing::warn!(%error, "OAuth profile request failed");
            ErrorPage::bad_gateway(
                "The wiki did not say who you are. Nothing was stored; please try again.",
            )
        })?;
    if let Some(purpose) = pending.grant {
        return granted(&login, &session, purpose, profile, tokens).await;
    }
    let stored = StoredLogin {
        identity: identity(profile, &login.kept_rights),
        expires_at: expires_at(&tokens),
        access_token: tokens.access_token,
        refresh_token: tokens.refresh_token,
    };
    tracing::info!(user = %stored.identity.username, "logged in");
    session.insert(LOGIN_KEY, &stored);
    // A token an attacker may have seen before login is worthless after it.
    session.rotate_csrf_token();
    Ok(Redirect::to(&pending.return_to).into_response())
}

/// The end of a grant request: the same account as the session's login must have authorized.
async fn granted(
    login: &Login,
    session: &Session,
    purpose: String,
    profile: Profile,
    tokens: Tokens,
) -> Result<Response, ErrorPage> {
    let Some(handler) = &login.grant_handler else {
        return Err(ErrorPage::bad_request(
            "This tool does not ask for separate authorizations. Nothing was stored.",
        ));
    };
    let logged_in: Option<StoredLogin> = session.get(LOGIN_KEY);
    let Some(logged_in) = logged_in else {
        return Err(ErrorPage::bad_request(
            "You are no longer logged in here, so the authorization was not used. Nothing was stored; please log in and try again.",
        ));
    };
    if logged_in.identity.sub != profile.sub {
        return Err(ErrorPage::bad_request(format!(
            "You authorized as {}, but {} is logged in here. Nothing was stored; please authorize with the account you are logged in with.",
            profile.username, logged_in.identity.username
        )));
    }
    let grant = Grant {
        purpose,
        identity: identity(profile, &login.kept_rights),
        expires_at: expires_at(&tokens),
        access_token: SecretString::from(tokens.access_token),
        refresh_token: tokens.refresh_token.map(SecretString::from),
    };
    tracing::info!(user = %grant.identity.username, purpose = %grant.purpose, "separate authorization granted");
    Ok(handler(grant).await)
}

/// Requests [`Grant`]s: an extractor for handlers of tools that registered a grant handler
/// with [`crate::Platform::with_grants`].
#[derive(Debug, Clone)]
pub struct Grants {
    login: Arc<Login>,
    session: Session,
}

impl Grants {
    /// Sends the browser to the wiki to authorize `purpose` separately; the wiki sends it back
    /// to the callback, which hands the [`Grant`] to the tool's handler.
    pub fn request(&self, purpose: &str) -> Result<Response, ErrorPage> {
        let provider = self.login.provider.as_ref().ok_or_else(not_configured)?;
        if self.login.grant_handler.is_none() {
            return Err(ErrorPage::internal(
                "grants requested but no grant handler registered",
            ));
        }
        let request = provider.authorization_request();
        self.session.insert(
            PENDING_KEY,
            &PendingLogin {
                state: request.state,
                pkce_verifier: request.pkce_verifier,
                return_to: "/".to_owned(),
                grant: Some(purpose.to_owned()),
            },
        );
        Ok(Redirect::to(&request.url).into_response())
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Grants {
    type Rejection = ErrorPage;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let login = parts
            .extensions
            .get::<Arc<Login>>()
            .cloned()
            .ok_or_else(not_configured)?;
        let session = parts
            .extensions
            .get::<Session>()
            .cloned()
            .ok_or_else(|| ErrorPage::internal("no session layer"))?;
        Ok(Self { login, session })
    }
}

/// Wraps a grant handler written as an async function.
pub(crate) fn grant_handler<F, Fut>(handler: F) -> GrantHandler
where
    F: Fn(Grant) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Response> + Send + 'static,
{
    Arc::new(move |grant| Box::pin(handler(grant)))
}

fn identity(profile: Profile, kept_rights: &[String]) -> Identity {
    Identity {
        sub: profile.sub,
        username: profile.username,
        groups: profile.groups,
        rights: profile
            .rights
            .into_iter()
            .filter(|right| kept_rights.contains(right))
            .collect(),
        blocked: profile.blocked,
    }
}

async fn logout(session: Session) -> Redirect {
    session.clear();
    Redirect::to("/")
}

/// The logged-in user, with fresh tokens. Pages that need login take this; without a login it
/// redirects to `/login` (GET) or refuses with 401 (other methods, so no form is silently lost).
#[derive(Debug, Clone)]
pub struct User {
    pub identity: Identity,
    access_token: String,
    user_agent: UserAgent,
}

impl User {
    /// An Action API client acting as this user. A new client per request: `mwapi` keeps a
    /// cookie store per client, which must never be shared between users.
    pub async fn mediawiki(
        &self,
        api_url: &str,
        options: ClientOptions,
    ) -> Result<MediaWiki, MediaWikiError> {
        MediaWiki::authenticated(api_url, &self.user_agent, &self.access_token, options).await
    }
}

/// The user if logged in (tokens refreshed if needed), else `None`. A failed refresh logs out.
#[derive(Debug, Clone)]
pub struct MaybeUser(pub Option<User>);

/// Why there is no usable login.
enum NoLogin {
    NotLoggedIn,
    /// The refresh token was refused: the session was cleared.
    Expired,
}

async fn current_user(parts: &Parts) -> Result<User, NoLogin> {
    let login = parts
        .extensions
        .get::<Arc<Login>>()
        .ok_or(NoLogin::NotLoggedIn)?;
    let session = parts
        .extensions
        .get::<Session>()
        .ok_or(NoLogin::NotLoggedIn)?;
    let mut stored: StoredLogin = session.get(LOGIN_KEY).ok_or(NoLogin::NotLoggedIn)?;

    if stored.expires_at - EXPIRY_MARGIN_SECONDS <= now() {
        let refreshed = match (&login.provider, &stored.refresh_token) {
            (Some(provider), Some(refresh_token)) => provider.refresh(refresh_token).await,
            _ => Err(crate::oauth::OAuthError::TokenRequest(
                "no refresh token".to_owned(),
            )),
        };
        match refreshed {
            Ok(tokens) => {
                stored.expires_at = expires_at(&tokens);
                stored.access_token = tokens.access_token;
                // Providers may rotate the refresh token; keep the old one if they did not.
                if tokens.refresh_token.is_some() {
                    stored.refresh_token = tokens.refresh_token;
                }
                session.insert(LOGIN_KEY, &stored);
            }
            Err(error) => {
                tracing::info!(user = %stored.identity.username, %error, "token refresh failed; logging out");
                session.remove(LOGIN_KEY);
                return Err(NoLogin::Expired);
            }
        }
    }
    Ok(User {
        identity: stored.identity,
        access_token: stored.access_token,
        user_agent: login.user_agent.clone(),
    })
}

/// The username of the session's login, without refreshing anything (for the page layout).
pub(crate) fn logged_in_username(session: &Session) -> Option<String> {
    session
        .get::<StoredLogin>(LOGIN_KEY)
        .map(|stored| stored.identity.username)
}

fn login_url(return_to: &str) -> String {
    format!(
        "{LOGIN_PATH}?{}",
        serde_urlencoded::to_string([("return_to", return_to)]).unwrap_or_default()
    )
}

impl<S: Send + Sync> FromRequestParts<S> for User {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let return_to = parts
            .uri
            .path_and_query()
            .map_or("/", |path| path.as_str())
            .to_owned();
        match current_user(parts).await {
            Ok(user) => Ok(user),
            Err(NoLogin::NotLoggedIn) if parts.method == axum::http::Method::GET => {
                Err(Redirect::to(&login_url(&return_to)).into_response())
            }
            Err(NoLogin::NotLoggedIn) => Err(ErrorPage::new(
                StatusCode::UNAUTHORIZED,
                "Please log in",
                "You need to be logged in for this. Nothing was changed.",
            )
            .with_link(login_url(&return_to), "Log in")
            .into_response()),
            Err(NoLogin::Expired) => Err(ErrorPage::new(
                StatusCode::UNAUTHORIZED,
                "Logged out",
                "Your login with the wiki expired and could not be renewed, so you have been logged out. \
                 Nothing was changed. Please log in again.",
            )
            .with_link(login_url(&return_to), "Log in again")
            .into_response()),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for MaybeUser {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(current_user(parts).await.ok()))
    }
}
