//! Logging users in with MediaWiki OAuth 2, once for every tool that edits.
//!
//! Routes (added by [`crate::Platform::router`] when the tool asked for login):
//! `GET /login?return_to=/path`, `GET /oauth/callback`, `POST /logout`.
//! Extractors: [`User`] (login required) and [`MaybeUser`].
//!
//! Tokens and identity (central id and name) live in the encrypted session cookie. Rights,
//! groups and blocks come from the wiki where the tool acts ([`User::rights_on`], cached in
//! the session, only those the tool checks: a sysop's full lists would overflow the 4 KiB
//! cookie). Expiring tokens are renewed through the process's [`Refresher`], once per rotation
//! however many requests need it; a wiki that cannot be reached never logs anyone out.
//!
//! A tool that acts for a user later, without the browser (a background run), asks for a
//! separate [`Grant`] through [`Grants`]: a second authorization with its own tokens, handed to
//! the tool's grant handler and never put in the session. Refreshing one chain of tokens
//! revokes its predecessors at the wiki, so the browser session and the background process must
//! not share one.

pub mod oauth;
pub mod refresh;

use std::future::Future;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::extract::{FromRequestParts, Query, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use futures_util::future::BoxFuture;
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq;

use crate::error::ErrorPage;
use crate::i18n::{Gender, Text};
use crate::login::oauth::{OAuthProvider, Profile, Tokens};
use crate::login::refresh::{RefreshOutcome, Refresher};
use crate::security::csrf::CsrfToken;
use crate::security::redirect::safe_return_path;
use crate::security::session::Session;
use wikimedia::mediawiki::{ClientOptions, MediaWiki, MediaWikiError};
use wikimedia::rights::{self, WikiRights};
use wikimedia::user_agent::UserAgent;

const LOGIN_KEY: &str = "login";
const PENDING_KEY: &str = "oauth_pending";
const RIGHTS_KEY: &str = "rights";
/// At most this many wikis' rights are cached in the session (the cookie must stay small).
const MAX_CACHED_WIKIS: usize = 3;
/// Refresh this long before the access token expires, so it does not expire mid-request, and
/// so that a refresh refused because another replica just rotated the tokens is recognisable
/// (the access token we hold has not expired yet).
const EXPIRY_MARGIN_SECONDS: i64 = 300;
/// MediaWiki access tokens live an hour; assume that if the provider does not say.
const DEFAULT_ACCESS_TOKEN_SECONDS: u64 = 3600;

pub const LOGIN_PATH: &str = "/login";
pub const CALLBACK_PATH: &str = "/oauth/callback";
pub const LOGOUT_PATH: &str = "/logout";

/// Login as a tool configured it: the provider (if OAuth is configured), the rights and groups
/// it checks, and the process's refreshes.
pub struct Login {
    provider: Option<OAuthProvider>,
    kept_rights: Vec<String>,
    kept_groups: Vec<String>,
    user_agent: UserAgent,
    grant_handler: Option<GrantHandler>,
    refresher: Arc<Refresher>,
}

impl std::fmt::Debug for Login {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Login")
            .field("provider", &self.provider)
            .field("kept_rights", &self.kept_rights)
            .field("kept_groups", &self.kept_groups)
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
    /// The gender `username` set on the login wiki (public: `list=users&usprop=gender`), asked
    /// once at login so messages can address the user right; the neutral form when the wiki
    /// does not answer (a login never fails for it).
    async fn gender_on_login_wiki(&self, username: &str) -> Gender {
        let Some(provider) = &self.provider else {
            return Gender::Unknown;
        };
        let answer = async {
            let wiki = MediaWiki::anonymous(
                provider.api_url(),
                &self.user_agent,
                ClientOptions::default(),
            )
            .await?;
            wiki.get::<UsersAnswer>(&[
                ("action", "query"),
                ("list", "users"),
                ("ususers", username),
                ("usprop", "gender"),
            ])
            .await
        };
        match answer.await {
            Ok(answer) => answer
                .query
                .users
                .first()
                .map_or(Gender::Unknown, |user| Gender::from_api(&user.gender)),
            Err(error) => {
                tracing::warn!(%error, "the login wiki did not say the user's gender");
                Gender::Unknown
            }
        }
    }

    /// `kept_rights` and `kept_groups`: what the tool checks with [`User::rights_on`].
    pub fn new(
        provider: Option<OAuthProvider>,
        kept_rights: &[&str],
        kept_groups: &[&str],
        user_agent: UserAgent,
    ) -> Self {
        Self {
            provider,
            kept_rights: kept_rights.iter().map(|&r| r.to_owned()).collect(),
            kept_groups: kept_groups.iter().map(|&g| g.to_owned()).collect(),
            user_agent,
            grant_handler: None,
            refresher: Arc::new(Refresher::default()),
        }
    }

    /// The same login, with `handler` receiving the grants the tool requests.
    pub(crate) fn with_grant_handler(&self, handler: GrantHandler) -> Self {
        Self {
            provider: self.provider.clone(),
            kept_rights: self.kept_rights.clone(),
            kept_groups: self.kept_groups.clone(),
            user_agent: self.user_agent.clone(),
            grant_handler: Some(handler),
            refresher: self.refresher.clone(),
        }
    }

    pub fn is_configured(&self) -> bool {
        self.provider.is_some()
    }
}

/// What the session holds for a logged-in user. Short field names: it travels in every cookie.
#[derive(Clone, Serialize, Deserialize)]
struct StoredLogin {
    #[serde(rename = "id")]
    identity: Identity,
    #[serde(rename = "at")]
    access_token: String,
    #[serde(rename = "rt")]
    refresh_token: Option<String>,
    /// Unix seconds.
    #[serde(rename = "exp")]
    expires_at: i64,
}

impl std::fmt::Debug for StoredLogin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredLogin")
            .field("identity", &self.identity)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// Who is logged in: the central account the provider's profile named. What the account may do
/// on a wiki is not here (the profile describes the login wiki): see [`User::rights_on`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    /// Central user id.
    pub sub: String,
    #[serde(rename = "name")]
    pub username: String,
    /// The grammatical gender the user set on the login wiki, for `{{GENDER:}}` in messages.
    #[serde(rename = "g", default, skip_serializing_if = "Gender::is_unknown")]
    pub gender: Gender,
}

