//! PagePile Visual Filter: a pile's files as thumbnails, each with a checkbox; the ticked ones
//! become a new pile.

pub mod pile_page;
mod routes;
mod settings;
pub mod thumbnails;

use axum::Router;
use platform::config::Config;
use platform::{Platform, PlatformError, tool_info};
use wikimedia::pagepile::{PagePile, PagePileError};

pub use settings::Settings;

/// The human-readable name shown on every page.
pub const TITLE: &str = "PagePile Visual Filter";

/// The tool's interface messages (`i18n/`), compiled in.
static MESSAGES: include_dir::Dir<'static> = include_dir::include_dir!("$CARGO_MANIFEST_DIR/i18n");

/// The platform with this tool's messages, and Commons' thumbnail host allowed for images.
pub fn platform(config: &Config<Settings>) -> Result<Platform, PlatformError> {
    Platform::new(tool_info!(), TITLE, config)
        .with_messages(&MESSAGES)?
        .with_documentation(&config.tool.documentation_url)?
        .with_image_sources(&[config.tool.thumbnail_origin.as_str()])?
        // The filtered pile answers the form with a redirect to it on PagePile.
        .with_form_targets(&[&config.tool.pagepile_url])
}

/// Why the application cannot be built.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// No HTTP client for PagePile (TLS could not be set up).
    #[error(transparent)]
    PagePile(#[from] PagePileError),
}

/// The whole application: the tool's routes inside the platform's layers.
pub fn app(platform: &Platform, settings: &Settings) -> Result<Router, AppError> {
    let state = routes::AppState::new(
        settings.clone(),
        PagePile::new(&settings.pagepile_url, platform.user_agent())?,
        platform.user_agent().clone(),
    );
    Ok(platform.router(routes::router(state)))
}

#[cfg(test)]
mod tests {
    use super::platform;

    test_support::documentation_link_test!(
        platform,
        "https://commons.wikimedia.org/wiki/User:Lucas_Werkmeister/PagePile_Visual_Filter"
    );
}
