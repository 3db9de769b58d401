//! QuickCategories' own configuration keys (next to the platform's, including `[oauth]`).

use secrecy::SecretString;
use serde::Deserialize;

use crate::store::DatabaseSettings;

#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// `[database]`: `TOOL_DATABASE__URL`, `TOOL_DATABASE__HOST`, `TOOL_DATABASE__NAME`.
    pub database: DatabaseSettings,
    /// Injected by Toolforge: the tool's ToolsDB credentials.
    pub toolsdb_user: Option<String>,
    pub toolsdb_password: Option<SecretString>,
    /// When set, nothing can be created or run, and pages say why (`TOOL_READ_ONLY_REASON`).
    pub read_only_reason: Option<String>,
    /// How many commands one "Run" click runs (`TOOL_SLICE_SIZE`).
    pub slice_size: u32,
    /// Where a wiki's Action API is, `{domain}` replaced (`TOOL_API_URL_TEMPLATE`).
    pub api_url_template: String,
    /// `[runner]`: the background runner (`TOOL_RUNNER__*`).
    pub runner: RunnerSettings,
    /// PagePile's API, for batches from a pile and exports to one (`TOOL_PAGEPILE_URL`).
    pub pagepile_url: String,
    /// The tool's documentation page on a wiki, linked from every page's header; empty for
    /// none (`TOOL_DOCUMENTATION_URL`).
    pub documentation_url: String,
}

/// `[runner]` / `TOOL_RUNNER__*`.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct RunnerSettings {
    /// The file the runner touches on every turn and `check-runner` removes
    /// (`TOOL_RUNNER__LIVENESS_FILE`).
    pub liveness_file: String,
    /// How long the runner sleeps when there is nothing to do (`TOOL_RUNNER__IDLE_SECONDS`).
    pub idle_seconds: u64,
}

impl Default for RunnerSettings {
    fn default() -> Self {
        Self {
            // The container has no HOME and no NFS; /tmp is its own.
            liveness_file: "/tmp/quickcategories-runner.alive".to_owned(),
            idle_seconds: 5,
        }
    }
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            database: DatabaseSettings::default(),
            toolsdb_user: None,
            toolsdb_password: None,
            read_only_reason: None,
            slice_size: 5,
            api_url_template: "https://{domain}/w/api.php".to_owned(),
            runner: RunnerSettings::default(),
            pagepile_url: wikimedia::pagepile::DEFAULT_URL.to_owned(),
            documentation_url: "https://meta.wikimedia.org/wiki/QuickCategories".to_owned(),
        }
    }
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
        let config = test_support::config::<Settings>(environment);
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
    fn a_runner_key_set_leaves_the_other_runner_default() {
        let environment: &[(&str, &str)] = &[("TOOL_RUNNER__IDLE_SECONDS", "2")];
        let runner = test_support::config::<Settings>(environment).tool.runner;
        assert_eq!(runner.idle_seconds, 2);
        assert_eq!(runner.liveness_file, "/tmp/quickcategories-runner.alive");
    }

    #[test]
    fn defaults_need_no_configuration() {
        let config = test_support::config::<Settings>(&[][..]);
        assert_eq!(config.tool.database.port, 3306);
        assert_eq!(
            config.tool.runner.liveness_file,
            "/tmp/quickcategories-runner.alive"
        );
        assert_eq!(config.tool.runner.idle_seconds, 5);
        assert_eq!(config.tool.slice_size, 5);
        assert_eq!(
            config.tool.pagepile_url,
            "https://pagepile.toolforge.org/api.php"
        );
    }
}
