//! The processes the binary runs (the Procfile names them): the web service, the background
//! runner, and the runner's health check.

use tokio::sync::watch;

use crate::runner::Liveness;
use crate::store::Store;
use crate::{Settings, migrate_in_background, sealing_key};

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Config(#[from] platform::config::ConfigError),
    #[error(transparent)]
    OAuth(#[from] platform::login::oauth::OAuthError),
    #[error(transparent)]
    Platform(#[from] platform::PlatformError),
    #[error(transparent)]
    App(#[from] crate::AppError),
    #[error("the database configuration is not valid: {0}")]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Serve(#[from] platform::serving::serve::ServeError),
    #[error("{0}")]
    Unusable(&'static str),
}

/// The web service. With batches kept in memory, it also runs the background runner itself:
/// no other process can see its memory.
pub async fn web() -> Result<(), StartError> {
    let config = platform::config::load::<Settings>()?;
    let platform = crate::platform(&config)?;
    let store = crate::store(&config.tool)?;
    migrate_in_background(&store);
    let sealing = sealing_key(&platform, &store);
    let app = crate::app(&platform, &config.tool, store.clone(), sealing.clone())?;
    let (stop, stopped) = watch::channel(false);
    let in_process_runner = match (&store, sealing) {
        (Store::Memory(_), Some(sealing)) => {
            tracing::info!("batches are in memory: background runs happen in this process");
            let runner = crate::runner(&platform, &config.tool, store, sealing)?;
            Some(tokio::spawn(runner.run(stopped)))
        }
        _ => None,
    };
    platform.serve(app).await?;
    let _ = stop.send(true);
    if let Some(runner) = in_process_runner {
        let _ = runner.await;
    }
    Ok(())
}

/// The background runner (Procfile `runner`): until SIGTERM, then the command in progress is
/// finished and the process exits 0.
pub async fn runner() -> Result<(), StartError> {
    let config = platform::config::load::<Settings>()?;
    let platform = crate::platform(&config)?;
    let store = crate::store(&config.tool)?;
    if matches!(store, Store::Memory(_)) {
        return Err(StartError::Unusable(
            "no database configured: the runner works on the batches in the database the web service uses \
             (set TOOL_DATABASE__URL, or run on Toolforge with ToolsDB); without a database the web service runs background batches itself",
        ));
    }
    let Some(sealing) = sealing_key(&platform, &store) else {
        return Err(StartError::Unusable(
            "TOOL_SECRET_KEY is not set: the runner needs the web service's secret key to open the authorizations it stored",
        ));
    };
    migrate_in_background(&store);
    let runner = crate::runner(&platform, &config.tool, store, sealing)?
        .with_liveness(Liveness::new(&config.tool.runner.liveness_file));
    let (stop, stopped) = watch::channel(false);
    tokio::spawn(async move {
        let signal = platform::serving::serve::shutdown_signal().await;
        tracing::info!(signal, "stopping after the command in progress");
        let _ = stop.send(true);
    });
    runner.run(stopped).await;
    Ok(())
}

/// The runner's health check (toolforge.yaml `health_check_script`): succeeds if the runner
/// proved it is alive since the previous check.
pub fn check_runner() -> Result<(), String> {
    let config = platform::config::load::<Settings>().map_err(|error| error.to_string())?;
    let liveness = Liveness::new(&config.tool.runner.liveness_file);
    liveness.check().map_err(|error| {
        format!(
            "the runner has not shown it is alive since the last check ({}: {error})",
            liveness.path().display()
        )
    })
}
