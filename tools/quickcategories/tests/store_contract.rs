//! One contract, two stores: every test runs against the in-memory store and against MariaDB
//! (a fresh database per test, from test-support's harness).

use quickcategories::command::parse_line;
use quickcategories::preferences::{Preferences, Watchlist};
use quickcategories::store::{
    BatchStore, CommandStatus, Creator, FINISHED, MariaDbStore, MemoryStore, NewBatch, Outcome,
    Progress, SealedCredentials, StoredCommand, WEB_CLAIM_TIMEOUT_SECONDS,
};
use sqlx::mysql::MySqlConnectOptions;
use std::str::FromStr;
use test_support::TestDatabase;

fn new_batch(title: &str, lines: &[&str]) -> NewBatch {
    NewBatch {
        domain: "en.wikipedia.org".to_owned(),
        title: title.to_owned(),
        creator: Creator {
            name: "Example".to_owned(),
            sub: "1234".to_owned(),
        },
        commands: lines
            .iter()
            .map(|line| parse_line(line).expect("valid command"))
            .collect(),
    }
}

async fn creates_and_reads_back_a_batch(store: impl BatchStore) {
    let lines = [
        "A|+Category:X",
        "B#resolve_redirects=no|-Category:Y#k",
        "Ü ñ|+Category:Z###key",
    ];
    let id = store
        .create_batch(new_batch("My “batch”", &lines))
        .await
        .expect("created");
    let batch = store.batch(id).await.expect("read").expect("exists");
    assert_eq!(batch.id, id);
    assert_eq!(batch.title, "My “batch”");
    assert_eq!(batch.domain, "en.wikipedia.org");
    assert_eq!(batch.creator.sub, "1234");
    let texts: Vec<String> = batch
        .commands
        .iter()
        .map(|c| c.command.to_string())
        .collect();
    assert_eq!(texts, lines);
    assert!(
        batch
            .commands
            .iter()
            .all(|c| c.status == CommandStatus::Planned)
    );
    assert_eq!(
        batch
            .commands
            .iter()
            .map(|c| c.position)
            .collect::<Vec<_>>(),
        [0, 1, 2]
    );
    assert!(store.batch(id + 1000).await.expect("read").is_none());
}

async fn takes_planned_commands_in_order_once(store: impl BatchStore) {
    let id = store
        .create_batch(new_batch(
            "",
            &["A|+Category:X", "B|+Category:X", "C|+Category:X"],
        ))
        .await
        .expect("created");
    let first = store.take_planned(id, 2).await.expect("taken");
    assert_eq!(
        first
            .iter()
            .map(|c| c.command.page.as_str())
            .collect::<Vec<_>>(),
        ["A", "B"]
    );
    assert!(first.iter().all(|c| c.status == CommandStatus::Pending));
    let second = store.take_planned(id, 2).await.expect("taken");
    assert_eq!(
        second
            .iter()
            .map(|c| c.command.page.as_str())
            .collect::<Vec<_>>(),
        ["C"]
    );
    assert!(store.take_planned(id, 2).await.expect("taken").is_empty());
}

async fn stores_outcomes_and_counts_progress(store: impl BatchStore) {
    let id = store
        .create_batch(new_batch(
            "",
            &[
                "A|+Category:X",
                "B|+Category:X",
                "C|+Category:X",
                "D|+Category:X",
            ],
        ))
        .await
        .expect("created");
    let taken = store.take_planned(id, 3).await.expect("taken");
    store
        .finish_command(taken[0].id, &Outcome::Edited { revision: 42 })
        .await
        .expect("stored");
    store
        .finish_command(
            taken[1].id,
            &Outcome::Protected {
                info: "This page has been protected".to_owned(),
            },
        )
        .await
        .expect("stored");
    let batch = store.batch(id).await.expect("read").expect("exists");
    assert_eq!(
        batch.commands[0].status,
        CommandStatus::Done(Outcome::Edited { revision: 42 })
    );
    assert_eq!(
        batch.commands[1].status,
        CommandStatus::Done(Outcome::Protected {
            info: "This page has been protected".to_owned()
        })
    );
    assert_eq!(batch.commands[2].status, CommandStatus::Pending);
    let expected = Progress {
        planned: 1,
        pending: 1,
        succeeded: 1,
        failed: 1,
    };
    assert_eq!(batch.progress(), expected);
    let (list, total) = store.list_batches(0, 10).await.expect("listed");
    assert_eq!(total, 1);
    assert_eq!(list[0].progress, expected);
}

