//! Putting the application on a socket, and taking it off again gracefully.
//!
//! The connection loop is the platform's own rather than `axum::serve`: that one gives hyper no
//! timer, so hyper's header-read timeout never applies, and a client that sends its headers a
//! byte at a time holds a connection (and a task) for as long as it likes. Here each connection
//! must deliver a request's headers within `header_read_timeout_seconds`; the request's body
//! and answer are bounded by the request timeout (`pipeline`).

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;

use crate::serving::app::Platform;

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot listen on {address}: {source}")]
    Bind {
        address: SocketAddr,
        source: std::io::Error,
    },
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
        let mut connections = http1::Builder::new();
        connections
            .timer(TokioTimer::new())
            .header_read_timeout(self.header_read_timeout);
        let graceful = GracefulShutdown::new();
        let signal = shutdown_signal();
        tokio::pin!(signal);
        loop {
            tokio::select! {
                accepted = listener.accept() => {
                    let stream = match accepted {
                        Ok((stream, _peer)) => stream,
                        Err(error) => {
                            pause_after_accept_error(&error).await;
                            continue;
                        }
                    };
                    let service = TowerToHyperService::new(app.clone());
                    let connection = graceful.watch(
                        connections.serve_connection(TokioIo::new(stream), service),
                    );
                    tokio::spawn(async move {
                        // A client that went away or was too slow with its headers: nothing
                        // the tool did, so not worth more than a debug line.
                        if let Err(error) = connection.await {
                            tracing::debug!(%error, "connection ended with an error");
                        }
                    });
                }
                signal = &mut signal => {
                    tracing::info!(signal, "shutting down: no new connections, finishing requests");
                    break;
                }
            }
        }
        drop(listener);
        let grace = self.shutdown_grace;
        tokio::select! {
            () = graceful.shutdown() => {}
            () = tokio::time::sleep(grace) => {
                tracing::warn!(grace_seconds = grace.as_secs(), "requests still running after the grace period; exiting anyway");
            }
        }
        tracing::info!("stopped");
        Ok(())
    }
}

/// After a failed `accept`: a connection the client abandoned while queued is nothing, but
/// running out of file descriptors would fail again at once, so wait a moment (as hyper's and
/// axum's own loops do) instead of spinning.
async fn pause_after_accept_error(error: &std::io::Error) {
    use std::io::ErrorKind;
    if matches!(
        error.kind(),
        ErrorKind::ConnectionAborted | ErrorKind::ConnectionReset | ErrorKind::ConnectionRefused
    ) {
        return;
    }
    tracing::error!(%error, "cannot accept connections; trying again in a second");
    tokio::time::sleep(Duration::from_secs(1)).await;
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
