//! Ranker: change the rank of many Wikidata and Commons statements at once — the statements of
//! one property on one entity, a pasted list, or the results of a SPARQL query — with a reason
//! for the rank where the wiki has properties for one.

pub mod batch;
pub mod batch_parse;
pub mod format_cache;
pub mod ids;
pub mod rank;
mod routes;
mod settings;
pub mod statements;
pub mod summary;
pub mod wikibase;
pub mod wikis;

use axum::Router;
use platform::config::Config;
use platform::{Platform, PlatformError, tool_info};

pub use settings::Settings;

pub const TITLE: &str = "Ranker";

/// The tool's interface messages (`i18n/`, translated on translatewiki.net), compiled in.
static MESSAGES: include_dir::Dir<'static> = include_dir::include_dir!("$CARGO_MANIFEST_DIR/i18n");

pub fn platform(config: &Config<Settings>) -> Result<Platform, PlatformError> {
    // No rights are checked by the tool: the wiki refuses an edit the user may not make, and
    // the page shows its reason.
    Platform::new(tool_info!(), TITLE, config)
        .with_messages(&MESSAGES)?
        .with_documentation(&config.tool.documentation_url)?
        .with_login(&[], &[])
}

/// Why the application cannot be built.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// No HTTP client for the query service (TLS could not be set up).
    #[error("the query service client: {0}")]
    QueryService(#[from] reqwest::Error),
}

/// The whole application: the tool's routes inside the platform's layers.
pub fn app(platform: &Platform, settings: &Settings) -> Result<Router, AppError> {
    Ok(platform.router(routes::router(platform, settings)?))
}

#[cfg(test)]
mod tests {
    use super::platform;

    test_support::documentation_link_test!(
        platform,
        "https://www.wikidata.org/wiki/User:Lucas_Werkmeister/Ranker"
    );
}
