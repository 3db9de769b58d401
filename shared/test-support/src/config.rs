//! A tool's configuration for a test, from the given variables alone.

use std::path::Path;

use platform::config::{Config, load_from};
use serde::de::DeserializeOwned;

/// The configuration `env` (`TOOL_*` names and values) makes, with nothing read from the process
/// environment or from a `config.toml`: a developer's own file in the working directory must not
/// change what a test sees. Panics with the loader's reason if `env` is not a valid configuration.
pub fn config<T: DeserializeOwned>(env: &[(&str, &str)]) -> Config<T> {
    load_from(Path::new("/nonexistent/config.toml"), env).unwrap_or_else(|error| {
        let names: Vec<&str> = env.iter().map(|(name, _)| *name).collect();
        panic!("the test's configuration ({names:?}) does not load: {error}")
    })
}
