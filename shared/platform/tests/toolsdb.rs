//! ToolsDB's pool and migrations against a real MariaDB (`test_support::test_database`): replicas
//! starting together, an outage at the start, a migration changed after it ran, the lock.

use std::str::FromStr;
use std::time::{Duration, Instant};

use platform::toolsdb::{Database, DatabaseSettings, MigrationError};
use secrecy::SecretString;
use sqlx::mysql::MySqlConnectOptions;
use sqlx::{Connection, MySqlConnection};
use test_support::{TcpProxy, TestDatabase};

fn migrations() -> sqlx::migrate::Migrator {
    sqlx::migrate!("tests/fixtures/toolsdb/migrations")
}

fn options(database: &TestDatabase) -> MySqlConnectOptions {
    MySqlConnectOptions::from_str(database.url()).expect("URL parses")
}

async fn visits(database: &Database) -> i64 {
    let pool = database.ready().await.expect("migrated");
    sqlx::query_scalar("SELECT COUNT(*) FROM visit")
        .fetch_one(pool)
        .await
        .expect("the migrations made the table")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replicas_migrating_together_apply_each_migration_once() {
    let database = test_support::test_database().await;
    let first = Database::connect_lazy(options(&database), migrations());
    let second = Database::connect_lazy(options(&database), migrations());
    let (a, b) = tokio::join!(first.ready(), second.ready());
    assert!(a.is_ok() && b.is_ok(), "{:?} {:?}", a.err(), b.err());
    // The first migration fails when run twice, the second would insert its row twice.
    assert_eq!(visits(&first).await, 1);
    assert_eq!(visits(&second).await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_down_at_the_start_is_tried_again_on_the_next_use() {
    let database = test_support::test_database().await;
    let proxy = TcpProxy::start(&database.server_address()).await;
    proxy.cut();
    let through_proxy = options(&database)
        .host("127.0.0.1")
        .port(proxy.address().port());
    let lazy = Database::connect_lazy(through_proxy, migrations());

    let error = lazy.ready().await.expect_err("the database is down");
    assert!(
        matches!(error, MigrationError::Unavailable(_)) && error.is_temporary(),
        "{error:?}"
    );

    proxy.restore();
    assert_eq!(visits(&lazy).await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_migration_changed_after_it_ran_is_not_retried() {
    let database = test_support::test_database().await;
    let original = Database::connect_lazy(options(&database), migrations());
    original.ready().await.expect("migrated");

    let changed = Database::connect_lazy(
        options(&database),
        sqlx::migrate!("tests/fixtures/toolsdb/changed"),
    );
    let error = changed.ready().await.expect_err("checksums differ");
    assert!(
        matches!(error, MigrationError::Inconsistent(_)) && !error.is_temporary(),
        "{error:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replica_waits_for_the_migration_lock_another_holds() {
    let database = test_support::test_database().await;
    let mut other = MySqlConnection::connect(database.url())
        .await
        .expect("connects");
    let name = format!("migrations:{}", database.name());
    let taken: i64 = sqlx::query_scalar("SELECT GET_LOCK(?, 0)")
        .bind(&name)
        .fetch_one(&mut other)
        .await
        .expect("lock");
    assert_eq!(taken, 1);

    let waiting = Database::connect_lazy(options(&database), migrations());
    let started = Instant::now();
    let migrating = tokio::spawn({
        let waiting = waiting.clone();
        async move { waiting.ready().await.map(|_| ()) }
    });
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(!migrating.is_finished(), "migrated while the lock was held");
    sqlx::query("SELECT RELEASE_LOCK(?)")
        .bind(&name)
        .execute(&mut other)
        .await
        .expect("release");

    migrating.await.expect("no panic").expect("migrated");
    assert!(started.elapsed() >= Duration::from_millis(500));
    assert_eq!(visits(&waiting).await, 1);
}

#[tokio::test]
async fn a_database_prints_no_password() {
    let options = DatabaseSettings::default()
        .connect_options(
            "my-tool",
            Some("s12345"),
            Some(&SecretString::from("hunter2")),
        )
        .expect("valid")
        .expect("configured");
    let database = Database::connect_lazy(options, migrations());
    let printed = format!("{database:?}");
    assert!(!printed.contains("hunter2"), "{printed}");
    assert!(printed.contains("migrations: 2"), "{printed}");
}
