//! Configuration: defaults, the private file, `TOOL_*` variables and the errors a maintainer sees.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use platform::config::{Config, ConfigError, Mode, load_from};
use secrecy::ExposeSecret;
use serde::Deserialize;

#[derive(Debug, Deserialize, Default)]
struct ToolSettings {
    #[serde(default)]
    oauth: OAuth,
    #[serde(default)]
    api_url: Option<String>,
    #[serde(default)]
    enabled: bool,
}

#[derive(Debug, Deserialize, Default)]
struct OAuth {
    #[serde(default)]
    client_id: Option<String>,
}

const KEY: &str = "0123456789abcdef0123456789abcdef";

fn no_file() -> PathBuf {
    PathBuf::from("/nonexistent/config.toml")
}

fn load(env: &[(&str, &str)]) -> Result<Config<ToolSettings>, ConfigError> {
    load_from(&no_file(), env)
}

/// A fresh directory for one test's config file.
fn temp_dir() -> PathBuf {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "platform-config-test-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    ));
    fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn write_config(contents: &str, mode: u32) -> PathBuf {
    let path = temp_dir().join("config.toml");
    fs::write(&path, contents).expect("write config");
    fs::set_permissions(&path, fs::Permissions::from_mode(mode)).expect("chmod");
    path
}

#[test]
fn no_configuration_at_all_is_local_development_with_defaults() {
    let config = load(&[]).expect("loads");
    assert_eq!(config.mode(), Mode::LocalDevelopment);
    assert_eq!(config.platform.port, 8000);
    assert!(config.platform.contact.is_none());
    assert!(config.tool.oauth.client_id.is_none());
}

#[test]
fn port_comes_from_toolforge_port_variable() {
    let config = load(&[("PORT", "8123")]).expect("loads");
    assert_eq!(config.platform.port, 8123);
}

#[test]
fn double_underscore_nests_and_names_are_case_insensitive() {
    let config = load(&[
        ("TOOL_OAUTH__CLIENT_ID", "abc"),
        ("TOOL_API_URL", "https://x/api.php"),
    ])
    .expect("loads");
    assert_eq!(config.tool.oauth.client_id.as_deref(), Some("abc"));
    assert_eq!(config.tool.api_url.as_deref(), Some("https://x/api.php"));
}

#[test]
fn a_key_set_in_a_table_leaves_the_table_s_other_defaults() {
    let config = load(&[("TOOL_OAUTH__CLIENT_ID", "abc")]).expect("loads");
    let oauth = &config.platform.oauth;
    assert_eq!(oauth.client_id.as_deref(), Some("abc"));
    assert!(oauth.client_secret.is_none());
    assert_eq!(oauth.rest_url, "https://meta.wikimedia.org/w/rest.php");
    assert_eq!(config.platform.request_timeout_seconds, 30);
    assert_eq!(config.platform.shutdown_grace_seconds, 10);
}

#[test]
fn numeric_looking_secrets_and_ids_arrive_verbatim() {
    let secret = "12345678901234567890123456789012345";
    let config = load(&[
        ("TOOL_SECRET_KEY", secret),
        ("TOOL_OAUTH__CLIENT_ID", "007"),
    ])
    .expect("loads");
    assert_eq!(
        config
            .platform
            .secret_key
            .as_ref()
            .map(|k| k.expose_secret()),
        Some(secret)
    );
    assert_eq!(config.tool.oauth.client_id.as_deref(), Some("007"));
    assert_eq!(config.mode(), Mode::Production);
}

#[test]
fn boolean_looking_strings_stay_strings_and_fill_booleans() {
    let config =
        load(&[("TOOL_OAUTH__CLIENT_ID", "true"), ("TOOL_ENABLED", "true")]).expect("loads");
    assert_eq!(config.tool.oauth.client_id.as_deref(), Some("true"));
    assert!(config.tool.enabled);
}

#[test]
fn unknown_toolforge_variables_are_ignored() {
    let config = load(&[
        ("TOOL_SECRET_KEY", KEY),
        ("TOOL_TOOLSDB_USER", "s12345"),
        ("TOOL_TOOLSDB_PASSWORD", "hunter2"),
        ("TOOL_REPLICA_USER", "s12345"),
        ("TOOL_DATA_DIR", "/data/project/x"),
        ("TOOL_TOOLFORGE_API_URL", "https://api.svc.toolforge.org"),
        ("HOME", "/nonexistent"),
    ])
    .expect("loads");
    assert_eq!(config.mode(), Mode::Production);
}

#[test]
fn bad_value_names_the_variable() {
    let error = load(&[("TOOL_REQUEST_TIMEOUT_SECONDS", "soon")]).expect_err("refused");
    let message = error.to_string();
    assert!(
        message.contains("TOOL_REQUEST_TIMEOUT_SECONDS"),
        "{message}"
    );

    let error = load(&[("PORT", "eighty")]).expect_err("refused");
    assert!(error.to_string().contains("PORT"), "{error}");
}

#[test]
fn short_secret_key_is_refused() {
    let error = load(&[("TOOL_SECRET_KEY", "short")]).expect_err("refused");
    assert!(
        matches!(error, ConfigError::SecretKeyTooShort(5)),
        "{error}"
    );
    // The message tells how long it is, never what it is.
    assert!(!error.to_string().contains("short\""));
}

#[test]
fn toolforge_without_secret_key_refuses_to_start() {
    let error = load(&[("TOOL_DATA_DIR", "/data/project/x")]).expect_err("refused");
    assert!(
        matches!(
            error,
            ConfigError::SecretKeyMissingOnToolforge("TOOL_DATA_DIR")
        ),
        "{error}"
    );
}

#[test]
fn private_config_file_is_read_and_environment_wins() {
    let path = write_config(
        &format!(
            "secret_key = \"{KEY}\"\ncontact = \"file\"\n[oauth]\nclient_id = \"from-file\"\n"
        ),
        0o600,
    );
    let config: Config<ToolSettings> =
        load_from(&path, &[("TOOL_CONTACT", "env")][..]).expect("loads");
    assert_eq!(config.platform.contact.as_deref(), Some("env"));
    assert_eq!(config.tool.oauth.client_id.as_deref(), Some("from-file"));
    assert_eq!(config.mode(), Mode::Production);
}

#[test]
fn config_file_readable_or_writable_by_others_is_refused() {
    for mode in [0o644, 0o640, 0o604, 0o620, 0o602, 0o622] {
        let path = write_config("contact = \"x\"\n", mode);
        let error = load_from::<ToolSettings>(&path, &[][..]).expect_err("refused");
        assert!(
            matches!(error, ConfigError::FileReadableByOthers { .. }),
            "{mode:o}: {error}"
        );
        assert!(error.to_string().contains("chmod go-rwx"), "{error}");
    }
}

#[test]
fn malformed_config_file_is_an_error_naming_the_file() {
    let path = write_config("port = \n", 0o600);
    let error = load_from::<ToolSettings>(&path, &[][..]).expect_err("refused");
    assert!(error.to_string().contains("config.toml"), "{error}");
}
