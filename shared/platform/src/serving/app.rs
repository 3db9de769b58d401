//! The platform around a tool's routes: every layer and route that all tools share.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware;
use axum::routing::get;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;

use crate::config::{Config, Mode};
use crate::i18n::{Catalog, CatalogError};
use crate::login::oauth::{OAuthConfig, OAuthError, OAuthProvider};
use crate::login::{self, Login};
use crate::pages::language_menu;
use crate::pages::logout;
use crate::pages::{self, Site};
use crate::security::csrf;
use crate::security::headers::{ContentSecurityPolicy, NotAnOrigin};
use crate::security::sealing::SealingKey;
use crate::security::session::SessionSettings;
use crate::serving::health;
use crate::serving::pipeline::{self, Pipeline};
use wikimedia::user_agent::{ToolInfo, UserAgent};

/// A platform put together in an order that cannot work.
#[derive(Debug, thiserror::Error)]
pub enum PlatformError {
    #[error(
        "Platform::with_grants needs Platform::with_login first: grants are requested by a logged-in user"
    )]
    GrantsWithoutLogin,
    #[error(transparent)]
    OAuth(#[from] OAuthError),
    #[error(transparent)]
    Messages(#[from] CatalogError),
    /// An image source or form target that is not a plain `https://` origin.
    #[error("content security policy: {0}")]
    Policy(#[from] NotAnOrigin),
    #[error("the documentation page must be an https:// or http:// address, got {0:?}")]
    Documentation(String),
}

/// Everything a tool gets from the platform, built once at start from its configuration.
#[derive(Debug, Clone)]
pub struct Platform {
    site: Arc<Site>,
    user_agent: UserAgent,
    sessions: SessionSettings,
    mode: Mode,
    pub(crate) port: u16,
    /// How long a request may take, from its first body byte read (the CSRF check reads forms)
    /// to the handler's answer.
    request_timeout: Duration,
    /// How long a client may take to send a request's headers ([`Platform::serve`]).
    pub(crate) header_read_timeout: Duration,
    pub(crate) shutdown_grace: Duration,
    oauth: OAuthConfig,
    login: Option<Arc<Login>>,
    /// The interface messages: the platform's, and the tool's once [`Platform::with_messages`].
    catalog: Arc<Catalog>,
    /// What tools derive their own keys from ([`Platform::sealing_key`]): the configured secret
    /// key, or in local development a random one for this process. Never handed out.
    key_material: secrecy::SecretString,
    /// This tool's resources and forms, plus the sites named by [`Platform::with_image_sources`],
    /// [`Platform::with_form_targets`] and the OAuth provider once [`Platform::with_login`].
    content_security_policy: ContentSecurityPolicy,
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
        let catalog = Arc::new(Catalog::platform());
        Self {
            site: Arc::new(
                Site::new(tool, title, catalog.clone())
                    .in_development(mode == Mode::LocalDevelopment),
            ),
            user_agent: UserAgent::new(tool, platform.contact.as_deref()),
            sessions,
            mode,
            port: platform.port,
            request_timeout: Duration::from_secs(platform.request_timeout_seconds),
            header_read_timeout: Duration::from_secs(platform.header_read_timeout_seconds),
            shutdown_grace: Duration::from_secs(platform.shutdown_grace_seconds),
            oauth: platform.oauth.clone(),
            login: None,
            catalog,
            key_material: platform
                .secret_key
                .clone()
                .unwrap_or_else(random_key_material),
            content_security_policy: ContentSecurityPolicy::default(),
        }
    }

    /// Lets pages show images from these origins (`https://upload.wikimedia.org` for Commons
    /// thumbnails); everything else stays limited to the tool's own resources.
    pub fn with_image_sources(mut self, sources: &[&str]) -> Result<Self, PlatformError> {
        for source in sources {
            self.content_security_policy.allow_images_from(source)?;
        }
        Ok(self)
    }

    /// Lets the tool's forms lead to these sites (any address on each; only its origin is
    /// kept): a form whose `action` is there, or a POST answered by a redirect there, such as
    /// the new lexeme on Wikidata or the new pile on PagePile. Browsers check a form's redirects
    /// against the policy too, and block what it does not name. The OAuth provider needs no
    /// entry: [`Platform::with_login`] adds it.
    pub fn with_form_targets(mut self, targets: &[&str]) -> Result<Self, PlatformError> {
        for target in targets {
            self.content_security_policy.allow_forms_to(target)?;
        }
        Ok(self)
    }

    /// Adds the tool's interface messages, its `i18n/` folder compiled in:
    /// `with_messages(&include_dir::include_dir!("$CARGO_MANIFEST_DIR/i18n"))` (see `i18n`).
    pub fn with_messages(
        mut self,
        tool_messages: &'static include_dir::Dir<'static>,
    ) -> Result<Self, PlatformError> {
        let catalog = Arc::new(Catalog::with_tool(tool_messages)?);
        self.site = Arc::new(Arc::unwrap_or_clone(self.site).with_catalog(catalog.clone()));
        self.catalog = catalog;
        Ok(self)
    }

    /// Links the header of every page to the tool's documentation page on a wiki (the original
    /// tools' "Documentation"); an empty `url` links nowhere, for a tool that has no page yet.
    pub fn with_documentation(mut self, url: &str) -> Result<Self, PlatformError> {
        let url = url.trim();
        if url.is_empty() {
            return Ok(self);
        }
        let is_web_address = url::Url::parse(url)
            .is_ok_and(|parsed| matches!(parsed.scheme(), "https" | "http") && parsed.has_host());
        if !is_web_address {
            return Err(PlatformError::Documentation(url.to_owned()));
        }
        let mut site = Arc::unwrap_or_clone(self.site);
        site.documentation = Some(url.to_owned());
        self.site = Arc::new(site);
        Ok(self)
    }

    /// The interface messages (the platform's and the tool's), e.g. for a process that renders
    /// messages outside a request.
    pub fn catalog(&self) -> &Arc<Catalog> {
        &self.catalog
    }

    /// Adds MediaWiki OAuth 2 login (`/login`, `/oauth/callback`, `/logout`, the [`User`]
    /// extractor and the layout's login area). `kept_rights` and `kept_groups` are the user
    /// rights and groups the tool checks with [`User::rights_on`]; only those are kept in the
    /// session. Without a configured consumer the tool still runs and the login page says that
    /// login is not configured.
    ///
    /// [`User`]: crate::login::User
    /// [`User::rights_on`]: crate::login::User::rights_on
    pub fn with_login(
        mut self,
        kept_rights: &[&str],
        kept_groups: &[&str],
    ) -> Result<Self, PlatformError> {
        let provider = OAuthProvider::from_config(&self.oauth, &self.user_agent)?;
        // Starting a login or a grant request from a form (QuickCategories' background run)
        // is answered by a redirect to the provider's authorization page.
        self.content_security_policy
            .allow_forms_to(&self.oauth.rest_url)?;
        if provider.is_none() {
            tracing::warn!(
                "no OAuth consumer configured (TOOL_OAUTH__CLIENT_ID, TOOL_OAUTH__CLIENT_SECRET): login is off"
            );
        }
        self.login = Some(Arc::new(Login::new(
            provider,
            kept_rights,
            kept_groups,
            self.user_agent.clone(),
        )));
        let mut site = Arc::unwrap_or_clone(self.site);
        site.login_enabled = true;
        self.site = Arc::new(site);
        Ok(self)
    }

    /// Registers what happens with the separate authorizations the tool requests through
    /// [`crate::login::Grants`] (e.g. storing them for a background process). Needs
    /// [`Platform::with_login`] first, else [`PlatformError::GrantsWithoutLogin`].
    pub fn with_grants<F, Fut>(mut self, handler: F) -> Result<Self, PlatformError>
    where
        F: Fn(crate::login::Grant) -> Fut + Send + Sync + 'static,
        Fut: std::future::Future<Output = axum::response::Response> + Send + 'static,
    {
        let login = self
            .login
            .as_ref()
            .ok_or(PlatformError::GrantsWithoutLogin)?;
        self.login = Some(Arc::new(
            login.with_grant_handler(login::grant_handler(handler)),
        ));
        Ok(self)
    }

    /// A key for sealing values of one `purpose` (see [`crate::security::sealing`]), derived from the
    /// secret key: every process with the same configuration derives the same key. In local
    /// development it derives from a random secret of this process, so only this process can
    /// open what it sealed.
    ///
    /// Tools' purposes are kept apart from the platform's own (`tool:` before them), so that no
    /// purpose a tool names gives it the session cookie's key: a value it seals can never be
    /// opened as a session.
    pub fn sealing_key(&self, purpose: &str) -> SealingKey {
        SealingKey::derive(&self.key_material, &format!("tool:{purpose}"))
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

    /// Wraps a tool's routes with everything shared: `/healthz` (outside the rest, so probes
    /// stay out of the access log), then the request pipeline (`pipeline`: cross-origin check,
    /// session, CSRF check and the timeout, error pages, session cookie, security headers,
    /// access log), the panic catcher and the body limit around the tool's routes, the login
    /// routes, the stylesheet, the icon and a 404 page for everything else.
    ///
    /// The layers wrap the router as one service (`tower::ServiceBuilder`) rather than through
    /// `Router::layer`, which would box every layer again for every route and clone each of
    /// them on every request.
    ///
    /// This is the application; tests drive it directly, `serve` puts it on a socket.
    pub fn router(&self, tool_routes: Router) -> Router {
        let mut routes = tool_routes;
        if let Some(login) = &self.login {
            routes = routes
                .merge(login::routes(login.clone()))
                .merge(logout::routes());
        }
        let routes = routes
            .merge(language_menu::routes(self.catalog.clone()))
            .route(pages::STYLESHEET_PATH, get(pages::stylesheet))
            .route(pages::FAVICON_PATH, get(pages::favicon))
            .fallback(pages::not_found);
        let pipeline = Arc::new(Pipeline {
            site: self.site.clone(),
            sessions: self.sessions.clone(),
            login: self.login.clone(),
            content_security_policy: self.content_security_policy.header(),
            request_timeout: self.request_timeout,
        });
        let stack = ServiceBuilder::new()
            .layer(middleware::from_fn_with_state(pipeline, pipeline::run))
            .layer(CatchPanicLayer::new())
            // One limit for the CSRF check and every handler's extractors.
            .layer(DefaultBodyLimit::max(csrf::MAX_FORM_BYTES))
            .service(routes);
        Router::new()
            .route(health::PATH, get(health::healthz))
            .fallback_service(stack)
    }
}

fn random_key_material() -> secrecy::SecretString {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let text: String = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
    secrecy::SecretString::from(text)
}
