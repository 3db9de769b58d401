//! Layered configuration: built-in defaults < private `config.toml` < `TOOL_*` environment variables.
//!
//! Toolforge passes configuration as environment variables (`toolforge envvars`), forces their
//! names to upper case and injects some of its own (`TOOL_TOOLSDB_USER`, `TOOL_DATA_DIR`, …), so
//! every config struct here ignores keys it does not know. `__` nests: `TOOL_OAUTH__CLIENT_ID`
//! is `oauth.client_id`.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use figment::providers::{Format, Toml};
use figment::value::{Dict, Map, Value};
use figment::{Figment, Metadata, Profile, Provider};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde::de::DeserializeOwned;

/// Name of the optional configuration file, looked up in the working directory.
pub const CONFIG_FILE: &str = "config.toml";
/// Prefix of every environment variable a tool reads its configuration from.
pub const ENV_PREFIX: &str = "TOOL_";
/// The shortest secret key accepted: the session cookie key is derived from it.
pub const MIN_SECRET_KEY_BYTES: usize = 32;

/// Settings every tool has; a tool's own settings sit next to them (see [`Config`]).
#[derive(Debug, Deserialize)]
#[serde(default)]
pub struct PlatformConfig {
    /// Port to listen on. Toolforge sets `PORT` (not `TOOL_PORT`) for web processes.
    pub port: u16,
    /// Key for session cookies and anything else that must be signed or encrypted.
    /// Required in production; without it the tool runs in local-development mode.
    pub secret_key: Option<SecretString>,
    /// Contact part of the user agent; defaults to the tool's Toolforge address.
    pub contact: Option<String>,
    /// Requests that take longer than this are answered with 408: from the first body byte the
    /// platform reads (a form's CSRF token) to the handler's answer.
    pub request_timeout_seconds: u64,
    /// A client that has not sent a request's headers within this long is disconnected, so
    /// that slow clients cannot hold connections open (a "slowloris").
    pub header_read_timeout_seconds: u64,
    /// At most this long is spent finishing in-flight requests after SIGTERM
    /// (Toolforge kills the container 15 s after it).
    pub shutdown_grace_seconds: u64,
    /// The tool's MediaWiki OAuth 2 consumer (only tools with login use it).
    pub oauth: crate::login::oauth::OAuthConfig,
}

impl Default for PlatformConfig {
    fn default() -> Self {
        Self {
            port: 8000,
            secret_key: None,
            contact: None,
            request_timeout_seconds: 30,
            header_read_timeout_seconds: 10,
            shutdown_grace_seconds: 10,
            oauth: crate::login::oauth::OAuthConfig::default(),
        }
    }
}

/// For a tool with no settings of its own.
#[derive(Debug, Default, Deserialize)]
pub struct NoSettings {}

/// Whether the tool runs with a configured secret key, or locally with a throw-away one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Production,
    LocalDevelopment,
}

/// A tool's whole configuration: the platform's settings and the tool's own, read from the same
/// sources. Tool settings must have defaults, so that a tool starts with no configuration at all.
#[derive(Debug)]
pub struct Config<T> {
    pub platform: PlatformConfig,
    pub tool: T,
}

impl<T> Config<T> {
    pub fn mode(&self) -> Mode {
        if self.platform.secret_key.is_some() {
            Mode::Production
        } else {
            Mode::LocalDevelopment
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error(
        "{path} is readable or writable by other users (mode {mode:o}); it may hold secrets, and whoever can write it can change the tool's secret key and OAuth consumer, so run `chmod go-rwx {path}`"
    )]
    FileReadableByOthers { path: String, mode: u32 },
    #[error("cannot read {path}: {source}")]
    FileUnreadable {
        path: String,
        source: std::io::Error,
    },
    #[error("invalid configuration: {0}")]
    Invalid(Box<figment::Error>),
    #[error(
        "TOOL_SECRET_KEY must be at least {MIN_SECRET_KEY_BYTES} bytes long (it has {0}); generate one with `openssl rand -base64 48`"
    )]
    SecretKeyTooShort(usize),
    #[error(
        "this looks like Toolforge ({0} is set) but TOOL_SECRET_KEY is not: set it with `toolforge envvars create TOOL_SECRET_KEY`"
    )]
    SecretKeyMissingOnToolforge(&'static str),
}

impl From<figment::Error> for ConfigError {
    fn from(error: figment::Error) -> Self {
        Self::Invalid(Box::new(error))
    }
}

/// Environment variables Toolforge injects into every tool's containers; any one of them
/// means "this is production", where a missing secret key is an error and not a dev default.
const TOOLFORGE_MARKERS: [&str; 3] = [
    "TOOL_DATA_DIR",
    "TOOL_TOOLSDB_USER",
    "TOOL_TOOLFORGE_API_URL",
];

/// Loads the configuration from the working directory's `config.toml` and the process environment.
pub fn load<T: DeserializeOwned>() -> Result<Config<T>, ConfigError> {
    load_from(Path::new(CONFIG_FILE), &ProcessEnvironment)
}

/// Where environment variables come from; tests pass a fixed map instead of the process's.
pub trait Environment {
    fn vars(&self) -> Vec<(String, String)>;
}

/// The real process environment.
#[derive(Debug)]
pub struct ProcessEnvironment;

impl Environment for ProcessEnvironment {
    fn vars(&self) -> Vec<(String, String)> {
        // Variables that are not valid Unicode cannot be configuration here; skip, don't panic.
        std::env::vars_os()
            .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
            .collect()
    }
}