/// A wiki's answer about the user, and when it was read (Unix seconds).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct CachedRights {
    at: i64,
    #[serde(flatten)]
    rights: WikiRights,
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

pub(crate) fn routes(login: Arc<Login>) -> Router {
    Router::new()
        .route(LOGIN_PATH, get(start_login))
        .route(CALLBACK_PATH, get(callback))
        .route(LOGOUT_PATH, post(logout))
        .with_state(login)
}

fn not_configured() -> ErrorPage {
    ErrorPage::service_unavailable(Text::new("platform-login-not-configured"))
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
        return Err(ErrorPage::bad_request(
            Text::new("platform-login-refused").arg(error).arg(detail),
        ));
    }
    let Some(pending) = pending else {
        return Err(ErrorPage::bad_request(Text::new("platform-login-unknown")));
    };
    let state_matches = query
        .state
        .as_deref()
        .is_some_and(|state| bool::from(state.as_bytes().ct_eq(pending.state.as_bytes())));
    if !state_matches {
        return Err(ErrorPage::bad_request(Text::new(
            "platform-login-state-mismatch",
        )));
    }
    let Some(code) = query.code.as_deref().filter(|c| !c.is_empty()) else {
        return Err(ErrorPage::bad_request(Text::new("platform-login-no-code")));
    };

    let tokens = provider
        .exchange_code(code, &pending.pkce_verifier)
        .await
        .map_err(|error| {
            tracing::warn!(%error, "OAuth code exchange failed");
            ErrorPage::bad_gateway(Text::new("platform-login-not-confirmed"))
        })?;
    let profile = provider
        .profile(&tokens.access_token)
        .await
        .map_err(|error| {
            tracing::warn!(%error, "OAuth profile request failed");
            ErrorPage::bad_gateway(Text::new("platform-login-no-profile"))
        })?;
    if let Some(purpose) = pending.grant {
        return granted(&login, &session, purpose, profile, tokens).await;
    }
    let gender = login.gender_on_login_wiki(&profile.username).await;
    let stored = StoredLogin {
        identity: identity(profile, gender),
        expires_at: expires_at(&tokens),
        access_token: tokens.access_token,
        refresh_token: tokens.refresh_token,
    };
    tracing::info!(user = %stored.identity.username, "logged in");
    session.insert(LOGIN_KEY, &stored);
    // Rights read for another account in this browser are not this account's.
    session.remove(RIGHTS_KEY);
    // A token an attacker may have seen before login is worthless after it.
    CsrfToken::rotate(&session);
    session.restart_lifetime();
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
        return Err(ErrorPage::bad_request(Text::new(
            "platform-grant-unexpected",
        )));
    };
    let logged_in: Option<StoredLogin> = session.get(LOGIN_KEY);
    let Some(logged_in) = logged_in else {
        return Err(ErrorPage::bad_request(Text::new(
            "platform-grant-logged-out",
        )));
    };
    if logged_in.identity.sub != profile.sub {
        return Err(ErrorPage::bad_request(
            Text::new("platform-grant-other-account")
                .user(&profile.username, Gender::Unknown)
                .user(&logged_in.identity.username, Gender::Unknown),
        ));
    }
    let grant = Grant {
        purpose,
        identity: identity(profile, logged_in.identity.gender),
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

fn identity(profile: Profile, gender: Gender) -> Identity {
    Identity {
        sub: profile.sub,
        username: profile.username,
        gender,
    }
}

#[derive(Deserialize)]
struct UsersAnswer {
    query: UsersQuery,
}

#[derive(Deserialize)]
struct UsersQuery {
    users: Vec<PublicUser>,
}

#[derive(Deserialize)]
struct PublicUser {
    #[serde(default)]
    gender: String,
}

/// Logs out: the session is cleared, and its tokens are spent. MediaWiki's OAuth 2 provider
/// has no revocation endpoint (the OAuth extension's REST routes are `authorize`,
/// `access_token`, `resource` and client management), but a refresh revokes the refresh token
/// it used and the access token issued with it. So the logout refreshes once and throws the new
/// tokens away: a copy of the cookie from before the logout can no longer act on any wiki.
async fn logout(State(login): State<Arc<Login>>, session: Session) -> Redirect {
    let stored: Option<StoredLogin> = session.get(LOGIN_KEY);
    session.clear();
    let spent = stored.and_then(|stored| Some((stored.identity.username, stored.refresh_token?)));
    if let (Some((username, refresh_token)), Some(provider)) = (spent, login.provider.clone()) {
        // In a task of its own: the browser need not wait for the wiki, and a request that
        // goes away does not stop the revocation.
        tokio::spawn(async move {
            match provider.refresh(&refresh_token).await {
                Ok(_) => tracing::info!(user = %username, "logged out; tokens revoked"),
                // Already refused (revoked at the wiki, expired): nothing left to revoke.
                Err(error) => {
                    tracing::info!(user = %username, %error, "logged out; tokens not renewable")
                }
            }
        });
    }
    Redirect::to("/")
}

/// The logged-in user, with fresh tokens. Pages that need login take this; without a login it
/// redirects to `/login` (GET) or refuses with 401 (other methods, so no form is silently lost).
#[derive(Clone)]
pub struct User {
    pub identity: Identity,
    access_token: String,
    login: Arc<Login>,
    session: Session,
}

impl std::fmt::Debug for User {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("User")
            .field("identity", &self.identity)
            .finish_non_exhaustive()
    }
}