async fn lists_newest_first_with_paging(store: impl BatchStore) {
    let mut ids = Vec::new();
    for n in 0..5 {
        ids.push(
            store
                .create_batch(new_batch(&format!("batch {n}"), &["A|+Category:X"]))
                .await
                .expect("created"),
        );
    }
    let (page, total) = store.list_batches(1, 2).await.expect("listed");
    assert_eq!(total, 5);
    assert_eq!(
        page.iter().map(|b| b.id).collect::<Vec<_>>(),
        [ids[3], ids[2]]
    );
    assert_eq!(page[0].title, "batch 3");
    assert_eq!(page[0].creator_name, "Example");
    assert_eq!(page[0].progress.planned, 1);
    let (beyond, _) = store.list_batches(10, 2).await.expect("listed");
    assert!(beyond.is_empty());
}

async fn concurrent_takers_never_share_a_command(store: impl BatchStore + Clone + 'static) {
    let lines: Vec<String> = (0..60).map(|n| format!("Page {n}|+Category:X")).collect();
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    let id = store
        .create_batch(new_batch("", &refs))
        .await
        .expect("created");
    let mut tasks = Vec::new();
    for _ in 0..4 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let mut mine = Vec::new();
            loop {
                let taken = store.take_planned(id, 3).await.expect("taken");
                if taken.is_empty() {
                    return mine;
                }
                mine.extend(taken.into_iter().map(|c| c.id));
            }
        }));
    }
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await.expect("task"));
    }
    all.sort_unstable();
    let before = all.len();
    all.dedup();
    assert_eq!(before, 60, "every command taken");
    assert_eq!(all.len(), 60, "none taken twice");
}

async fn large_batches_round_trip(store: impl BatchStore) {
    let lines: Vec<String> = (0..1200)
        .map(|n| format!("Page {n}|+Category:X|-Category:Y"))
        .collect();
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    let id = store
        .create_batch(new_batch("", &refs))
        .await
        .expect("created");
    let batch = store.batch(id).await.expect("read").expect("exists");
    assert_eq!(batch.commands.len(), 1200);
    assert_eq!(batch.commands[1199].command.page, "Page 1199");
}

fn credentials(tag: &str) -> SealedCredentials {
    SealedCredentials {
        access_token: format!("sealed-access-{tag}"),
        refresh_token: format!("sealed-refresh-{tag}"),
        access_expires_at: 4_000_000_000,
    }
}

fn starter() -> Creator {
    Creator {
        name: "Example".to_owned(),
        sub: "1234".to_owned(),
    }
}

