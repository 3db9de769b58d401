//! Logging to stdout, where Toolforge collects it (`toolforge webservice logs`).

use tracing_subscriber::EnvFilter;

/// Logs at `info` unless `RUST_LOG` says otherwise. Call once, first thing in `main`.
pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_target(false)
        .init();
}