impl User {
    /// An Action API client acting as this user. A new client per request: `mwapi` keeps a
    /// cookie store per client, which must never be shared between users.
    pub async fn mediawiki(
        &self,
        api_url: &str,
        options: ClientOptions,
    ) -> Result<MediaWiki, MediaWikiError> {
        MediaWiki::authenticated(api_url, &self.login.user_agent, &self.access_token, options).await
    }

    /// The user's rights, groups and block on the wiki at `api_url` (only those the tool named
    /// in `Platform::with_login`), from the session if read in the last
    /// [`rights::CACHE_SECONDS`], else from the wiki.
    pub async fn rights_on(&self, api_url: &str) -> Result<WikiRights, MediaWikiError> {
        let now = now();
        let wiki_key = wiki_key(api_url);
        let mut cache: Vec<(String, CachedRights)> =
            self.session.get(RIGHTS_KEY).unwrap_or_default();
        cache.retain(|(_, cached)| now - cached.at < rights::CACHE_SECONDS && cached.at <= now);
        if let Some((_, cached)) = cache.iter().find(|(key, _)| *key == wiki_key) {
            return Ok(cached.rights.clone());
        }
        let wiki = self.mediawiki(api_url, ClientOptions::default()).await?;
        let rights = WikiRights::fetch(&wiki)
            .await?
            .keep_only(&self.login.kept_rights, &self.login.kept_groups);
        cache.push((
            wiki_key,
            CachedRights {
                at: now,
                rights: rights.clone(),
            },
        ));
        if cache.len() > MAX_CACHED_WIKIS {
            cache.remove(0);
        }
        self.session.insert(RIGHTS_KEY, &cache);
        Ok(rights)
    }
}

/// A short name for a wiki in the session's rights cache: the cookie has no room for URLs.
fn wiki_key(api_url: &str) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(api_url.as_bytes());
    digest[..6]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// The user if logged in (tokens refreshed if needed), else `None`.
#[derive(Debug, Clone)]
pub struct MaybeUser(pub Option<User>);

/// Why there is no usable login.
enum NoLogin {
    NotLoggedIn,
    /// The refresh token was refused and no newer tokens are known: the login was removed.
    Expired,
    /// The token endpoint could not be reached; the login is kept for the next request.
    Unavailable,
    /// The refresh was refused while the access token had not expired yet: another replica
    /// most likely renewed the tokens a moment ago, and its cookie is on its way to the
    /// browser. The session is left alone.
    RenewedElsewhere,
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

