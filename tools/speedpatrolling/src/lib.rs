//! SpeedPatrolling: serves a patroller unpatrolled edits of a wiki (Wikidata by default) one at a
//! time, with Patrol, Rollback and Skip buttons, skipping what they cannot read or keep skipping.

mod diff_html;
mod patrol_state;
mod routes;
pub mod scripts;
mod settings;
mod wiki;

use axum::Router;
use platform::config::Config;
use platform::{Platform, PlatformError, tool_info};

pub use patrol_state::PatrolState;
pub use settings::Settings;

pub const TITLE: &str = "SpeedPatrolling";

/// The tool's interface messages (`i18n/`, translated on translatewiki.net), compiled in.
static MESSAGES: include_dir::Dir<'static> = include_dir::include_dir!("$CARGO_MANIFEST_DIR/i18n");

/// The user rights the tool looks at on the patrolled wiki; only these are kept in the session.
pub const RIGHTS: &[&str] = &["patrol", "rollback"];

pub fn platform(config: &Config<Settings>) -> Result<Platform, PlatformError> {
    Platform::new(tool_info!(), TITLE, config)
        .with_messages(&MESSAGES)?
        .with_documentation(&config.tool.documentation_url)?
        .with_login(RIGHTS, &[])
}

/// The whole application: the tool's routes inside the platform's layers.
pub fn app(platform: &Platform, settings: &Settings) -> Router {
    platform.router(routes::router(settings.clone()))
}

#[cfg(test)]
mod tests {
    use super::platform;

    test_support::documentation_link_test!(
        platform,
        "https://www.wikidata.org/wiki/User:Lucas_Werkmeister/SpeedPatrolling"
    );
}
