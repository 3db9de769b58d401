//! Translate Link: from a translatewiki.net message key and a language code to the page where
//! that message is translated into that language.

pub mod domain;
mod routes;
mod settings;
pub mod translatewiki;

use axum::Router;
use platform::config::Config;
use platform::{Platform, PlatformError, tool_info};

pub use settings::Settings;
use translatewiki::Translatewiki;

/// The human-readable name shown on every page.
pub const TITLE: &str = "Translate Link";

/// The tool's interface messages (`i18n/`), compiled in.
static MESSAGES: include_dir::Dir<'static> = include_dir::include_dir!("$CARGO_MANIFEST_DIR/i18n");

pub fn platform(config: &Config<Settings>) -> Result<Platform, PlatformError> {
    Platform::new(tool_info!(), TITLE, config)
        .with_messages(&MESSAGES)?
        .with_documentation(&config.tool.documentation_url)?
        // "Go to the page" answers the form with a redirect to translatewiki.net.
        .with_form_targets(&[&config.tool.index_url])
}

/// The whole application: the tool's routes inside the platform's layers.
pub async fn app(
    platform: &Platform,
    settings: &Settings,
) -> Result<Router, translatewiki::LookupError> {
    let translatewiki = Translatewiki::new(settings, platform.user_agent()).await?;
    Ok(platform.router(routes::router(translatewiki)))
}

#[cfg(test)]
mod tests {
    use super::platform;

    test_support::documentation_link_test!(
        platform,
        "https://meta.wikimedia.org/wiki/User:Lucas_Werkmeister/Translate_Link"
    );
}