    let now = now();
    if stored.expires_at - EXPIRY_MARGIN_SECONDS <= now {
        let outcome = match (&login.provider, &stored.refresh_token) {
            (Some(provider), Some(refresh_token)) => {
                login.refresher.refresh(provider, refresh_token).await
            }
            (None, _) => RefreshOutcome::Refused("no OAuth consumer configured".to_owned()),
            (_, None) => RefreshOutcome::Refused("no refresh token".to_owned()),
        };
        match outcome {
            RefreshOutcome::Renewed(tokens) => {
                stored.expires_at = expires_at(&tokens);
                stored.access_token = tokens.access_token;
                // Providers may rotate the refresh token; keep the old one if they did not.
                if tokens.refresh_token.is_some() {
                    stored.refresh_token = tokens.refresh_token;
                }
                session.insert(LOGIN_KEY, &stored);
            }
            RefreshOutcome::Unavailable(error) => {
                tracing::warn!(user = %stored.identity.username, %error, "token refresh failed; login kept");
                return Err(NoLogin::Unavailable);
            }
            RefreshOutcome::Refused(error) if stored.expires_at > now => {
                tracing::info!(user = %stored.identity.username, %error, "token refresh refused before expiry; session left alone");
                return Err(NoLogin::RenewedElsewhere);
            }
            RefreshOutcome::Refused(error) => {
                tracing::info!(user = %stored.identity.username, %error, "token refresh refused; logging out");
                session.remove(LOGIN_KEY);
                session.remove(RIGHTS_KEY);
                return Err(NoLogin::Expired);
            }
        }
    }
    Ok(User {
        identity: stored.identity,
        access_token: stored.access_token,
        login: login.clone(),
        session: session.clone(),
    })
}

/// The username of the session's login, without refreshing anything (for the page layout).
pub(crate) fn logged_in_identity(session: &Session) -> Option<Identity> {
    /// The identity of a [`StoredLogin`] alone: every page reads it, and the tokens beside it
    /// (about 2 KB) need not be copied for that.
    #[derive(Deserialize)]
    struct StoredIdentity {
        #[serde(rename = "id")]
        identity: Identity,
    }
    session
        .get::<StoredIdentity>(LOGIN_KEY)
        .map(|stored| stored.identity)
}

fn login_url(return_to: &str) -> String {
    format!(
        "{LOGIN_PATH}?{}",
        serde_urlencoded::to_string([("return_to", return_to)]).unwrap_or_default()
    )
}

/// The page for a login that cannot be used right now, or `None` when there is none at all.
fn no_login_page(no_login: NoLogin, return_to: &str) -> Option<Response> {
    let page = match no_login {
        NoLogin::NotLoggedIn => return None,
        NoLogin::Expired => ErrorPage::new(
            StatusCode::UNAUTHORIZED,
            Text::new("platform-login-expired-title"),
            Text::new("platform-login-expired"),
        )
        .with_link(login_url(return_to), Text::new("platform-login-again")),
        NoLogin::Unavailable => {
            ErrorPage::service_unavailable(Text::new("platform-login-renewal-unavailable"))
                .with_link(return_to, Text::new("platform-try-again"))
        }
        NoLogin::RenewedElsewhere => {
            ErrorPage::service_unavailable(Text::new("platform-login-renewed-elsewhere"))
                .with_link(return_to, Text::new("platform-try-again"))
        }
    };
    Some(page.into_response())
}

fn return_to(parts: &Parts) -> String {
    parts
        .uri
        .path_and_query()
        .map_or("/", |path| path.as_str())
        .to_owned()
}

impl<S: Send + Sync> FromRequestParts<S> for User {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let return_to = return_to(parts);
        match current_user(parts).await {
            Ok(user) => Ok(user),
            Err(no_login) => Err(no_login_page(no_login, &return_to).unwrap_or_else(|| {
                if parts.method == axum::http::Method::GET {
                    Redirect::to(&login_url(&return_to)).into_response()
                } else {
                    ErrorPage::new(
                        StatusCode::UNAUTHORIZED,
                        Text::new("platform-login-needed-title"),
                        Text::new("platform-login-needed"),
                    )
                    .with_link(login_url(&return_to), Text::new("platform-login"))
                    .into_response()
                }
            })),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for MaybeUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let return_to = return_to(parts);
        match current_user(parts).await {
            Ok(user) => Ok(Self(Some(user))),
            // Refused and logged out: this page goes on without a user, and shows "Log in".
            Err(NoLogin::NotLoggedIn | NoLogin::Expired) => Ok(Self(None)),
            // A login that cannot be renewed right now is still a login: no page pretends
            // otherwise.
            Err(no_login) => Err(no_login_page(no_login, &return_to).unwrap_or_else(|| {
                ErrorPage::internal("no page for a kept login").into_response()
            })),
        }
    }
}
