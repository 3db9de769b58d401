//! Batches in MariaDB (ToolsDB on Toolforge), through sqlx. The schema is in `migrations/`,
//! embedded in the binary and applied before first use; sqlx takes a database lock while it
//! migrates, so several replicas starting at once do not collide. The pool connects lazily and
//! reconnects on its own, so the tool starts (and answers 503) while the database is down and
//! recovers without a restart.

use std::collections::BTreeMap;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use sqlx::mysql::{MySqlConnectOptions, MySqlPool, MySqlPoolOptions};
use sqlx::{Connection, Row};
use tokio::sync::OnceCell;

use super::{
    Batch, BatchId, BatchStore, BatchSummary, CommandId, CommandStatus, Creator, NewBatch, Outcome,
    Progress, StoreError, StoredCommand, now,
};
use crate::command::Command;

/// How long a replica waits for another one that is migrating.
const MIGRATION_LOCK_SECONDS: i64 = 60;

fn migrator() -> sqlx::migrate::Migrator {
    let mut migrator = sqlx::migrate!("./migrations");
    // sqlx's own lock is `GET_LOCK(…, -1)`, which did not keep two migrators apart on MariaDB
    // (the contract test saw both apply migration 1); `ready` takes a lock of its own instead.
    migrator.set_locking(false);
    migrator
}

/// `[database]` / `TOOL_DATABASE__*`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct DatabaseSettings {
    /// A full `mysql://user:password@host:port/database` URL; wins over everything else.
    #[serde(default)]
    pub url: Option<SecretString>,
    /// ToolsDB's host, used with the credentials Toolforge injects.
    #[serde(default = "default_host")]
    pub host: String,
    /// The database name; default `<TOOL_TOOLSDB_USER>__quickcategories`.
    #[serde(default)]
    pub name: Option<String>,
}

fn default_host() -> String {
    "tools.db.svc.wikimedia.cloud".to_owned()
}

impl DatabaseSettings {
    /// Connection options from `url`, or from ToolsDB credentials; `None` if there are neither.
    pub fn connect_options(
        &self,
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
            .unwrap_or_else(|| format!("{user}__quickcategories"));
        Ok(Some(
            MySqlConnectOptions::new()
                .host(&self.host)
                .port(3306)
                .username(user)
                .password(password.expose_secret())
                .database(&database)
                .charset("utf8mb4"),
        ))
    }
}

#[derive(Debug, Clone)]
pub struct MariaDbStore {
    pool: MySqlPool,
    migrated: Arc<OnceCell<()>>,
}

fn unavailable(error: impl std::fmt::Display) -> StoreError {
    StoreError::Unavailable(error.to_string())
}

fn corrupt(error: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(error.to_string())
}

impl MariaDbStore {
    /// A store that connects when first used (so a database outage does not stop the start).
    pub fn connect_lazy(options: MySqlConnectOptions) -> Self {
        let pool = MySqlPoolOptions::new()
            .max_connections(5)
            // A request waits at most this long for the database before the user sees a 503.
            .acquire_timeout(Duration::from_secs(3))
            .connect_lazy_with(options);
        Self {
            pool,
            migrated: Arc::new(OnceCell::new()),
        }
    }

    /// Applies pending migrations once per process (retried on the next use if it failed),
    /// under a named database lock so that replicas starting together migrate one at a time.
    pub async fn ready(&self) -> Result<&MySqlPool, StoreError> {
        self.migrated.get_or_try_init(|| self.migrate()).await?;
        Ok(&self.pool)
    }

    async fn migrate(&self) -> Result<(), StoreError> {
        let mut connection = self.pool.acquire().await.map_err(unavailable)?;
        let locked: Option<i64> =
            sqlx::query_scalar("SELECT GET_LOCK(CONCAT('migrations:', DATABASE()), ?)")
                .bind(MIGRATION_LOCK_SECONDS)
                .fetch_one(&mut *connection)
                .await
                .map_err(unavailable)?;
        if locked != Some(1) {
            return Err(unavailable(format!(
                "another process held the migration lock for {MIGRATION_LOCK_SECONDS} s"
            )));
        }
        let result = migrator().run_direct(&mut *connection).await;
        let _ = sqlx::query("SELECT RELEASE_LOCK(CONCAT('migrations:', DATABASE()))")
            .execute(&mut *connection)
            .await;
        result.map_err(|error| match error {
            sqlx::migrate::MigrateError::Execute(inner) => unavailable(inner),
            other => corrupt(other),
        })
    }
}

fn status_from(status: &str, outcome: Option<&str>) -> Result<CommandStatus, StoreError> {
    match (status, outcome) {
        ("planned", _) => Ok(CommandStatus::Planned),
        ("pending", _) => Ok(CommandStatus::Pending),
        ("done", Some(json)) => serde_json::from_str(json)
            .map(CommandStatus::Done)
            .map_err(corrupt),
        (other, _) => Err(corrupt(format!("unknown command status {other:?}"))),
    }
}

