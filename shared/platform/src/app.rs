//! The platform around a tool's routes: every layer and route that all tools share.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderName, HeaderValue, Request, header};
use axum::middleware;
use axum::routing::get;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::config::{Config, Mode};
use crate::login::{self, Login};
use crate::oauth::{OAuthConfig, OAuthError, OAuthProvider};
use crate::pages::{self, Site};
use crate::session::{self, SessionSettings};
use crate::user_agent::{ToolInfo, UserAgent};
use crate::{csrf, health};

/// Everything a tool gets from the platform, built once at start from its configuration.
#[derive(Debug, Clone)]
pub struct Platform {
    site: Arc<Site>,
    user_agent: UserAgent,
    sessions: SessionSettings,
    mode: Mode,
    pub(crate) port: u16,
    request_timeout: Duration,
    pub(crate) shutdown_grace: Duration,
    oauth: OAuthConfig,
    login: Option<Arc<Login>>,
    secret_key: Option<secrecy::SecretString>,
}

impl Platform {
    /// `title` is the tool's human-readable name, shown on every page.
    pub fn new<T>(tool: ToolInfo, title: &'static str, config: &Config<T>) -> Self {
        let platform = &config.platform;
        let mode = config.mode();
        let sessions = match &platform.secret_key {
            Some(secret) => SessionSettings::from_secret(secret),
            None => {
                tracing::warn!(
                    "no TOOL_SECRET_KEY configured: running in local-development mode \
                     (random session key, sessions end with the process, cookies without Secure)"
                );
                SessionSettings::ephemeral()
            }
        };
        Self {
            site: Arc::new(Site {
                tool,
                title,
                login_enabled: false,
            }),
            user_agent: UserAgent::new(tool, platform.contact.as_deref()),
            sessions,
            mode,
            port: platform.port,
            request_timeout: Duration::from_secs(platform.request_timeout_seconds),
            shutdown_grace: Duration::from_secs(platform.shutdown_grace_seconds),
            oauth: platform.oauth.clone(),
            login: None,
            secret_key: platform.secret_key.clone(),
        }
    }

    /// Adds MediaWiki OAuth 2 login (`/login`, `/oauth/callback`, `/logout`, the [`User`]
    /// extractor and the layout's login area). `kept_rights` are the user rights the tool checks;
    /// only those are kept in the session. Without a configured consumer the tool still runs and
    /// the login page says that login is not configured.
    ///
    /// [`User`]: crate::login::User
    pub fn with_login(mut self, kept_rights: &[&str]) -> Result<Self, OAuthError> {
        let provider = OAuthProvider::from_config(&self.oauth, &self.user_agent)?;
        if provider.is_none() {
            tracing::warn!(
                "no OAuth consumer configured (TOOL_OAUTH__CLIENT_ID, TOOL_OAUTH__CLIENT_SECRET): login is off"
            );
        }
        self.login = Some(Arc::new(Login::new(
            provider,
            kept_rights,
            self.user_agent.clone(),
        )));
        let mut site = (*self.site).clone();
        site.login_enabled = true;
        self.site = Arc::new(site);
        Ok(self)
    }

    /// Registers what happens with the separate authorizations the tool requests through
    /// [`crate::login::Grants`] (e.g. storing them for a background process). Call after
    /// [`Platform::with_login`].
    pub fn with_grants<F, Fut>(mut self, handler: F) -> Self
    where
        F: Fn(crate::login::Grant) -> Fut + Send + Sync + 'static,
        Fut: std::future::Future<Output = axum::response::Response> + Send + 'static,
    {
        if let Some(login) = &self.login {
            self.login = Some(Arc::new(
                login.with_grant_handler(login::grant_handler(handler)),
            ));
        }
        self
    }

    /// The tool's secret key, for keys derived from it (sessions, sealed values); `None` in
    /// local-development mode.
    pub fn secret_key(&self) -> Option<&secrecy::SecretString> {
        self.secret_key.as_ref()
    }

    pub fn tool(&self) -> ToolInfo {
        self.site.tool
    }

    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// The OAuth configuration (for a process that refreshes tokens outside a request).
    pub fn oauth(&self) -> &OAuthConfig {
        &self.oauth
    }

    pub fn user_agent(&self) -> &UserAgent {
        &self.user_agent
    }

    pub fn sessions(&self) -> &SessionSettings {
        &self.sessions
    }

    /// Wraps a tool's routes with everything shared, outermost first:
    /// security headers → `/healthz` (so probes stay out of the access log) → request tracing
    /// → session → error pages → panic catcher → timeout → CSRF check → the tool's routes,
    /// the stylesheet, and a 404 page for everything else.
    ///
    /// This is the application; tests drive it directly, `serve` puts it on a socket.
    pub fn router(&self, tool_routes: Router) -> Router {
        let sessions = self.sessions.clone();
        let mut tool_routes = tool_routes;
        if let Some(login) = &self.login {
            tool_routes = tool_routes
                .merge(login::routes(login.clone()))
                .layer(axum::Extension(login.clone()));
        }
        let routes = tool_routes
            .route(pages::STYLESHEET_PATH, get(pages::stylesheet))
            .fallback(pages::not_found)
            .layer(middleware::from_fn(csrf::csrf_middleware))
            .layer(TimeoutLayer::with_status_code(
                axum::http::StatusCode::REQUEST_TIMEOUT,
                self.request_timeout,
            ))
            .layer(CatchPanicLayer::new())
            .layer(middleware::from_fn(pages::error_page_middleware))
            .layer(middleware::from_fn(move |request, next| {
                session::session_middleware(sessions.clone(), request, next)
            }))
            .layer(axum::Extension(self.site.clone()))
            .layer(
                TraceLayer::new_for_http()
                    .make_span_with(|request: &Request<_>| {
                        // Path only: query strings may carry user input not meant for logs.
                        tracing::info_span!(
                            "request",
                            method = %request.method(),
                            path = %request.uri().path(),
                        )
                    })
                    // One line per request at `info`: the access log.
                    .on_response(DefaultOnResponse::new().level(Level::INFO)),
            );
        with_security_headers(routes.route(health::PATH, get(health::healthz)))
    }
}

fn with_security_headers(router: Router) -> Router {
    let headers: [(HeaderName, &'static str); 4] = [
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "same-origin"),
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
        ),
    ];
    headers.into_iter().fold(router, |router, (name, value)| {
        router.layer(SetResponseHeaderLayer::overriding(
            name,
            HeaderValue::from_static(value),
        ))
    })
}
