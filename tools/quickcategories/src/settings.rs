//! QuickCategories' own configuration keys (next to the platform's, including `[oauth]`).

use secrecy::SecretString;
use serde::Deserialize;

use crate::store::DatabaseSettings;

#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    /// `[database]`: `TOOL_DATABASE__URL`, `TOOL_DATABASE__HOST`, `TOOL_DATABASE__NAME`.
    #[serde(default)]
    pub database: DatabaseSettings,
    /// Injected by Toolforge: the tool's ToolsDB credentials.
    #[serde(default)]
    pub toolsdb_user: Option<String>,
    #[serde(default)]
    pub toolsdb_password: Option<SecretString>,
    /// When set, nothing can be created or run, and pages say why (`TOOL_READ_ONLY_REASON`).
    #[serde(default)]
    pub read_only_reason: Option<String>,
    /// How many commands one "Run" click runs (`TOOL_SLICE_SIZE`).
    #[serde(default = "default_slice_size")]
    pub slice_size: u32,
    /// Where a wiki's Action API is, `{domain}` replaced (`TOOL_API_URL_TEMPLATE`).
    #[serde(default = "default_api_url_template")]
    pub api_url_template: String,
    /// `[runner]`: the background runner (`TOOL_RUNNER__*`).
    #[serde(default)]
    pub runner: RunnerSettings,
    /// PagePile's API, for batches from a pile and exports to one (`TOOL_PAGEPILE_URL`).
    #[serde(default = "default_pagepile_url")]
    pub pagepile_url: String,
}

/// `[runner]` / `TOOL_RUNNER__*`.
#[derive(Debug, Clone, Deserialize)]
pub struct RunnerSettings {
    /// The file the runner touches on every turn and `check-runner` removes
    /// (`TOOL_RUNNER__LIVENESS_FILE`).
    #[serde(default = "default_liveness_file")]
    pub liveness_file: String,
    /// How long the runner sleeps when there is nothing to do (`TOOL_RUNNER__IDLE_SECONDS`).
    #[serde(default = "default_idle_seconds")]
    pub idle_seconds: u64,
}

impl Default for RunnerSettings {
    fn default() -> Self {
        Self {
            liveness_file: default_liveness_file(),
            idle_seconds: default_idle_seconds(),
        }
    }
}

fn default_liveness_file() -> String {
    // The container has no HOME and no NFS; /tmp is its own.
    "/tmp/quickcategories-runner.alive".to_owned()
}

fn default_idle_seconds() -> u64 {
    5
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            database: DatabaseSettings::default(),
            toolsdb_user: None,
            toolsdb_password: None,
            read_only_reason: None,
            slice_size: default_slice_size(),
            api_url_template: default_api_url_template(),
            runner: RunnerSettings::default(),
            pagepile_url: default_pagepile_url(),
        }
    }
}

fn default_slice_size() -> u32 {
    5
}

fn default_pagepile_url() -> String {
    wikimedia::pagepile::DEFAULT_URL.to_owned()
}

fn default_api_url_template() -> String {
    "https://{domain}/w/api.php".to_owned()
}

impl Settings {
    pub fn api_url(&self, domain: &str) -> String {
        self.api_url_template.replace("{domain}", domain)
    }

    /// The read-only reason, if one is set and not blank.
    pub fn read_only(&self) -> Option<&str> {
        self.read_only_reason
            .as_deref()
            .map(str::trim)
            .filter(|reason| !reason.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use platform::config::load_from;
    use secrecy::ExposeSecret;

    use super::Settings;

    #[test]
    fn toolforge_variables_arrive_verbatim_and_numbers_parse() {
        let environment: &[(&str, &str)] = &[
            (
                "TOOL_SECRET_KEY",
                "a secret key that is long enough for production",
            ),
            ("TOOL_TOOLSDB_USER", "s12345"),
            ("TOOL_TOOLSDB_PASSWORD", "007"),
            ("TOOL_DATABASE__PORT", "3307"),
            ("TOOL_RUNNER__IDLE_SECONDS", "2"),
            ("TOOL_RUNNER__LIVENESS_FILE", "/tmp/alive"),
            (
                "TOOL_TOOLFORGE_API_URL",
                "https://api.svc.tools.eqiad1.wikimedia.cloud:30003",
            ),
        ];
        let config = load_from::<Settings>(std::path::Path::new("/nonexistent"), environment)
            .expect("config loads");
        let settings = config.tool;
        assert_eq!(
            settings
                .toolsdb_password
                .as_ref()
                .map(|p| p.expose_secret().to_owned()),
            Some("007".to_owned()),
            "a password of digits keeps its leading zero"
        );
        assert_eq!(settings.database.port, 3307);
        assert_eq!(settings.runner.idle_seconds, 2);
        assert_eq!(settings.runner.liveness_file, "/tmp/alive");
    }

    #[test]
    fn defaults_need_no_configuration() {
        let config = load_from::<Settings>(std::path::Path::new("/nonexistent"), &[][..])
            .expect("config loads");
        assert_eq!(config.tool.database.port, 3306);
        assert_eq!(
            config.tool.runner.liveness_file,
            "/tmp/quickcategories-runner.alive"
        );
        assert_eq!(config.tool.runner.idle_seconds, 5);
        assert_eq!(
            config.tool.pagepile_url,
            "https://pagepile.toolforge.org/api.php"
        );
    }
}
