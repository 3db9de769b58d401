//! Translate Link: from a translatewiki.net message key and a language code to the page where
//! that message is translated into that language.

pub mod domain;
mod routes;
mod settings;
pub mod translatewiki;

use axum::Router;
use platform::config::Config;
use platform::{Platform, tool_info};

pub use settings::Settings;
use translatewiki::Translatewiki;

/// The human-readable name shown on every page.
pub const TITLE: &str = "Translate Link";

pub fn platform(config: &Config<Settings>) -> Platform {
    Platform::new(tool_info!(), TITLE, config)
}

/// The whole application: the tool's routes inside the platform's layers.
pub async fn app(
    platform: &Platform,
    settings: &Settings,
) -> Result<Router, translatewiki::LookupError> {
    let translatewiki = Translatewiki::new(settings, platform.user_agent()).await?;
    Ok(platform.router(routes::router(translatewiki)))
}