async fn one_background_run_at_a_time_with_history(store: impl BatchStore) {
    let id = store
        .create_batch(new_batch("", &["A|+Category:X"]))
        .await
        .expect("created");
    let run = store
        .start_background(id, &starter(), &credentials("1"))
        .await
        .expect("stored")
        .expect("started");
    assert_eq!(
        store
            .start_background(id, &starter(), &credentials("2"))
            .await
            .expect("stored"),
        None,
        "one active run per batch"
    );
    assert_eq!(
        store
            .start_background(id + 1000, &starter(), &credentials("3"))
            .await
            .expect("stored"),
        None,
        "no run of a batch that does not exist"
    );
    assert_eq!(
        store.credentials(run).await.expect("read"),
        Some(credentials("1"))
    );
    let batch = store.batch(id).await.expect("read").expect("exists");
    let active = batch.active_run().expect("active");
    assert_eq!((active.id, active.started_by.as_str()), (run, "Example"));

    assert!(
        store
            .stop_run(run, Some("Admin"), "stopped by Admin")
            .await
            .expect("stopped")
    );
    assert!(
        !store.stop_run(run, None, "again").await.expect("no-op"),
        "already stopped"
    );
    assert_eq!(
        store.credentials(run).await.expect("read"),
        None,
        "tokens deleted"
    );
    let batch = store.batch(id).await.expect("read").expect("exists");
    assert!(batch.active_run().is_none());
    let stop = batch.background[0].stopped.clone().expect("stopped");
    assert_eq!(
        (stop.by.as_deref(), stop.reason.as_str()),
        (Some("Admin"), "stopped by Admin")
    );

    let second = store
        .start_background(id, &starter(), &credentials("4"))
        .await
        .expect("stored")
        .expect("a new run after the stop");
    let batch = store.batch(id).await.expect("read").expect("exists");
    assert_eq!(
        batch.background.len(),
        2,
        "history keeps both runs, oldest first"
    );
    assert_eq!(batch.background[1].id, second);
}

async fn runners_claim_from_running_batches_in_turn(store: impl BatchStore) {
    let first = store
        .create_batch(new_batch("", &["A1|+Category:X", "A2|+Category:X"]))
        .await
        .expect("created");
    let idle = store
        .create_batch(new_batch("", &["I|+Category:X"]))
        .await
        .expect("created");
    let second = store
        .create_batch(new_batch("", &["B1|+Category:X"]))
        .await
        .expect("created");
    let run_a = store
        .start_background(first, &starter(), &credentials("a"))
        .await
        .expect("db")
        .expect("run");
    let run_b = store
        .start_background(second, &starter(), &credentials("b"))
        .await
        .expect("db")
        .expect("run");

    let mut pages = Vec::new();
    while let Some(claim) = store
        .claim_background_command("runner-1")
        .await
        .expect("claim")
    {
        assert_eq!(claim.command.status, CommandStatus::Pending);
        assert_eq!(claim.domain, "en.wikipedia.org");
        assert_eq!(claim.run, if claim.batch == first { run_a } else { run_b });
        pages.push(claim.command.command.page.clone());
        store
            .finish_command(claim.command.id, &Outcome::NoChange)
            .await
            .expect("finished");
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    assert_eq!(
        pages,
        ["A1", "B1", "A2"],
        "the batch that waited longest goes next"
    );
    let untouched = store.batch(idle).await.expect("read").expect("exists");
    assert_eq!(
        untouched.progress().planned,
        1,
        "batches not running are left alone"
    );

    assert!(store.end_run_if_done(run_a).await.expect("ended"));
    assert!(!store.end_run_if_done(run_a).await.expect("no-op"));
    let batch = store.batch(first).await.expect("read").expect("exists");
    let stop = batch.background[0].stopped.clone().expect("ended");
    assert_eq!((stop.by, stop.reason.as_str()), (None, FINISHED));
    assert_eq!(store.credentials(run_a).await.expect("read"), None);
}

async fn waiting_batches_are_skipped_until_their_time(store: impl BatchStore) {
    let id = store
        .create_batch(new_batch("", &["A|+Category:X"]))
        .await
        .expect("created");
    let run = store
        .start_background(id, &starter(), &credentials("1"))
        .await
        .expect("db")
        .expect("run");
    let now = i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("time")
            .as_secs(),
    )
    .expect("time");
    store
        .suspend_run(run, now + 600, "the wiki is lagged")
        .await
        .expect("suspended");
    assert!(
        store
            .claim_background_command("r")
            .await
            .expect("claim")
            .is_none()
    );
    let batch = store.batch(id).await.expect("read").expect("exists");
    let suspension = batch
        .active_run()
        .and_then(|r| r.suspended.clone())
        .expect("suspended");
    assert_eq!(
        (suspension.until, suspension.reason.as_str()),
        (now + 600, "the wiki is lagged")
    );
    store
        .suspend_run(run, now - 1, "over")
        .await
        .expect("suspended");
    let claim = store
        .claim_background_command("r")
        .await
        .expect("claim")
        .expect("its turn again");
    // Put back: planned again, and claimable again.
    store
        .release_command(claim.command.id)
        .await
        .expect("released");
    let again = store
        .claim_background_command("r")
        .await
        .expect("claim")
        .expect("claimable");
    assert_eq!(again.command.id, claim.command.id);
}

