//! `just bench quickcategories`: what the background runner costs per command (against the
//! fake wiki, which answers at once, so the numbers are the runner's and the store's own
//! overhead), and how long the page of a batch with 10,000 commands takes to render. Batches
//! in memory and in MariaDB (test-support's harness: TEST_MARIADB_URL, Docker, or mariadbd).
//!
//! A report for humans comparing changes; nothing here passes or fails on speed.
//! `BENCH_COMMANDS` sets the batch size of the runner measurement (default 2000).

#[path = "../tests/common/mod.rs"]
mod common;

use std::str::FromStr;
use std::time::{Duration, Instant};

use common::{RunningRunner, setup_with};
use quickcategories::store::{BatchStore, MariaDbStore, MemoryStore, Outcome, Store};
use sqlx::mysql::MySqlConnectOptions;

fn store_at(url: &str) -> Store {
    Store::MariaDb(MariaDbStore::connect_lazy(
        MySqlConnectOptions::from_str(url).expect("url"),
    ))
}

fn lines(count: usize) -> String {
    (1..=count)
        .map(|n| format!("Page {n}|+Category:Checked|-Category:Unchecked\n"))
        .collect()
}

/// Commands per second of `runners` runners over one batch of `count` commands.
async fn runner_throughput(label: &str, stores: Vec<Store>, count: usize) {
    let mut setup = setup_with(&[], stores[0].clone()).await;
    for n in 1..=count {
        setup
            .wiki
            .set(&format!("Page {n}"), "Text.\n[[Category:Unchecked]]");
    }
    let batch = setup
        .create(&lines(count))
        .await
        .location()
        .expect("batch created")
        .to_owned();
    assert_eq!(setup.start_background(&batch).await.status.as_u16(), 303);
    let id: u64 = batch
        .trim_matches(|c: char| !c.is_ascii_digit())
        .parse()
        .expect("batch id");

    let start = Instant::now();
    let runners: Vec<RunningRunner> = stores
        .iter()
        .map(|store| RunningRunner::start_quietly(setup.tool.runner(store.clone())))
        .collect();
    loop {
        let progress = setup
            .tool
            .store
            .batch(id)
            .await
            .expect("store")
            .expect("batch")
            .progress();
        if progress.planned == 0 && progress.pending == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let elapsed = start.elapsed();
    for runner in runners {
        runner.stop().await;
    }
    assert_eq!(
        setup.wiki.total_edits() as usize,
        count,
        "every page edited once"
    );
    println!(
        "{label:<28} {count:>6} commands in {:>7.2} s = {:>8.1} commands/s ({:.2} ms each)",
        elapsed.as_secs_f64(),
        count as f64 / elapsed.as_secs_f64(),
        elapsed.as_secs_f64() * 1000.0 / count as f64
    );
}

/// Render time of the page of a batch with 10,000 commands, half of them done.
async fn page_render(label: &str, store: Store) {
    const COMMANDS: usize = 10_000;
    let mut setup = setup_with(&[], store.clone()).await;
    let batch = setup
        .create(&lines(COMMANDS))
        .await
        .location()
        .expect("batch created")
        .to_owned();
    let id: u64 = batch
        .trim_matches(|c: char| !c.is_ascii_digit())
        .parse()
        .expect("batch id");
    let taken = store.take_planned(id, 5_000).await.expect("taken");
    for (n, command) in taken.iter().enumerate() {
        let outcome = if n % 10 == 0 {
            Outcome::NoChange
        } else {
            Outcome::Edited {
                revision: 1_000_000 + n as u64,
            }
        };
        store
            .finish_command(command.id, &outcome)
            .await
            .expect("finished");
    }
    let mut times = Vec::new();
    let mut bytes = 0;
    for _ in 0..20 {
        let start = Instant::now();
        let page = setup.client.get(&batch).await;
        times.push(start.elapsed());
        assert_eq!(page.status.as_u16(), 200);
        bytes = page.body.len();
    }
    times.sort_unstable();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{label:<28} page of {COMMANDS} commands: median {:>7.1} ms, min {:>7.1} ms, max {:>7.1} ms ({} KiB)",
        ms(times[times.len() / 2]),
        ms(times[0]),
        ms(times[times.len() - 1]),
        bytes / 1024
    );
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let count: usize = std::env::var("BENCH_COMMANDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    println!(
        "== background runner, fake wiki with no latency, on {} cores",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    runner_throughput(
        "memory, 1 runner",
        vec![Store::Memory(MemoryStore::new())],
        count,
    )
    .await;
    let database = test_support::test_database().await;
    println!("(MariaDB: {})", database.mode());
    runner_throughput("mariadb, 1 runner", vec![store_at(database.url())], count).await;
    let database = test_support::test_database().await;
    runner_throughput(
        "mariadb, 2 runners",
        vec![store_at(database.url()), store_at(database.url())],
        count,
    )
    .await;

    println!("== batch page");
    page_render("memory", Store::Memory(MemoryStore::new())).await;
    let database = test_support::test_database().await;
    page_render("mariadb", store_at(database.url())).await;
}
