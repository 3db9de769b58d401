//! `just bench lexeme-forms`, after the web benchmark: how long the tool itself takes to render
//! its heaviest pages in-process (no socket, no wrk): the index of 256 templates and the
//! 168-form `czech-adjective` template, empty and filled in from the address as other tools
//! link to it. A report for humans comparing changes; nothing here passes or fails on speed.

use std::time::Instant;

use test_support::TestClient;

const ROUNDS: u32 = 500;

async fn measure(client: &mut TestClient, label: &str, path: &str) {
    // Warm up: templates parsed, caches filled.
    assert_eq!(client.get(path).await.status.as_u16(), 200, "{path}");
    let started = Instant::now();
    let mut bytes = 0;
    for _ in 0..ROUNDS {
        bytes = client.get(path).await.body.len();
    }
    let per_request = started.elapsed() / ROUNDS;
    println!(
        "{label:<44} {:>8.1} µs/request  {bytes:>7} bytes",
        per_request.as_secs_f64() * 1e6
    );
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let config = test_support::config::<lexeme_forms::Settings>(&[(
        "TOOL_SECRET_KEY",
        "bench-secret-key-0123456789abcdefghij",
    )]);
    let platform = lexeme_forms::platform(&config).expect("platform");
    let mut client = TestClient::new(lexeme_forms::app(&platform, &config.tool).expect("app"));
    let filled: String = (0..168)
        .map(|n| format!("form_representation=tvar{n}&"))
        .collect();
    println!("in-process rendering, {ROUNDS} requests each:");
    measure(&mut client, "index (256 templates)", "/").await;
    measure(
        &mut client,
        "czech-adjective (168 forms)",
        "/template/czech-adjective/",
    )
    .await;
    measure(
        &mut client,
        "czech-adjective, 168 values from the address",
        &format!("/template/czech-adjective/?{filled}"),
    )
    .await;
    measure(
        &mut client,
        "german-noun-masculine (8 forms)",
        "/template/german-noun-masculine/",
    )
    .await;
}