async fn heartbeats_plan_again_what_dead_runners_left(store: impl BatchStore) {
    let id = store
        .create_batch(new_batch(
            "",
            &["A|+Category:X", "B|+Category:X", "C|+Category:X"],
        ))
        .await
        .expect("created");
    store
        .start_background(id, &starter(), &credentials("1"))
        .await
        .expect("db")
        .expect("run");
    assert_eq!(store.heartbeat("alive").await.expect("heartbeat"), 0);
    let by_live = store
        .claim_background_command("alive")
        .await
        .expect("claim")
        .expect("A");
    let by_dead = store
        .claim_background_command("dead")
        .await
        .expect("claim")
        .expect("B");
    // A web request's slice ("Run the next commands now") that is still running.
    let by_web = store.take_planned(id, 1).await.expect("taken");
    assert_eq!(by_web.len(), 1);

    assert_eq!(
        store.heartbeat("alive").await.expect("heartbeat"),
        1,
        "only the dead runner's"
    );
    let batch = store.batch(id).await.expect("read").expect("exists");
    let status = |page: &str| {
        batch
            .commands
            .iter()
            .find(|c| c.command.page == page)
            .map(|c| c.status.clone())
    };
    assert_eq!(
        status(&by_dead.command.command.page),
        Some(CommandStatus::Planned)
    );
    assert_eq!(
        status(&by_live.command.command.page),
        Some(CommandStatus::Pending)
    );
    assert_eq!(
        status(&by_web[0].command.page),
        Some(CommandStatus::Pending)
    );

    // A runner that stops cleanly is gone at once: its pending commands are planned again.
    store
        .unregister_runner("alive")
        .await
        .expect("unregistered");
    assert_eq!(store.heartbeat("another").await.expect("heartbeat"), 1);
}

async fn a_slice_whose_request_died_is_taken_again_after_the_web_claim_timeout(
    store: impl BatchStore + Aging,
) {
    let id = store
        .create_batch(new_batch(
            "",
            &["A|+Category:X", "B|+Category:X", "C|+Category:X"],
        ))
        .await
        .expect("created");
    let other = store
        .create_batch(new_batch("", &["X|+Category:X"]))
        .await
        .expect("created");
    // Two requests that took a command each and died without storing anything.
    assert_eq!(
        pages(&store.take_planned(id, 1).await.expect("taken")),
        ["A"]
    );
    assert_eq!(
        pages(&store.take_planned(other, 1).await.expect("taken")),
        ["X"]
    );
    store.age_claims(WEB_CLAIM_TIMEOUT_SECONDS + 1).await;

    assert_eq!(
        pages(&store.take_planned(id, 2).await.expect("taken")),
        ["A", "B"],
        "the stale claim is planned again and taken in its place"
    );
    assert_eq!(
        pages(&store.take_planned(id, 2).await.expect("taken")),
        ["C"],
        "fresh claims are not taken again"
    );
    assert!(store.take_planned(id, 2).await.expect("taken").is_empty());
    let other = store.batch(other).await.expect("read").expect("exists");
    assert_eq!(
        other.commands[0].status,
        CommandStatus::Pending,
        "only the batch taken from is looked at"
    );
}

fn pages(commands: &[StoredCommand]) -> Vec<&str> {
    commands.iter().map(|c| c.command.page.as_str()).collect()
}

/// Ages a store's claims as if they had been taken `seconds` earlier: each store its own way.
trait Aging {
    async fn age_claims(&self, seconds: i64);
}

