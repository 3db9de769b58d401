//! One contract, two stores: every test runs against the in-memory store and against MariaDB
//! (a fresh database per test, from test-support's harness).

use quickcategories::command::parse_line;
use quickcategories::store::{
    BatchStore, CommandStatus, Creator, MariaDbStore, MemoryStore, NewBatch, Outcome, Progress,
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
