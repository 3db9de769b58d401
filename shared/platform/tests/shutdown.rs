//! Graceful shutdown: on SIGTERM the server stops accepting, lets a request in flight finish,
//! and returns normally. Its own test binary, since it signals its own process.

use std::time::Duration;

use axum::Router;
use axum::routing::get;
use platform::config::NoSettings;
use platform::{Platform, ToolInfo};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const TOOL: ToolInfo = ToolInfo {
    name: "example-tool",
    version: "1.0.0",
    repository: "https://example.org/source",
};

#[tokio::test]
async fn sigterm_lets_the_request_in_flight_finish_then_returns_ok() {
    let config = test_support::config::<NoSettings>(&[]);
    let platform = Platform::new(TOOL, "Example Tool", &config);
    let (started_tx, started_rx) = tokio::sync::oneshot::channel::<()>();
    let started_tx = std::sync::Arc::new(std::sync::Mutex::new(Some(started_tx)));
    let app = platform.router(Router::new().route(
        "/slow",
        get(move || {
            if let Some(tx) = started_tx.lock().expect("lock").take() {
                let _ = tx.send(());
            }
            async {
                tokio::time::sleep(Duration::from_millis(500)).await;
                "finished"
            }
        }),
    ));
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    let server = tokio::spawn(async move { platform.serve_on(listener, app).await });

    let client = tokio::spawn(async move {
        let mut stream = TcpStream::connect(address).await.expect("connect");
        stream
            .write_all(b"GET /slow HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
            .await
            .expect("write");
        let mut response = String::new();
        stream.read_to_string(&mut response).await.expect("read");
        response
    });

    started_rx.await.expect("request reached the handler");
    let status = std::process::Command::new("kill")
        .args(["-TERM", &std::process::id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());

    let response = client.await.expect("client task");
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.ends_with("finished"), "{response}");
    let result = tokio::time::timeout(Duration::from_secs(5), server)
        .await
        .expect("server stops within 5 s")
        .expect("server task");
    assert!(result.is_ok(), "{result:?}");
    assert!(
        TcpStream::connect(address).await.is_err(),
        "no longer accepting"
    );
}
