//! QuickCategories: add and remove categories on pages of any Wikimedia wiki, in batches.

pub mod cli;
pub mod command;
pub mod domain;
pub mod execute;
mod routes;
mod settings;
pub mod siteinfo;
pub mod store;
pub mod wikitext;

use std::sync::Arc;

use axum::Router;
use platform::config::Config;
use platform::oauth::OAuthError;
use platform::{Platform, tool_info};

pub use settings::Settings;
use store::{MariaDbStore, MemoryStore, Store};

pub const TITLE: &str = "QuickCategories";

pub fn platform(config: &Config<Settings>) -> Result<Platform, OAuthError> {
    // No rights are checked by the tool itself; the wiki refuses what a user may not do.
    Platform::new(tool_info!(), TITLE, config).with_login(&[])
}

/// The store the configuration asks for: MariaDB if a database is configured, else memory.
pub fn store(settings: &Settings) -> Result<Store, sqlx::Error> {
    let options = settings.database.connect_options(
        settings.toolsdb_user.as_deref(),
        settings.toolsdb_password.as_ref(),
    )?;
    Ok(match options {
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

/// Applies the database migrations now, in the background, so that they are in place before the
/// first request when the database is up; if it is not, the first request that needs it retries.
pub fn migrate_in_background(store: &Store) {
    if let Store::MariaDb(database) = store {
        let database = database.clone();
        tokio::spawn(async move {
            match database.ready().await {
                Ok(_) => tracing::info!("database schema is up to date"),
                Err(error) => {
                    tracing::warn!(%error, "migrations not applied yet; retried on first use")
                }
            }
        });
    }
}

/// The whole application: the tool's routes inside the platform's layers.
pub fn app(platform: &Platform, settings: &Settings, store: Store) -> Router {
    let state = routes::AppState {
        store,
        settings: Arc::new(settings.clone()),
        siteinfo: siteinfo::SiteinfoCache::default(),
        user_agent: platform.user_agent().clone(),
    };
    platform.router(routes::router(state))
}