impl Aging for MemoryStore {
    async fn age_claims(&self, seconds: i64) {
        self.backdate_claims(seconds);
    }
}

impl Aging for MariaDbStore {
    async fn age_claims(&self, seconds: i64) {
        let pool = self.ready().await.expect("database");
        sqlx::query("UPDATE command SET claimed_at = claimed_at - ? WHERE claimed_at IS NOT NULL")
            .bind(seconds)
            .execute(pool)
            .await
            .expect("age the claims");
    }
}

async fn one_refresher_at_a_time(store: impl BatchStore) {
    let id = store
        .create_batch(new_batch("", &["A|+Category:X"]))
        .await
        .expect("created");
    let run = store
        .start_background(id, &starter(), &credentials("1"))
        .await
        .expect("db")
        .expect("run");
    let until = 4_000_000_000;
    assert!(store.lock_refresh(run, until).await.expect("lock"));
    assert!(!store.lock_refresh(run, until).await.expect("lock"), "held");
    store
        .store_credentials(run, &credentials("2"))
        .await
        .expect("stored");
    assert_eq!(
        store.credentials(run).await.expect("read"),
        Some(credentials("2"))
    );
    assert!(
        store.lock_refresh(run, until).await.expect("lock"),
        "released by storing"
    );
    store.stop_run(run, None, "revoked").await.expect("stopped");
    store
        .store_credentials(run, &credentials("3"))
        .await
        .expect("ignored");
    assert_eq!(
        store.credentials(run).await.expect("read"),
        None,
        "a stopped run gets no tokens back"
    );
    assert!(!store.lock_refresh(run, until).await.expect("lock"));
}

async fn a_runner_can_put_back_what_it_holds(store: impl BatchStore) {
    let id = store
        .create_batch(new_batch("", &["A|+Category:X", "B|+Category:X"]))
        .await
        .expect("created");
    store
        .start_background(id, &starter(), &credentials("1"))
        .await
        .expect("db")
        .expect("run");
    store
        .claim_background_command("mine")
        .await
        .expect("claim")
        .expect("A");
    store
        .claim_background_command("other")
        .await
        .expect("claim")
        .expect("B");
    assert_eq!(store.release_claims_of("mine").await.expect("released"), 1);
    let batch = store.batch(id).await.expect("read").expect("exists");
    let statuses: Vec<_> = batch.commands.iter().map(|c| c.status.clone()).collect();
    assert_eq!(statuses, [CommandStatus::Planned, CommandStatus::Pending]);
}

async fn heartbeats_end_runs_with_nothing_left(store: impl BatchStore) {
    let id = store
        .create_batch(new_batch("", &["A|+Category:X"]))
        .await
        .expect("created");
    let run = store
        .start_background(id, &starter(), &credentials("1"))
        .await
        .expect("db")
        .expect("run");
    let claim = store
        .claim_background_command("r")
        .await
        .expect("claim")
        .expect("A");
    store.heartbeat("r").await.expect("heartbeat");
    assert!(
        store.credentials(run).await.expect("read").is_some(),
        "still running: A is pending"
    );
    // The outcome is stored, but the runner died before ending the run.
    store
        .finish_command(claim.command.id, &Outcome::NoChange)
        .await
        .expect("finished");
    store.heartbeat("r").await.expect("heartbeat");
    let batch = store.batch(id).await.expect("read").expect("exists");
    assert_eq!(
        batch.background[0]
            .stopped
            .as_ref()
            .map(|s| s.reason.as_str()),
        Some(FINISHED)
    );
    assert!(store.credentials(run).await.expect("read").is_none());
}