impl Environment for [(&str, &str)] {
    fn vars(&self) -> Vec<(String, String)> {
        self.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }
}

/// As [`load`], with the file and environment given explicitly.
pub fn load_from<T: DeserializeOwned>(
    config_file: &Path,
    environment: &(impl Environment + ?Sized),
) -> Result<Config<T>, ConfigError> {
    let vars = environment.vars();
    let mut figment = Figment::new();
    if let Some(file) = private_file(config_file)? {
        figment = figment.merge(Toml::file_exact(file));
    }
    figment = figment
        .merge(VerbatimEnv::new(&vars))
        // `PORT` is Toolforge's name, not ours, so it has no prefix.
        .merge(PortEnv::new(&vars));

    // Lossy: a string such as "8000" may fill a number field, since every environment value
    // arrives as a string (see `VerbatimEnv`).
    let platform: PlatformConfig = figment.extract_lossy()?;
    let tool: T = figment.extract_lossy()?;

    if let Some(key) = &platform.secret_key {
        let length = key.expose_secret().len();
        if length < MIN_SECRET_KEY_BYTES {
            return Err(ConfigError::SecretKeyTooShort(length));
        }
    } else if let Some(marker) = TOOLFORGE_MARKERS
        .into_iter()
        .find(|marker| vars.iter().any(|(name, _)| name == marker))
    {
        return Err(ConfigError::SecretKeyMissingOnToolforge(marker));
    }
    Ok(Config { platform, tool })
}

/// Returns the file if it exists, refusing one that group or others may read or write: a reader
/// learns the secrets, a writer can replace them (a secret key of their choosing forges
/// sessions).
fn private_file(path: &Path) -> Result<Option<PathBuf>, ConfigError> {
    let metadata = match fs::metadata(path) {
        Ok(metadata) => metadata,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(ConfigError::FileUnreadable {
                path: path.display().to_string(),
                source,
            });
        }
    };
    let mode = metadata.permissions().mode() & 0o777;
    if mode & 0o066 != 0 {
        return Err(ConfigError::FileReadableByOthers {
            path: path.display().to_string(),
            mode,
        });
    }
    Ok(Some(path.to_path_buf()))
}

/// `TOOL_*` variables as nested string values, exactly as written.
///
/// figment's own `Env` parses values TOML-style, so `TOOL_SECRET_KEY=12345` would arrive as a
/// number (and not load into a string field) and `TOOL_OAUTH__CLIENT_ID=007` would become `7`.
/// Secrets and ids must arrive verbatim, so everything is a string here and number or boolean
/// fields are filled by `extract_lossy`.
struct VerbatimEnv {
    values: Vec<(Vec<String>, String)>,
}

impl VerbatimEnv {
    fn new(vars: &[(String, String)]) -> Self {
        let values = vars
            .iter()
            .filter_map(|(name, value)| {
                let rest = name.strip_prefix(ENV_PREFIX)?;
                let key = rest
                    .split("__")
                    .map(str::to_ascii_lowercase)
                    .collect::<Vec<_>>();
                // `TOOL_` alone, or `TOOL_A____B`, names no key.
                if key.iter().any(String::is_empty) {
                    return None;
                }
                Some((key, value.clone()))
            })
            .collect();
        Self { values }
    }
}

impl Provider for VerbatimEnv {
    fn metadata(&self) -> Metadata {
        Metadata::named("environment variable").interpolater(|_profile, keys| {
            let names: Vec<_> = keys.iter().map(|k| k.to_ascii_uppercase()).collect();
            format!("{ENV_PREFIX}{}", names.join("__"))
        })
    }

    fn data(&self) -> Result<Map<Profile, Dict>, figment::Error> {
        let mut root = Dict::new();
        for (key, value) in &self.values {
            insert_nested(&mut root, key, value);
        }
        Ok(Profile::Default.collect(root))
    }
}

/// Puts `value` at `path` below `dict`, creating tables on the way. Where a shorter key already
/// holds a plain value (`TOOL_OAUTH=x` and `TOOL_OAUTH__CLIENT_ID=y`), the table wins: the plain
/// value cannot be meant as configuration of that table.
fn insert_nested(dict: &mut Dict, path: &[String], value: &str) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut current = dict;
    for parent in parents {
        let entry = current
            .entry(parent.clone())
            .or_insert_with(|| Value::from(Dict::new()));
        if entry.as_dict().is_none() {
            *entry = Value::from(Dict::new());
        }
        let Value::Dict(_, table) = entry else {
            return;
        };
        current = table;
    }
    if !matches!(current.get(last), Some(Value::Dict(..))) {
        current.insert(last.clone(), Value::from(value.to_owned()));
    }
}

/// Toolforge's `PORT`, which has no `TOOL_` prefix.
struct PortEnv {
    port: Option<String>,
}

impl PortEnv {
    fn new(vars: &[(String, String)]) -> Self {
        let port = vars
            .iter()
            .find(|(name, _)| name == "PORT")
            .map(|(_, value)| value.clone());
        Self { port }
    }
}

impl Provider for PortEnv {
    fn metadata(&self) -> Metadata {
        Metadata::named("environment variable").interpolater(|_, _| "PORT".to_owned())
    }

    fn data(&self) -> Result<Map<Profile, Dict>, figment::Error> {
        let mut dict = Dict::new();
        if let Some(port) = &self.port {
            dict.insert("port".to_owned(), Value::from(port.clone()));
        }
        Ok(Profile::Default.collect(dict))
    }
}
