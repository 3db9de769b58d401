//! ToolsDB, Toolforge's MariaDB service, for a tool that keeps data there: where it is and how
//! the tool logs in ([`DatabaseSettings`]), and a pool that connects when first used and
//! applies the tool's migrations before its first query ([`Database`]).
//!
//! Toolforge injects the tool's ToolsDB account into every container as `TOOL_TOOLSDB_USER`
//! and `TOOL_TOOLSDB_PASSWORD`; a tool reads them as its settings `toolsdb_user` and
//! `toolsdb_password` (a `SecretString`) and `[database]` / `TOOL_DATABASE__*` as a
//! [`DatabaseSettings`]. ToolsDB wants a tool's databases named `<user>__<name>`.
//!
//! The pool connects lazily and reconnects on its own, so a tool starts while ToolsDB is down,
//! answers 503 where it needs the database, and recovers without a restart. sqlx's connect
//! options print the password in `Debug`, so they are only passed on, never kept in a type a
//! tool might log; [`DatabaseSettings`] and [`Database`] print no password.
//!
//! Behind the `toolsdb` feature: tools without a database do not build sqlx.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use sqlx::migrate::{MigrateError, Migrator};
use sqlx::mysql::{MySqlConnectOptions, MySqlPool, MySqlPoolOptions};
use tokio::sync::OnceCell;

/// ToolsDB's host, as Toolforge's documentation names it.
pub const TOOLSDB_HOST: &str = "tools.db.svc.wikimedia.cloud";
/// ToolsDB's port.
pub const TOOLSDB_PORT: u16 = 3306;
/// How long a replica waits for another one that is migrating.
pub const MIGRATION_LOCK_SECONDS: i64 = 60;
/// Connections one process keeps open at most: ToolsDB limits each tool's account, and a
/// tool runs several replicas and processes.
const MAX_CONNECTIONS: u32 = 5;
/// A request waits at most this long for a connection before the user sees a 503.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(3);

/// `[database]` / `TOOL_DATABASE__*`.
#[derive(Debug, Clone, Deserialize)]
pub struct DatabaseSettings {
    /// A full `mysql://user:password@host:port/database` URL; wins over everything else
    /// (`TOOL_DATABASE__URL`).
    #[serde(default)]
    pub url: Option<SecretString>,
    /// ToolsDB's host, used with the credentials Toolforge injects (`TOOL_DATABASE__HOST`).
    #[serde(default = "default_host")]
    pub host: String,
    /// ToolsDB's port (`TOOL_DATABASE__PORT`).
    #[serde(default = "default_port")]
    pub port: u16,
    /// The database name (`TOOL_DATABASE__NAME`); default `<TOOL_TOOLSDB_USER>__<tool>`.
    #[serde(default)]
    pub name: Option<String>,
}

fn default_host() -> String {
    TOOLSDB_HOST.to_owned()
}

fn default_port() -> u16 {
    TOOLSDB_PORT
}

impl Default for DatabaseSettings {
    fn default() -> Self {
        Self {
            url: None,
            host: default_host(),
            port: default_port(),
            name: None,
        }
    }
}

impl DatabaseSettings {
    /// Connection options from `url`, or from the ToolsDB credentials with the database
    /// `<user>__<tool>` (unless `name` is set); `None` if there are neither, and the tool keeps
    /// its data elsewhere. Fails only for a malformed URL.
    pub fn connect_options(
        &self,
        tool: &str,
        toolsdb_user: Option<&str>,
        toolsdb_password: Option<&SecretString>,
    ) -> Result<Option<MySqlConnectOptions>, sqlx::Error> {
        if let Some(url) = &self.url {
            return MySqlConnectOptions::from_str(url.expose_secret()).map(Some);
        }
        let (Some(user), Some(password)) = (toolsdb_user, toolsdb_password) else {
            return Ok(None);
        };
        let database = self
            .name
            .clone()
            .unwrap_or_else(|| format!("{user}__{tool}"));
        Ok(Some(
            MySqlConnectOptions::new()
                .host(&self.host)
                .port(self.port)
                .username(user)
                .password(password.expose_secret())
                .database(&database)
                .charset("utf8mb4"),
        ))
    }
}

/// Why the migrations could not be applied.
#[derive(Debug, thiserror::Error)]
pub enum MigrationError {
    /// The database could not be reached or failed a statement: worth trying again later.
    #[error(transparent)]
    Unavailable(sqlx::Error),
    /// Another process kept migrating for longer than [`MIGRATION_LOCK_SECONDS`].
    #[error("another process held the migration lock for {seconds} s")]
    LockTimeout { seconds: i64 },
    /// The database's migration history does not fit the binary's migrations (one was changed
    /// or removed after it ran, or one failed halfway): no retry fixes that.
    #[error(transparent)]
    Inconsistent(MigrateError),
}

impl MigrationError {
    /// Whether trying again later may succeed (the database was down or busy).
    pub fn is_temporary(&self) -> bool {
        !matches!(self, Self::Inconsistent(_))
    }
}

/// A tool's database: a pool that connects when first used, and the tool's migrations, applied
/// once per process before the first query. Clones share the pool.
#[derive(Clone)]
pub struct Database {
    pool: MySqlPool,
    migrator: Arc<Migrator>,
    migrated: Arc<OnceCell<()>>,
}

