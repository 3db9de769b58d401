//! The background runner against a real MariaDB and the fake wiki, which counts edits: what the
//! runner must never do is lose a command or make an edit twice.

mod common;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use axum::http::StatusCode;
use common::{RunningRunner, Setup, setup_with, url_through, wait_for_batch, wait_until_done};
use quickcategories::store::{BatchStore, CommandStatus, FINISHED, MariaDbStore, Outcome, Store};
use sqlx::mysql::MySqlConnectOptions;
use test_support::TestDatabase;

fn store_at(url: &str) -> Store {
    Store::MariaDb(MariaDbStore::connect_lazy(
        MySqlConnectOptions::from_str(url).expect("url"),
    ))
}

/// `count` pages `Page 1`… on the wiki and one batch adding a category to each, started in the
/// background; returns the batch's path.
async fn running_batch(setup: &mut Setup, count: usize) -> String {
    let mut commands = String::new();
    for n in 1..=count {
        setup
            .wiki
            .set(&format!("Page {n}"), &format!("Text of page {n}."));
        commands.push_str(&format!("Page {n}|+Category:Checked\n"));
    }
    let created = setup.create(&commands).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let batch = created.location().expect("batch").to_owned();
    let started = setup.start_background(&batch).await;
    assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.body);
    assert_eq!(started.location(), Some(batch.as_str()));
    batch
}

fn assert_each_page_edited_once(setup: &Setup, count: usize) {
    for n in 1..=count {
        let title = format!("Page {n}");
        assert_eq!(setup.wiki.edits(&title), 1, "{title} edited once");
        assert_eq!(
            setup.wiki.page(&title).as_deref(),
            Some(format!("Text of page {n}.\n[[Category:Checked]]").as_str())
        );
    }
}

