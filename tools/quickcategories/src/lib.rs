//! QuickCategories: add and remove categories on pages of any Wikimedia wiki, in batches.

pub mod cli;
pub mod command;
pub mod domain;
pub mod execute;
pub mod preferences;
pub mod processes;
pub mod reason;
mod routes;
pub mod runner;
mod settings;
pub mod siteinfo;
pub mod store;
pub mod wikitext;

use std::sync::Arc;

use axum::Router;
use platform::config::Config;
use platform::config::Mode;
use platform::login::oauth::{OAuthError, OAuthProvider};
use platform::security::sealing::SealingKey;
use platform::{Platform, PlatformError, tool_info};
use sqlx::mysql::MySqlConnectOptions;

pub use settings::Settings;
use store::{MariaDbStore, MemoryStore, Store};

pub const TITLE: &str = "QuickCategories";

/// The interface messages (`i18n/`, translated on translatewiki.net).
static MESSAGES: include_dir::Dir<'static> = include_dir::include_dir!("$CARGO_MANIFEST_DIR/i18n");

pub fn platform(config: &Config<Settings>) -> Result<Platform, PlatformError> {
    // No rights are checked by the tool itself (the wiki refuses what a user may not do); the
    // groups decide who may start (autoconfirmed) and stop (sysop) background runs.
    Platform::new(tool_info!(), TITLE, config)
        .with_messages(&MESSAGES)?
        .with_documentation(&config.tool.documentation_url)?
        .with_login(
            &[],
            &[routes::background::AUTOCONFIRMED, routes::background::SYSOP],
        )?
        // Exporting to PagePile answers the form with a redirect to the new pile.
        .with_form_targets(&[&config.tool.pagepile_url])
}

/// The store the configuration asks for: MariaDB if a database is configured, else memory.
pub fn store(settings: &Settings) -> Result<Store, sqlx::Error> {
    Ok(match database_options(settings)? {
        Some(options) => {
            tracing::info!("batches are stored in MariaDB");
            Store::MariaDb(MariaDbStore::connect_lazy(options))
        }
        None => {
            tracing::warn!(
                "no database configured: batches are kept in memory and lost at restart"
            );
            Store::Memory(MemoryStore::new())
        }
    })
}

/// `TOOL_DATABASE__URL`, or ToolsDB's `<user>__quickcategories` with the injected credentials.
fn database_options(settings: &Settings) -> Result<Option<MySqlConnectOptions>, sqlx::Error> {
    settings.database.connect_options(
        env!("CARGO_PKG_NAME"),
        settings.toolsdb_user.as_deref(),
        settings.toolsdb_password.as_ref(),
    )
}

/// Applies the database migrations now, in the background, so that they are in place before the
/// first request when the database is up; if it is not, the first request that needs it retries.
pub fn migrate_in_background(store: &Store) {
    if let Store::MariaDb(database) = store {
        database.migrate_in_background();
    }
}

/// What background runs' tokens are sealed with (`platform::security::sealing`, with this purpose).
const SEALING_PURPOSE: &str = "quickcategories background-run tokens";

/// The key background runs' tokens are sealed with: derived from the secret key, so the web
/// service and the runner share it. Without a secret key (local development) an in-memory
/// store gets a key for this process only (its runner is in the same process); a database
/// gets none, so background runs are refused with the reason.
pub fn sealing_key(platform: &Platform, store: &Store) -> Option<SealingKey> {
    match (platform.mode(), store) {
        (Mode::Production, _) | (Mode::LocalDevelopment, Store::Memory(_)) => {
            Some(platform.sealing_key(SEALING_PURPOSE))
        }
        (Mode::LocalDevelopment, Store::MariaDb(_)) => None,
    }
}

/// Why the application cannot be built.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// A platform built without [`platform()`]'s login.
    #[error(transparent)]
    Platform(#[from] PlatformError),
    /// No HTTP client for PagePile (TLS could not be set up).
    #[error(transparent)]
    PagePile(#[from] wikimedia::pagepile::PagePileError),
}

/// The whole application: the tool's routes inside the platform's layers.
pub fn app(
    platform: &Platform,
    settings: &Settings,
    store: Store,
    sealing: Option<SealingKey>,
) -> Result<Router, AppError> {
    let state = routes::AppState {
        store,
        settings: Arc::new(settings.clone()),
        siteinfo: siteinfo::SiteinfoCache::default(),
        user_agent: platform.user_agent().clone(),
        sealing,
        pagepile: wikimedia::pagepile::PagePile::new(
            &settings.pagepile_url,
            platform.user_agent(),
        )?,
        site_matrix: wikimedia::sitematrix::SiteMatrixCache::default(),
    };
    let grant_state = state.clone();
    let platform = platform
        .clone()
        .with_grants(move |grant| routes::background::granted(grant_state.clone(), grant))?;
    Ok(platform.router(routes::router(state)))
}

/// The background runner, acting with tokens sealed with `sealing`.
pub fn runner(
    platform: &Platform,
    settings: &Settings,
    store: Store,
    sealing: SealingKey,
) -> Result<runner::Runner, OAuthError> {
    let provider = OAuthProvider::from_config(platform.oauth(), platform.user_agent())?;
    if provider.is_none() {
        tracing::warn!(
            "no OAuth consumer configured: expired tokens of background runs cannot be renewed"
        );
    }
    Ok(runner::Runner::new(
        store,
        Arc::new(settings.clone()),
        platform.user_agent().clone(),
        sealing,
        provider,
    ))
}

#[cfg(test)]
mod tests {

    use super::{Settings, database_options, platform};

    test_support::documentation_link_test!(
        platform,
        "https://meta.wikimedia.org/wiki/QuickCategories"
    );

    fn settings(environment: &[(&str, &str)]) -> Settings {
        test_support::config::<Settings>(environment).tool
    }

    #[test]
    fn on_toolforge_the_database_is_the_tool_s_on_toolsdb() {
        let settings = settings(&[
            (
                "TOOL_SECRET_KEY",
                "a secret key that is long enough for production",
            ),
            ("TOOL_TOOLSDB_USER", "s12345"),
            ("TOOL_TOOLSDB_PASSWORD", "007"),
        ]);
        let options = database_options(&settings)
            .expect("valid")
            .expect("a database is configured");
        assert_eq!(options.get_host(), "tools.db.svc.wikimedia.cloud");
        assert_eq!(options.get_username(), "s12345");
        assert_eq!(options.get_database(), Some("s12345__quickcategories"));
    }

    #[test]
    fn without_credentials_or_url_batches_stay_in_memory() {
        assert!(database_options(&settings(&[])).expect("valid").is_none());
    }
}
