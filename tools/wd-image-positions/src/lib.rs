//! Wikidata Image Positions: the regions of depicted things ("relative position within image",
//! P2677, on "depicts" P180 and "named place on map" P9664 statements) drawn as boxes over the
//! image of a Wikidata item or a Commons file; logged-in users draw new ones; IIIF manifests
//! and annotation lists let other viewers show them.

pub mod attribution;
pub mod commons;
pub mod iiif;
pub mod input;
pub mod labels;
pub mod region;
mod routes;
mod settings;
pub mod sparql;
pub mod subject;
pub mod wikibase;

use std::sync::Arc;

use axum::Router;
use platform::config::Config;
use platform::{Platform, PlatformError, tool_info};

pub use settings::Settings;

/// The human-readable name shown on every page.
pub const TITLE: &str = "Wikidata Image Positions";

/// The tool's interface messages (`i18n/`), compiled in.
static MESSAGES: include_dir::Dir<'static> = include_dir::include_dir!("$CARGO_MANIFEST_DIR/i18n");

/// The platform with this tool's messages, login (editing needs it, reading does not), and
/// Commons' image host allowed for images.
pub fn platform(config: &Config<Settings>) -> Result<Platform, PlatformError> {
    Platform::new(tool_info!(), TITLE, config)
        .with_messages(&MESSAGES)?
        .with_documentation(&config.tool.documentation_url)?
        .with_login(&[], &[])?
        .with_image_sources(&[config.tool.thumbnail_origin.as_str()])
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
    let settings = Arc::new(settings.clone());
    let state = routes::AppState::new(
        subject::Wikis::new(settings.clone(), platform.user_agent().clone()),
        wikimedia::sparql::QueryService::new(&settings.sparql_url, platform.user_agent())?,
    );
    Ok(platform.router(routes::router(state)))
}

#[cfg(test)]
mod tests {
    use super::platform;

    test_support::documentation_link_test!(
        platform,
        "https://www.wikidata.org/wiki/User:Lucas_Werkmeister/Wikidata_Image_Positions"
    );
}