async fn preferences_are_kept_per_user_and_replaced_whole(store: impl BatchStore) {
    assert_eq!(
        store.preferences("1234").await.expect("read"),
        Preferences::default(),
        "nothing stored: the defaults"
    );
    let chosen = Preferences::parse(
        "commons.wikimedia.org",
        "en.wikipedia.org\nde.wikipedia.org",
        "watch",
    )
    .expect("valid");
    store
        .store_preferences("1234", &chosen)
        .await
        .expect("stored");
    assert_eq!(store.preferences("1234").await.expect("read"), chosen);
    assert_eq!(
        store.preferences("5678").await.expect("read"),
        Preferences::default(),
        "another user's are their own"
    );
    let cleared = Preferences::parse("", "", "nochange").expect("valid");
    store
        .store_preferences("1234", &cleared)
        .await
        .expect("stored");
    assert_eq!(store.preferences("1234").await.expect("read"), cleared);
}

async fn a_claim_carries_the_watchlist_preference_of_who_started_the_run(store: impl BatchStore) {
    let first = store
        .create_batch(new_batch("", &["A|+Category:X"]))
        .await
        .expect("created");
    store
        .start_background(first, &starter(), &credentials("a"))
        .await
        .expect("started");
    let claim = store
        .claim_background_command("runner-1")
        .await
        .expect("claimed")
        .expect("a command");
    assert_eq!(
        claim.watchlist,
        Watchlist::Preferences,
        "no preference stored"
    );

    let watching = Preferences {
        watchlist: Watchlist::Watch,
        ..Preferences::default()
    };
    store
        .store_preferences(&starter().sub, &watching)
        .await
        .expect("stored");
    let second = store
        .create_batch(new_batch("", &["B|+Category:X"]))
        .await
        .expect("created");
    store
        .start_background(second, &starter(), &credentials("b"))
        .await
        .expect("started");
    let claim = store
        .claim_background_command("runner-1")
        .await
        .expect("claimed")
        .expect("a command");
    assert_eq!(claim.batch, second);
    assert_eq!(claim.watchlist, Watchlist::Watch);
}

async fn mariadb_store(database: &TestDatabase) -> MariaDbStore {
    let options = MySqlConnectOptions::from_str(database.url()).expect("URL parses");
    MariaDbStore::connect_lazy(options)
}

macro_rules! contract {
    ($($name:ident),* $(,)?) => {
        mod memory {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name(quickcategories::store::MemoryStore::new()).await;
                }
            )*
        }
        mod mariadb {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let database = test_support::test_database().await;
                    super::$name(super::mariadb_store(&database).await).await;
                }
            )*
        }
    };
}

contract!(
    creates_and_reads_back_a_batch,
    takes_planned_commands_in_order_once,
    stores_outcomes_and_counts_progress,
    lists_newest_first_with_paging,
    concurrent_takers_never_share_a_command,
    large_batches_round_trip,
    one_background_run_at_a_time_with_history,
    runners_claim_from_running_batches_in_turn,
    waiting_batches_are_skipped_until_their_time,
    heartbeats_plan_again_what_dead_runners_left,
    heartbeats_end_runs_with_nothing_left,
    a_runner_can_put_back_what_it_holds,
    one_refresher_at_a_time,
    a_slice_whose_request_died_is_taken_again_after_the_web_claim_timeout,
    preferences_are_kept_per_user_and_replaced_whole,
    a_claim_carries_the_watchlist_preference_of_who_started_the_run,
);

#[tokio::test]
async fn memory_store_is_a_batch_store() {
    // The in-memory store also backs `just run quickcategories`; make sure it is `Clone` + shared.
    let store = MemoryStore::new();
    let clone = store.clone();
    let id = store
        .create_batch(new_batch("", &["A|+Category:X"]))
        .await
        .expect("created");
    assert!(clone.batch(id).await.expect("read").is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migrations_apply_once_even_when_started_together() {
    let database = test_support::test_database().await;
    let first = mariadb_store(&database).await;
    let second = mariadb_store(&database).await;
    let (a, b) = tokio::join!(first.ready(), second.ready());
    assert!(a.is_ok() && b.is_ok(), "{:?} {:?}", a.err(), b.err());
    assert!(first.list_batches(0, 1).await.is_ok());
}
