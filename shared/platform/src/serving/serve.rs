//! Putting the application on a socket, and taking it off again gracefully.

use std::net::{Ipv4Addr, SocketAddr};

use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::serving::app::Platform;

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot listen on {address}: {source}")]
    Bind {
        address: SocketAddr,
        source: std::io::Error,
    },
    #[error("server failed: {0}")]
    Serve(std::io::Error),
}

impl Platform {
    /// Serves `app` on `0.0.0.0:$PORT` until SIGTERM or SIGINT, then stops accepting, gives
    /// in-flight requests up to `shutdown_grace_seconds` to finish, and returns `Ok`.
    pub async fn serve(&self, app: Router) -> Result<(), ServeError> {
        let address = SocketAddr::from((Ipv4Addr::UNSPECIFIED, self.port));
        let listener = TcpListener::bind(address)
            .await
            .map_err(|source| ServeError::Bind { address, source })?;
        tracing::info!(%address, tool = self.tool().name, version = self.tool().version, "listening");
        self.serve_on(listener, app).await
    }

    /// As [`Platform::serve`], on a listener that is already bound (tests bind port 0).
    pub async fn serve_on(&self, listener: TcpListener, app: Router) -> Result<(), ServeError> {
        let (stopping_tx, mut stopping_rx) = watch::channel(false);
        let server = axum::serve(listener, app).with_graceful_shutdown(async move {
            let signal = shutdown_signal().await;
            tracing::info!(
                signal,
                "shutting down: no new connections, finishing requests"
            );
            let _ = stopping_tx.send(true);
        });
        let grace = self.shutdown_grace;
        let deadline = async move {
            let _ = stopping_rx.wait_for(|stopping| *stopping).await;
            tokio::time::sleep(grace).await;
        };
        tokio::select! {
            result = server => result.map_err(ServeError::Serve)?,
            () = deadline => {
                tracing::warn!(grace_seconds = grace.as_secs(), "requests still running after the grace period; exiting anyway");
            }
        }
        tracing::info!("stopped");
        Ok(())
    }
}

/// Waits for SIGTERM (Kubernetes stopping the pod) or SIGINT (Ctrl-C locally).
pub async fn shutdown_signal() -> &'static str {
    use tokio::signal::unix::{SignalKind, signal};
    let mut terminate = match signal(SignalKind::terminate()) {
        Ok(stream) => stream,
        Err(error) => {
            tracing::error!(%error, "cannot listen for SIGTERM; only Ctrl-C will stop gracefully");
            let _ = tokio::signal::ctrl_c().await;
            return "SIGINT";
        }
    };
    tokio::select! {
        _ = terminate.recv() => "SIGTERM",
        _ = tokio::signal::ctrl_c() => "SIGINT",
    }
}
