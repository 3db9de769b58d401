//! Slow clients cannot hold the server: headers must arrive within the header-read timeout, and
//! a form's body within the request timeout. On a real socket, since both are about how bytes
//! arrive; the timeouts are set to one second, and each test allows several.

use std::time::Duration;

use axum::Router;
use axum::routing::post;
use platform::config::NoSettings;
use platform::{Platform, ToolInfo};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const TOOL: ToolInfo = ToolInfo {
    name: "example-tool",
    version: "1.0.0",
    repository: "https://example.org/source",
};

/// Long enough that a server without the timeout is plainly still waiting.
const PATIENCE: Duration = Duration::from_secs(6);

async fn server() -> std::net::SocketAddr {
    let config = test_support::config::<NoSettings>(&[
        ("TOOL_HEADER_READ_TIMEOUT_SECONDS", "1"),
        ("TOOL_REQUEST_TIMEOUT_SECONDS", "1"),
    ]);
    let platform = Platform::new(TOOL, "Example Tool", &config);
    let app = platform.router(Router::new().route("/form", post(|| async { "saved" })));
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move { platform.serve_on(listener, app).await });
    address
}

/// Everything the server sends until it closes the connection, or `None` if it kept the
/// connection open for all of [`PATIENCE`].
async fn until_closed(stream: &mut TcpStream) -> Option<String> {
    let mut received = Vec::new();
    tokio::time::timeout(PATIENCE, stream.read_to_end(&mut received))
        .await
        .ok()
        .map(|_| String::from_utf8_lossy(&received).into_owned())
}

#[tokio::test]
async fn a_client_that_never_finishes_its_headers_is_disconnected() {
    let address = server().await;
    let mut stream = TcpStream::connect(address).await.expect("connect");
    stream
        .write_all(b"GET / HTTP/1.1\r\nHost: test\r\nX-Slow: ")
        .await
        .expect("write");
    let answer = until_closed(&mut stream).await;
    let answer = answer.expect("the server closes the connection instead of waiting on");
    // hyper answers 408 where it can, or just closes: either way the connection is gone.
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 408"),
        "{answer}"
    );
}

#[tokio::test]
async fn a_form_whose_body_never_arrives_gets_the_timeout_page() {
    let address = server().await;
    let mut stream = TcpStream::connect(address).await.expect("connect");
    // The headers promise 100 bytes of form; only the start of it comes. The CSRF check reads
    // the body for its token, so without a deadline it would wait for the rest for ever.
    stream
        .write_all(
            b"POST /form HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\
              Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\n\
              csrf_token=",
        )
        .await
        .expect("write");
    let answer = until_closed(&mut stream).await;
    let answer = answer.expect("the server answers instead of waiting for the body");
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(
        answer.contains("<html"),
        "the timeout page in the layout: {answer}"
    );
}

#[tokio::test]
async fn a_prompt_client_is_served_as_before() {
    let address = server().await;
    let mut stream = TcpStream::connect(address).await.expect("connect");
    stream
        .write_all(b"GET /nowhere HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
        .await
        .expect("write");
    let answer = until_closed(&mut stream)
        .await
        .expect("answered and closed");
    assert!(answer.starts_with("HTTP/1.1 404"), "{answer}");
}