async fn database_setup() -> (TestDatabase, Setup) {
    let database = test_support::test_database().await;
    let setup = setup_with(&[], store_at(database.url())).await;
    (database, setup)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_runners_share_a_batch_and_edit_each_page_exactly_once() {
    let (database, mut setup) = database_setup().await;
    running_batch(&mut setup, 200).await;

    // Two runners with their own connection pools, as two replicas would have.
    let first = RunningRunner::start(setup.tool.runner(store_at(database.url())));
    let second = RunningRunner::start(setup.tool.runner(store_at(database.url())));
    // Watch them work: at some moment both must hold a command of this batch at once.
    let pool = sqlx::MySqlPool::connect(database.url())
        .await
        .expect("pool");
    let mut most_claimers = 0;
    while most_claimers < 2 {
        let claimers: i64 = sqlx::query_scalar(
            "SELECT COUNT(DISTINCT claimed_by) FROM command WHERE status = 'pending'",
        )
        .fetch_one(&pool)
        .await
        .expect("query");
        most_claimers = most_claimers.max(claimers);
        let progress = setup
            .tool
            .store
            .batch(1)
            .await
            .expect("db")
            .expect("batch")
            .progress();
        if progress.planned == 0 {
            break;
        }
    }
    assert_eq!(
        most_claimers, 2,
        "both runners worked on the batch at the same time"
    );
    let batch = wait_until_done(&setup.tool.store, 1, Duration::from_secs(120)).await;
    first.stop().await;
    second.stop().await;

    assert_each_page_edited_once(&setup, 200);
    assert_eq!(setup.wiki.total_edits(), 200);
    assert!(
        batch
            .commands
            .iter()
            .all(|c| matches!(c.status, CommandStatus::Done(Outcome::Edited { .. })))
    );
    let run = batch.background.last().expect("the run");
    let stop = run.stopped.as_ref().expect("the run ended by itself");
    assert_eq!((stop.by.as_deref(), stop.reason.as_str()), (None, FINISHED));
    // Every edit was made as the batch's creator.
    let edits = setup.requests(&[("action", "edit")]);
    assert_eq!(edits.len(), 200);
    assert!(edits.iter().all(|r| r.user.as_deref() == Some("Creator")));

    // The tokens are gone once the run ended.
    let left: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM background_run WHERE access_token IS NOT NULL OR refresh_token IS NOT NULL",
    )
    .fetch_one(&pool)
    .await
    .expect("query");
    assert_eq!(left, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_are_stored_sealed() {
    let (database, mut setup) = database_setup().await;
    running_batch(&mut setup, 1).await;
    let pool = sqlx::MySqlPool::connect(database.url())
        .await
        .expect("pool");
    let (access, refresh): (String, String) =
        sqlx::query_as("SELECT access_token, refresh_token FROM background_run")
            .fetch_one(&pool)
            .await
            .expect("the run's tokens");
    // The fake wiki's tokens start with these words; sealed, nothing of them is readable.
    assert!(
        !access.contains("access-") && !access.contains("jjjj"),
        "{access}"
    );
    assert!(
        !refresh.contains("refresh-") && !refresh.contains("rrrr"),
        "{refresh}"
    );
    // And they still work: the runner opens them with the key derived from the same secret.
    let runner = RunningRunner::start(setup.tool.runner(store_at(database.url())));
    wait_until_done(&setup.tool.store, 1, Duration::from_secs(30)).await;
    runner.stop().await;
    assert_each_page_edited_once(&setup, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_outage_mid_batch_loses_and_repeats_nothing() {
    let database = test_support::test_database().await;
    let proxy = test_support::TcpProxy::start(&database.server_address()).await;
    let mut setup = setup_with(&[], store_at(database.url())).await;
    running_batch(&mut setup, 60).await;

    // The runner reaches the database through the proxy, which is cut mid-batch.
    let runner_store = store_at(&url_through(database.url(), &proxy.address().to_string()));
    let runner = RunningRunner::start(setup.tool.runner(runner_store));
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while setup.wiki.total_edits() < 15 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "runner made no progress"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    proxy.cut();
    let edits_during_outage = setup.wiki.total_edits();
    tokio::time::sleep(Duration::from_secs(2)).await;
    // At most the command in progress was finished on the wiki; nothing more was claimed.
    assert!(setup.wiki.total_edits() <= edits_during_outage + 1);
    proxy.restore();

    let batch = wait_until_done(&setup.tool.store, 1, Duration::from_secs(90)).await;
    runner.stop().await;
    assert_each_page_edited_once(&setup, 60);
    assert!(
        batch
            .commands
            .iter()
            .all(|c| matches!(c.status, CommandStatus::Done(Outcome::Edited { .. }))),
        "every outcome was stored, including the one finished during the outage"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_runner_stopped_mid_batch_finishes_its_command_and_the_next_one_completes() {
    let (database, mut setup) = database_setup().await;
    running_batch(&mut setup, 40).await;

    let first = RunningRunner::start(setup.tool.runner(store_at(database.url())));
    while setup.wiki.total_edits() < 10 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    first.stop().await;
    let stopped = setup.tool.store.batch(1).await.expect("db").expect("batch");
    let progress = stopped.progress();
    assert_eq!(
        progress.pending, 0,
        "the command in progress was finished and stored"
    );
    assert!(progress.planned > 0, "stopped mid-batch: {progress:?}");
    assert_eq!(u64::from(setup.wiki.total_edits()), progress.succeeded);

    let second = RunningRunner::start(setup.tool.runner(store_at(database.url())));
    wait_until_done(&setup.tool.store, 1, Duration::from_secs(60)).await;
    second.stop().await;
    assert_each_page_edited_once(&setup, 40);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commands_of_a_dead_runner_run_again_without_a_second_edit() {
    let (database, mut setup) = database_setup().await;
    running_batch(&mut setup, 3).await;
    let store = store_at(database.url());

    // A runner claims the first command, edits the page, and dies before storing the outcome.
    let claim = store
        .claim_background_command("runner-that-died")
        .await
        .expect("db")
        .expect("a command");
    assert_eq!(claim.command.command.page, "Page 1");
    setup
        .wiki
        .set("Page 1", "Text of page 1.\n\n[[Category:Checked]]");
    let stuck = store.batch(1).await.expect("db").expect("batch");
    assert_eq!(stuck.commands[0].status, CommandStatus::Pending);

    // The next runner's first heartbeat plans it again (no heartbeat from the dead one), and
    // running it again finds nothing to do.
    let runner = RunningRunner::start(setup.tool.runner(store_at(database.url())));
    let batch = wait_until_done(&setup.tool.store, 1, Duration::from_secs(30)).await;
    runner.stop().await;
    assert_eq!(
        batch.commands[0].status,
        CommandStatus::Done(Outcome::NoChange)
    );
    assert_eq!(setup.wiki.edits("Page 1"), 0, "no second edit");
    assert_eq!(
        setup.wiki.page("Page 1").as_deref(),
        Some("Text of page 1.\n\n[[Category:Checked]]"),
        "the same wikitext as after one run"
    );
    assert_eq!(
        (setup.wiki.edits("Page 2"), setup.wiki.edits("Page 3")),
        (1, 1)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_authorization_stops_the_run_with_the_reason() {
    let (database, mut setup) = database_setup().await;
    let batch_path = running_batch(&mut setup, 5).await;
    // The user revokes the grant: access and refresh tokens stop working.
    setup.fake.revoke_refresh_tokens();
    setup.fake.expire_access_tokens();

    let runner = RunningRunner::start(setup.tool.runner(store_at(database.url())));
    let batch = wait_for_batch(&setup.tool.store, 1, "the run stopping", |batch| {
        batch.active_run().is_none()
    })
    .await;
    runner.stop().await;

    let stop = batch.background[0].stopped.clone().expect("stopped");
    assert_eq!(stop.by, None);
    assert!(stop.reason.contains("no longer accepts"), "{}", stop.reason);
    assert_eq!(
        batch.progress().planned,
        5,
        "no command lost: all still planned"
    );
    assert_eq!(setup.wiki.total_edits(), 0);
    let page = setup.client.get(&batch_path).await;
    let banner = page.text_of("p.banner[role=status]");
    assert!(
        banner.starts_with("The background run stopped: The wiki no longer accepts"),
        "{banner}"
    );
    page.assert_none("meta[http-equiv=refresh]");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_access_tokens_are_refreshed_and_the_rotated_token_kept() {
    let (database, mut setup) = database_setup().await;
    // Tokens that expire at once: every turn needs a refresh, and each refresh revokes the
    // previous refresh token, so the runner must store each new one.
    setup.fake.set_token_lifetime(0);
    running_batch(&mut setup, 4).await;
    let runner = RunningRunner::start(setup.tool.runner(store_at(database.url())));
    let batch = wait_until_done(&setup.tool.store, 1, Duration::from_secs(30)).await;
    runner.stop().await;
    assert_each_page_edited_once(&setup, 4);
    let refreshes = setup
        .fake
        .token_requests()
        .iter()
        .filter(|r| r.get("grant_type").map(String::as_str) == Some("refresh_token"))
        .count();
    assert!(refreshes >= 4, "{refreshes} refreshes");
    assert_eq!(
        batch.background[0]
            .stopped
            .as_ref()
            .map(|s| s.reason.as_str()),
        Some(FINISHED)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lagged_wiki_makes_the_batch_wait_and_a_block_stops_it() {
    let (database, mut setup) = database_setup().await;
    let batch_path = running_batch(&mut setup, 2).await;
    setup.wiki.refuse_edits(Some((
        "maxlag",
        "Waiting for a database server: 7 seconds lagged.",
    )));
    let runner = RunningRunner::start(setup.tool.runner(store_at(database.url())));
    let batch = wait_for_batch(&setup.tool.store, 1, "the batch waiting", |batch| {
        batch
            .active_run()
            .is_some_and(|run| run.suspended.is_some())
    })
    .await;
    assert_eq!(
        batch.progress().planned,
        2,
        "the command was put back: {:?} {:?}",
        batch.commands,
        batch.background
    );
    runner.stop().await;
    let page = setup.client.get(&batch_path).await;
    let paused = page.text_of("section.background.running p.hint");
    assert!(
        paused.starts_with("Paused, waiting until") && paused.contains("lagged"),
        "{paused}"
    );
    assert_eq!(setup.wiki.total_edits(), 0);

    // The wait is over; now the user is blocked.
    sqlx::query("UPDATE background_run SET suspended_until = 0")
        .execute(
            &sqlx::MySqlPool::connect(database.url())
                .await
                .expect("pool"),
        )
        .await
        .expect("end the wait");
    setup
        .wiki
        .refuse_edits(Some(("blocked", "You have been blocked from editing.")));
    let runner = RunningRunner::start(setup.tool.runner(store_at(database.url())));
    let batch = wait_for_batch(&setup.tool.store, 1, "the run stopping", |batch| {
        batch.active_run().is_none()
    })
    .await;
    runner.stop().await;
    let reason = batch.background[0].stopped.clone().expect("stopped").reason;
    assert!(reason.contains("blocked"), "{reason}");
    assert_eq!(batch.progress().planned, 2);
}

/// The environment Toolforge would give the runner process, pointed at the test's wiki and
/// database.
fn process_env(setup: &Setup, database: &TestDatabase, liveness: &Path) -> Vec<(String, String)> {
    let mut env = vec![
        ("TOOL_SECRET_KEY".to_owned(), common::SECRET.to_owned()),
        ("TOOL_DATABASE__URL".to_owned(), database.url().to_owned()),
        ("TOOL_API_URL_TEMPLATE".to_owned(), setup.fake.api_url()),
        (
            "TOOL_RUNNER__LIVENESS_FILE".to_owned(),
            liveness.display().to_string(),
        ),
        ("TOOL_RUNNER__IDLE_SECONDS".to_owned(), "1".to_owned()),
        ("RUST_LOG".to_owned(), "warn".to_owned()),
    ];
    env.extend(
        setup
            .fake
            .oauth_env()
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v)),
    );
    env
}

fn binary(args: &[&str], env: &[(String, String)]) -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_quickcategories"));
    command.args(args).env_clear().envs(env.iter().cloned());
    command
}

async fn sigterm_and_wait(mut process: std::process::Child) {
    // The shell's own `kill`: no procps needed in a CI image.
    let status = std::process::Command::new("sh")
        .args(["-c", "kill -TERM \"$0\"", &process.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        if let Some(status) = process.try_wait().expect("wait") {
            assert!(status.success(), "exit status after SIGTERM: {status}");
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "still running 5 s after SIGTERM"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_runner_process_stops_on_sigterm_mid_batch_and_a_restart_completes_it() {
    let (database, mut setup) = database_setup().await;
    running_batch(&mut setup, 300).await;
    let liveness = std::env::temp_dir().join(format!(
        "quickcategories-runner-test-{}-{}.alive",
        std::process::id(),
        database.name()
    ));
    let env = process_env(&setup, &database, &liveness);

    let first = binary(&["runner"], &env).spawn().expect("runner starts");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while setup.wiki.total_edits() < 20 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the runner made no edits"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    // The health check script Toolforge runs: passes once per proof of life.
    let check = binary(&["check-runner"], &env)
        .output()
        .expect("check runs");
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    sigterm_and_wait(first).await;

    let stopped = setup.tool.store.batch(1).await.expect("db").expect("batch");
    let progress = stopped.progress();
    assert_eq!(
        progress.pending, 0,
        "the command in progress was finished and stored"
    );
    assert!(progress.planned > 0, "stopped mid-batch: {progress:?}");
    assert_eq!(u64::from(setup.wiki.total_edits()), progress.succeeded);
    // A stopped runner leaves no proof of life: the check fails (as for a stuck runner).
    let check = binary(&["check-runner"], &env)
        .output()
        .expect("check runs");
    assert!(!check.status.success());

    let second = binary(&["runner"], &env).spawn().expect("runner starts");
    wait_until_done(&setup.tool.store, 1, Duration::from_secs(60)).await;
    sigterm_and_wait(second).await;
    assert_each_page_edited_once(&setup, 300);
    let _ = std::fs::remove_file(&liveness);
}

#[tokio::test]
async fn the_runner_process_refuses_to_start_without_a_database() {
    let output = binary(
        &["runner"],
        &[("TOOL_SECRET_KEY".to_owned(), common::SECRET.to_owned())],
    )
    .output()
    .expect("runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("no database configured"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_wiki_is_tried_again_and_then_the_batch_waits() {
    let (database, mut setup) = database_setup().await;
    running_batch(&mut setup, 30).await;
    // The runner reaches the wiki's API through a proxy that the test cuts.
    let wiki_address = setup.fake.url().trim_start_matches("http://").to_owned();
    let proxy = test_support::TcpProxy::start(&wiki_address).await;
    let through_proxy = common::Tool::new(
        &common::env_for(
            &setup.fake,
            &[(
                "TOOL_API_URL_TEMPLATE",
                &format!("http://{}/w/api.php", proxy.address()),
            )],
        ),
        store_at(database.url()),
    );

    // A short outage: the command in hand is tried again after growing delays and succeeds.
    let runner = RunningRunner::start(through_proxy.runner(store_at(database.url())));
    while setup.wiki.total_edits() < 5 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    proxy.cut();
    tokio::time::sleep(Duration::from_millis(60)).await;
    proxy.restore();
    let batch = wait_until_done(&setup.tool.store, 1, Duration::from_secs(60)).await;
    runner.stop().await;
    assert_each_page_edited_once(&setup, 30);
    assert_eq!(
        batch.background[0]
            .stopped
            .as_ref()
            .map(|s| s.reason.as_str()),
        Some(FINISHED)
    );

    // A long one: after the last attempt the command goes back and the batch waits.
    setup.wiki.set("Late", "Text.");
    let created = setup.create("Late|+Category:Checked").await;
    let late = created.location().expect("batch").to_owned();
    assert_eq!(
        setup.start_background(&late).await.status,
        StatusCode::SEE_OTHER
    );
    proxy.cut();
    let runner = RunningRunner::start(through_proxy.runner(store_at(database.url())));
    let batch = wait_for_batch(&setup.tool.store, 2, "the batch waiting", |batch| {
        batch
            .active_run()
            .is_some_and(|run| run.suspended.is_some())
    })
    .await;
    assert_eq!(batch.progress().planned, 1, "the command was put back");
    let waiting = batch
        .active_run()
        .and_then(|run| run.suspended.clone())
        .expect("waiting");
    runner.stop().await;
    assert!(
        waiting.reason.contains("could not be reached"),
        "{}",
        waiting.reason
    );
    assert_eq!(setup.wiki.edits("Late"), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_claim_older_than_the_lease_is_planned_again_even_if_its_runner_lives() {
    let (database, mut setup) = database_setup().await;
    running_batch(&mut setup, 1).await;
    let store = store_at(database.url());
    store.heartbeat("alive").await.expect("heartbeat");
    store
        .claim_background_command("alive")
        .await
        .expect("db")
        .expect("a command");
    assert_eq!(store.heartbeat("alive").await.expect("heartbeat"), 0);
    // The runner failed to put it back, and a quarter of an hour went by.
    let pool = sqlx::MySqlPool::connect(database.url())
        .await
        .expect("pool");
    sqlx::query("UPDATE command SET claimed_at = claimed_at - ?")
        .bind(quickcategories::store::CLAIM_LEASE_SECONDS + 1)
        .execute(&pool)
        .await
        .expect("age the claim");
    assert_eq!(store.heartbeat("alive").await.expect("heartbeat"), 1);
    let batch = store.batch(1).await.expect("db").expect("batch");
    assert_eq!(batch.commands[0].status, CommandStatus::Planned);
}
