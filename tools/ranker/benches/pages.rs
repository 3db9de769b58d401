//! `just bench ranker`: how long Ranker's two big pages take, in process against the fake
//! wiki of `test-support` (which answers at once, so the numbers are the tool's own cost plus
//! local HTTP to the fake):
//!
//! - the edit page of an entity with 1,000 statements of one property, once with every value
//!   still to be formatted and then with the values cached (the median of 20 views);
//! - a batch of 1,000 statements on 1,000 entities: the first run (1,000 edits) and a second
//!   run that finds nothing to change, which is reading the entities (20 requests of 50) and
//!   rendering the results page of 1,000 rows (the median of 10).
//!
//! A report for humans comparing changes; nothing here passes or fails on speed.

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use axum::http::StatusCode;
use test_support::string_statement;

const STATEMENTS: usize = 1_000;

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn ms(duration: Duration) -> String {
    format!("{:.1} ms", duration.as_secs_f64() * 1000.0)
}

#[tokio::main]
async fn main() {
    let mut setup = common::logged_in().await;

    let statements = (1..=STATEMENTS)
        .map(|n| string_statement(&format!("Q1$s{n}"), "P31", &format!("value {n}"), "normal"))
        .collect();
    setup.wikibase.add_entity("Q1", statements);
    let path = "/edit/www.wikidata.org/Q1/P31/";
    let start = Instant::now();
    let cold = setup.client.get(path).await;
    let cold_time = start.elapsed();
    assert_eq!(cold.status, StatusCode::OK);
    let mut warm = Vec::new();
    for _ in 0..20 {
        let start = Instant::now();
        let page = setup.client.get(path).await;
        warm.push(start.elapsed());
        assert_eq!(page.status, StatusCode::OK);
    }
    println!(
        "== edit page, {STATEMENTS} statements ({} KiB)",
        cold.body.len() / 1024
    );
    println!("values not cached yet: {}", ms(cold_time));
    println!("values cached:         {} (median of 20)", ms(median(warm)));

    let mut lines = String::new();
    for n in 1..=STATEMENTS {
        let id = format!("Q{}", n + 1);
        setup.wikibase.add_entity(
            &id,
            vec![string_statement(&format!("{id}$x"), "P31", "x", "normal")],
        );
        lines.push_str(&format!("{id}$x\n"));
    }
    let batch = "/batch/list/collective/www.wikidata.org/set/deprecated";
    let start = Instant::now();
    let first = setup.post(batch, &[("statement_ids", &lines)]).await;
    let first_time = start.elapsed();
    assert_eq!(first.status, StatusCode::OK);
    let mut again = Vec::new();
    for _ in 0..10 {
        let token = setup.csrf_token().await;
        let start = Instant::now();
        let page = setup
            .client
            .post_form(batch, &[("csrf_token", &token), ("statement_ids", &lines)])
            .await;
        again.push(start.elapsed());
        assert!(
            page.body.contains("0 entities edited, 1,000 unchanged")
                || page.body.contains("0 entities edited, 1000 unchanged")
        );
    }
    println!(
        "== batch of {STATEMENTS} statements on {STATEMENTS} entities ({} KiB results page)",
        first.body.len() / 1024
    );
    println!("first run ({STATEMENTS} edits): {}", ms(first_time));
    println!(
        "nothing to change (read + results page): {} (median of 10)",
        ms(median(again))
    );
}