fn stored_command(row: &sqlx::mysql::MySqlRow) -> Result<StoredCommand, StoreError> {
    let command: String = row.try_get("command").map_err(corrupt)?;
    let status: String = row.try_get("status").map_err(corrupt)?;
    let outcome: Option<String> = row.try_get("outcome").map_err(corrupt)?;
    Ok(StoredCommand {
        id: row.try_get("command_id").map_err(corrupt)?,
        position: row.try_get("position").map_err(corrupt)?,
        command: serde_json::from_str::<Command>(&command).map_err(corrupt)?,
        status: status_from(&status, outcome.as_deref())?,
    })
}

impl BatchStore for MariaDbStore {
    async fn create_batch(&self, batch: NewBatch) -> Result<BatchId, StoreError> {
        let pool = self.ready().await?;
        let mut transaction = pool.begin().await.map_err(unavailable)?;
        let now = now();
        let result = sqlx::query(
            "INSERT INTO batch (domain, title, creator_name, creator_sub, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(&batch.domain)
        .bind(&batch.title)
        .bind(&batch.creator.name)
        .bind(&batch.creator.sub)
        .bind(now)
        .bind(now)
        .execute(&mut *transaction)
        .await
        .map_err(unavailable)?;
        let id = result.last_insert_id();
        // Multi-row inserts, a few hundred commands at a time, keep large batches quick.
        for (chunk_index, chunk) in batch.commands.chunks(500).enumerate() {
            let mut query = sqlx::QueryBuilder::new(
                "INSERT INTO command (batch_id, position, command, status) ",
            );
            let mut encoded = Vec::with_capacity(chunk.len());
            for command in chunk {
                encoded.push(serde_json::to_string(command).map_err(corrupt)?);
            }
            query.push_values(encoded.iter().enumerate(), |mut row, (index, json)| {
                let position = u32::try_from(chunk_index * 500 + index).unwrap_or(u32::MAX);
                row.push_bind(id)
                    .push_bind(position)
                    .push_bind(json)
                    .push_bind("planned");
            });
            query
                .build()
                .execute(&mut *transaction)
                .await
                .map_err(unavailable)?;
        }
        transaction.commit().await.map_err(unavailable)?;
        Ok(id)
    }

    async fn batch(&self, id: BatchId) -> Result<Option<Batch>, StoreError> {
        let pool = self.ready().await?;
        let Some(row) = sqlx::query(
            "SELECT batch_id, domain, title, creator_name, creator_sub, created_at, updated_at FROM batch WHERE batch_id = ?",
        )
        .bind(id)
        .fetch_optional(pool)
        .await
        .map_err(unavailable)?
        else {
            return Ok(None);
        };
        let commands = sqlx::query(
            "SELECT command_id, position, command, status, outcome FROM command WHERE batch_id = ? ORDER BY position",
        )
        .bind(id)
        .fetch_all(pool)
        .await
        .map_err(unavailable)?
        .iter()
        .map(stored_command)
        .collect::<Result<Vec<_>, _>>()?;
        Ok(Some(Batch {
            id: row.try_get("batch_id").map_err(corrupt)?,
            domain: row.try_get("domain").map_err(corrupt)?,
            title: row.try_get("title").map_err(corrupt)?,
            creator: Creator {
                name: row.try_get("creator_name").map_err(corrupt)?,
                sub: row.try_get("creator_sub").map_err(corrupt)?,
            },
            created_at: row.try_get("created_at").map_err(corrupt)?,
            updated_at: row.try_get("updated_at").map_err(corrupt)?,
            commands,
        }))
    }

    async fn list_batches(
        &self,
        offset: u64,
        limit: u64,
    ) -> Result<(Vec<BatchSummary>, u64), StoreError> {
        let pool = self.ready().await?;
        let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM batch")
            .fetch_one(pool)
            .await
            .map_err(unavailable)?;
        let rows = sqlx::query(
            "SELECT batch_id, domain, title, creator_name, created_at FROM batch ORDER BY batch_id DESC LIMIT ? OFFSET ?",
        )
        .bind(limit)
        .bind(offset)
        .fetch_all(pool)
        .await
        .map_err(unavailable)?;
        let mut summaries = Vec::with_capacity(rows.len());
        let mut ids = Vec::with_capacity(rows.len());
        for row in &rows {
            let id: u64 = row.try_get("batch_id").map_err(corrupt)?;
            ids.push(id);
            summaries.push(BatchSummary {
                id,
                domain: row.try_get("domain").map_err(corrupt)?,
                title: row.try_get("title").map_err(corrupt)?,
                creator_name: row.try_get("creator_name").map_err(corrupt)?,
                created_at: row.try_get("created_at").map_err(corrupt)?,
                progress: Progress::default(),
            });
        }
        if ids.is_empty() {
            return Ok((summaries, u64::try_from(total).unwrap_or(0)));
        }
        // One grouped query for the progress of every listed batch.
        let mut query = sqlx::QueryBuilder::new(
            "SELECT batch_id, status, outcome_kind, COUNT(*) AS n FROM command WHERE batch_id IN (",
        );
        let mut separated = query.separated(", ");
        for id in &ids {
            separated.push_bind(*id);
        }
        query.push(") GROUP BY batch_id, status, outcome_kind");
        let mut progress: BTreeMap<u64, Progress> = BTreeMap::new();
        for row in query.build().fetch_all(pool).await.map_err(unavailable)? {
            let id: u64 = row.try_get("batch_id").map_err(corrupt)?;
            let status: String = row.try_get("status").map_err(corrupt)?;
            let kind: Option<String> = row.try_get("outcome_kind").map_err(corrupt)?;
            let count: i64 = row.try_get("n").map_err(corrupt)?;
            let count = u64::try_from(count).unwrap_or(0);
            let entry = progress.entry(id).or_default();
            match (status.as_str(), kind.as_deref()) {
                ("planned", _) => entry.planned += count,
                ("pending", _) => entry.pending += count,
                (_, Some("edited" | "created" | "no_change")) => entry.succeeded += count,
                _ => entry.failed += count,
            }
        }
        for summary in &mut summaries {
            summary.progress = progress.get(&summary.id).copied().unwrap_or_default();
        }
        Ok((summaries, u64::try_from(total).unwrap_or(0)))
    }

    async fn take_planned(
        &self,
        batch: BatchId,
        limit: u32,
    ) -> Result<Vec<StoredCommand>, StoreError> {
        let pool = self.ready().await?;
        let mut connection = pool.acquire().await.map_err(unavailable)?;
        let mut transaction = connection.begin().await.map_err(unavailable)?;
        // SKIP LOCKED: a second runner takes the next commands instead of waiting for these.
        let rows = sqlx::query(
            "SELECT command_id, position, command, status, outcome FROM command \
             WHERE batch_id = ? AND status = 'planned' ORDER BY position LIMIT ? FOR UPDATE SKIP LOCKED",
        )
        .bind(batch)
        .bind(limit)
        .fetch_all(&mut *transaction)
        .await
        .map_err(unavailable)?;
        let mut taken = rows
            .iter()
            .map(stored_command)
            .collect::<Result<Vec<_>, _>>()?;
        if !taken.is_empty() {
            let mut update = sqlx::QueryBuilder::new(
                "UPDATE command SET status = 'pending' WHERE command_id IN (",
            );
            let mut separated = update.separated(", ");
            for command in &taken {
                separated.push_bind(command.id);
            }
            update.push(")");
            update
                .build()
                .execute(&mut *transaction)
                .await
                .map_err(unavailable)?;
            sqlx::query("UPDATE batch SET updated_at = ? WHERE batch_id = ?")
                .bind(now())
                .bind(batch)
                .execute(&mut *transaction)
                .await
                .map_err(unavailable)?;
        }
        transaction.commit().await.map_err(unavailable)?;
        for command in &mut taken {
            command.status = CommandStatus::Pending;
        }
        Ok(taken)
    }

    async fn finish_command(
        &self,
        command: CommandId,
        outcome: &Outcome,
    ) -> Result<(), StoreError> {
        let pool = self.ready().await?;
        let json = serde_json::to_string(outcome).map_err(corrupt)?;
        let mut transaction = pool.begin().await.map_err(unavailable)?;
        sqlx::query("UPDATE command SET status = 'done', outcome_kind = ?, outcome = ? WHERE command_id = ?")
            .bind(outcome.kind())
            .bind(&json)
            .bind(command)
            .execute(&mut *transaction)
            .await
            .map_err(unavailable)?;
        sqlx::query("UPDATE batch SET updated_at = ? WHERE batch_id = (SELECT batch_id FROM command WHERE command_id = ?)")
            .bind(now())
            .bind(command)
            .execute(&mut *transaction)
            .await
            .map_err(unavailable)?;
        transaction.commit().await.map_err(unavailable)?;
        Ok(())
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
        let settings = DatabaseSettings {
            host: default_host(),
            ..DatabaseSettings::default()
        };
        let options = settings
            .connect_options(Some("s12345"), Some(&secret("007")))
            .expect("valid")
            .expect("configured");
        assert_eq!(options.get_host(), "tools.db.svc.wikimedia.cloud");
        assert_eq!(options.get_port(), 3306);
        assert_eq!(options.get_username(), "s12345");
        assert_eq!(options.get_database(), Some("s12345__quickcategories"));
    }

    #[test]
    fn the_database_name_and_url_can_be_overridden() {
        let settings = DatabaseSettings {
            host: default_host(),
            name: Some("s12345__qc_test".to_owned()),
            url: None,
        };
        let options = settings
            .connect_options(Some("s12345"), Some(&secret("pw")))
            .expect("valid")
            .expect("configured");
        assert_eq!(options.get_database(), Some("s12345__qc_test"));

        let settings = DatabaseSettings {
            url: Some(secret("mysql://me:pw@db.example:3307/mine")),
            ..settings
        };
        let options = settings
            .connect_options(Some("s12345"), Some(&secret("pw")))
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
        assert!(
            settings
                .connect_options(None, None)
                .expect("valid")
                .is_none()
        );
        assert!(
            settings
                .connect_options(Some("s12345"), None)
                .expect("valid")
                .is_none()
        );
    }
}