impl fmt::Debug for Database {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Not the migrator's own `Debug`, which prints every migration's SQL.
        formatter
            .debug_struct("Database")
            .field("pool", &self.pool)
            .field("migrations", &self.migrator.iter().count())
            .field("migrated", &self.migrated.initialized())
            .finish()
    }
}

impl Database {
    /// A database that connects when first used (so an outage does not stop the start), with
    /// the tool's migrations (`sqlx::migrate!()`, embedded in the binary).
    pub fn connect_lazy(options: MySqlConnectOptions, mut migrator: Migrator) -> Self {
        // sqlx's own lock is `GET_LOCK(…, -1)`, which did not keep two migrators apart on
        // MariaDB (QuickCategories' contract test saw both apply migration 1); `migrate` takes
        // a lock of its own instead.
        migrator.set_locking(false);
        let pool = MySqlPoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_lazy_with(options);
        Self {
            pool,
            migrator: Arc::new(migrator),
            migrated: Arc::new(OnceCell::new()),
        }
    }

    /// The pool, once the migrations are applied: once per process (tried again on the next
    /// use if it failed), under a named lock so that replicas starting together migrate one at
    /// a time.
    pub async fn ready(&self) -> Result<&MySqlPool, MigrationError> {
        self.migrated.get_or_try_init(|| self.migrate()).await?;
        Ok(&self.pool)
    }

    /// Applies the migrations now, in the background, so that they are in place before the
    /// first request when the database is up; if it is not, the first query tries again.
    pub fn migrate_in_background(&self) {
        let database = self.clone();
        tokio::spawn(async move {
            match database.ready().await {
                Ok(_) => tracing::info!("database schema is up to date"),
                Err(error) => {
                    tracing::warn!(%error, "migrations not applied yet; retried on first use");
                }
            }
        });
    }

    async fn migrate(&self) -> Result<(), MigrationError> {
        let mut connection = self
            .pool
            .acquire()
            .await
            .map_err(MigrationError::Unavailable)?;
        let locked: Option<i64> =
            sqlx::query_scalar("SELECT GET_LOCK(CONCAT('migrations:', DATABASE()), ?)")
                .bind(MIGRATION_LOCK_SECONDS)
                .fetch_one(&mut *connection)
                .await
                .map_err(MigrationError::Unavailable)?;
        if locked != Some(1) {
            return Err(MigrationError::LockTimeout {
                seconds: MIGRATION_LOCK_SECONDS,
            });
        }
        let result = self.migrator.run_direct(&mut *connection).await;
        // The lock ends with the connection anyway; releasing it only spares the next
        // replica the wait while this connection idles in the pool.
        let _ = sqlx::query("SELECT RELEASE_LOCK(CONCAT('migrations:', DATABASE()))")
            .execute(&mut *connection)
            .await;
        result.map_err(|error| match error {
            MigrateError::Execute(inner) => MigrationError::Unavailable(inner),
            other => MigrationError::Inconsistent(other),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(text: &str) -> SecretString {
        SecretString::from(text.to_owned())
    }

    #[test]
    fn toolsdb_credentials_give_the_tools_database() {
        let options = DatabaseSettings::default()
            .connect_options("my-tool", Some("s12345"), Some(&secret("007")))
            .expect("valid")
            .expect("configured");
        assert_eq!(options.get_host(), "tools.db.svc.wikimedia.cloud");
        assert_eq!(options.get_port(), 3306);
        assert_eq!(options.get_username(), "s12345");
        assert_eq!(options.get_database(), Some("s12345__my-tool"));
    }

    #[test]
    fn the_database_name_and_url_can_be_overridden() {
        let settings = DatabaseSettings {
            name: Some("s12345__my_tool_test".to_owned()),
            ..DatabaseSettings::default()
        };
        let options = settings
            .connect_options("my-tool", Some("s12345"), Some(&secret("pw")))
            .expect("valid")
            .expect("configured");
        assert_eq!(options.get_database(), Some("s12345__my_tool_test"));

        let settings = DatabaseSettings {
            url: Some(secret("mysql://me:pw@db.example:3307/mine")),
            ..settings
        };
        let options = settings
            .connect_options("my-tool", Some("s12345"), Some(&secret("pw")))
            .expect("valid")
            .expect("configured");
        assert_eq!(
            (
                options.get_host(),
                options.get_port(),
                options.get_database()
            ),
            ("db.example", 3307, Some("mine"))
        );
    }

    #[test]
    fn without_url_or_credentials_there_is_no_database() {
        let settings = DatabaseSettings::default();
        let none = |user, password| {
            settings
                .connect_options("my-tool", user, password)
                .expect("valid")
                .is_none()
        };
        assert!(none(None, None));
        assert!(none(Some("s12345"), None));
        assert!(none(None, Some(&secret("007"))));
    }

    #[test]
    fn a_malformed_url_is_an_error() {
        let settings = DatabaseSettings {
            url: Some(secret("not a url")),
            ..DatabaseSettings::default()
        };
        assert!(settings.connect_options("my-tool", None, None).is_err());
    }

    #[test]
    fn debug_shows_no_password() {
        let settings = DatabaseSettings {
            url: Some(secret("mysql://me:hunter2@db.example/mine")),
            ..DatabaseSettings::default()
        };
        assert!(!format!("{settings:?}").contains("hunter2"), "{settings:?}");
    }
}
