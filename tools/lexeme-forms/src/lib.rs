//! Wikidata Lexeme Forms: create a lexeme with all its forms from a template (one field per
//! form, with an example sentence), add forms to an existing lexeme, or many lexemes at once.

pub mod build;
pub mod bulk;
pub mod duplicates;
pub mod matching;
mod routes;
mod settings;
pub mod templates;
pub mod update;
pub mod wikidata;

use axum::Router;
use platform::config::Config;
use platform::login::oauth::{OAuthError, OAuthProvider};
use platform::{Platform, PlatformError, tool_info};

pub use settings::{Settings, Wiki};
use templates::{DataError, Templates};

/// The human-readable name shown on every page.
pub const TITLE: &str = "Wikidata Lexeme Forms";

/// Bulk mode is for this group of the template's wiki only (many lexemes in one go).
pub const AUTOCONFIRMED: &str = "autoconfirmed";

/// The tool's interface messages (`i18n/`), compiled in.
static MESSAGES: include_dir::Dir<'static> = include_dir::include_dir!("$CARGO_MANIFEST_DIR/i18n");

pub fn platform(config: &Config<Settings>) -> Result<Platform, PlatformError> {
    Platform::new(tool_info!(), TITLE, config)
        .with_messages(&MESSAGES)?
        .with_documentation(&config.tool.documentation_url)?
        .with_login(&[], &[AUTOCONFIRMED])?
        // A saved lexeme answers the form with a redirect to it on Wikidata.
        .with_form_targets(&[
            &settings::Wiki::Www.entity_url(""),
            &settings::Wiki::Test.entity_url(""),
        ])
}

/// Why the application cannot be built.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Templates(#[from] &'static DataError),
    #[error(transparent)]
    OAuth(#[from] OAuthError),
}

/// The whole application: the tool's routes inside the platform's layers. Without an OAuth
/// consumer (local development) nothing is saved: a submitted lexeme is answered with the JSON
/// that would have been sent to Wikidata.
pub fn app(platform: &Platform, settings: &Settings) -> Result<Router, AppError> {
    let templates = Templates::compiled_in()?;
    let saves = OAuthProvider::from_config(platform.oauth(), platform.user_agent())?.is_some();
    let state = routes::AppState::new(
        templates,
        settings.clone(),
        platform.user_agent().clone(),
        saves,
    );
    Ok(platform.router(routes::router(state)))
}

#[cfg(test)]
mod tests {
    use super::platform;

    test_support::documentation_link_test!(
        platform,
        "https://www.wikidata.org/wiki/Wikidata:Wikidata_Lexeme_Forms"
    );
}
