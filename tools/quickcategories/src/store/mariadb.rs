//! Batches in MariaDB (ToolsDB on Toolforge), through sqlx: the queries. The pool and the
//! migrations (`migrations/`, embedded in the binary and applied under a lock before first use)
//! are the platform's `toolsdb::Database`.

use std::collections::BTreeMap;

use platform::toolsdb::{Database, MigrationError};
use sqlx::mysql::{MySqlConnectOptions, MySqlPool};
use sqlx::{Connection, Row};

use super::{
    BackgroundRun, Batch, BatchId, BatchStore, BatchSummary, CLAIM_LEASE_SECONDS, Claim, CommandId,
    CommandStatus, Creator, FINISHED, NewBatch, Outcome, Progress, RUNNER_TIMEOUT_SECONDS, RunId,
    RunStop, SealedCredentials, StoreError, StoredCommand, Suspension, WEB_CLAIM_TIMEOUT_SECONDS,
    now, now_ms,
};
use crate::command::Command;
use crate::preferences::Preferences;

#[derive(Debug, Clone)]
pub struct MariaDbStore {
    database: Database,
}

fn unavailable(error: impl std::fmt::Display) -> StoreError {
    StoreError::Unavailable(error.to_string())
}

fn corrupt(error: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(error.to_string())
}

impl From<MigrationError> for StoreError {
    fn from(error: MigrationError) -> Self {
        if error.is_temporary() {
            unavailable(error)
        } else {
            corrupt(error)
        }
    }
}

impl MariaDbStore {
    /// A store that connects when first used (so a database outage does not stop the start).
    pub fn connect_lazy(options: MySqlConnectOptions) -> Self {
        Self {
            database: Database::connect_lazy(options, sqlx::migrate!("./migrations")),
        }
    }

    /// The pool, once the migrations are applied (see `Database::ready`).
    pub async fn ready(&self) -> Result<&MySqlPool, StoreError> {
        Ok(self.database.ready().await?)
    }

    /// Applies the migrations now, in the background (see `Database::migrate_in_background`).
    pub fn migrate_in_background(&self) {
        self.database.migrate_in_background();
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

fn background_run(row: &sqlx::mysql::MySqlRow) -> Result<BackgroundRun, StoreError> {
    let stopped_at: Option<i64> = row.try_get("stopped_at").map_err(corrupt)?;
    let suspended_until: i64 = row.try_get("suspended_until").map_err(corrupt)?;
    let suspend_reason: Option<String> = row.try_get("suspend_reason").map_err(corrupt)?;
    Ok(BackgroundRun {
        id: row.try_get("run_id").map_err(corrupt)?,
        started_at: row.try_get("started_at").map_err(corrupt)?,
        started_by: row.try_get("started_by_name").map_err(corrupt)?,
        stopped: match stopped_at {
            Some(at) => Some(RunStop {
                at,
                by: row.try_get("stopped_by_name").map_err(corrupt)?,
                reason: row
                    .try_get::<Option<String>, _>("stop_reason")
                    .map_err(corrupt)?
                    .unwrap_or_default(),
            }),
            None => None,
        },
        suspended: match (stopped_at, suspend_reason) {
            (None, Some(reason)) if suspended_until > 0 => Some(Suspension {
                until: suspended_until,
                reason,
            }),
            _ => None,
        },
    })
}

/// The condition on a run `r` that its batch has nothing planned or pending.
const NOTHING_LEFT: &str = "AND NOT EXISTS (SELECT 1 FROM command c WHERE c.batch_id = r.batch_id \
     AND c.status IN ('planned', 'pending'))";

/// The condition on a pending command that whoever claimed it is gone: a runner without a
/// recent heartbeat, a web request older than its timeout, or any claim older than the lease.
/// Binds: the web claim limit, then the lease limit.
const ABANDONED: &str = "((claimed_by IS NOT NULL AND claimed_by NOT IN (SELECT runner_id FROM runner)) \
     OR (claimed_by IS NULL AND (claimed_at IS NULL OR claimed_at < ?)) OR claimed_at < ?)";

/// The condition on a pending command that a web request took it longer ago than its timeout
/// (or before claims had a time). Binds: the web claim limit.
const STALE_WEB_CLAIM: &str = "claimed_by IS NULL AND (claimed_at IS NULL OR claimed_at < ?)";

/// A connection whose next transaction claims commands. READ COMMITTED: under InnoDB's default
/// REPEATABLE READ, `FOR UPDATE SKIP LOCKED` also locks the gap before the first planned
/// command, where every claim moves its own command (planned → pending), and two runners
/// claiming from one batch deadlocked. Without gap locks they only meet on the rows they take.
async fn claiming_connection(
    pool: &MySqlPool,
) -> Result<sqlx::pool::PoolConnection<sqlx::MySql>, StoreError> {
    let mut connection = pool.acquire().await.map_err(unavailable)?;
    sqlx::query("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
        .execute(&mut *connection)
        .await
        .map_err(unavailable)?;
    Ok(connection)
}

/// Stops a run (if active) and deletes its tokens; `extra` narrows the condition.
async fn stop_where(
    pool: &MySqlPool,
    run: RunId,
    by: Option<&str>,
    reason: &str,
    extra: &str,
) -> Result<bool, StoreError> {
    let result = sqlx::query(&format!(
        "UPDATE background_run r SET active_batch_id = NULL, stopped_at = ?, stopped_by_name = ?, \
         stop_reason = ?, access_token = NULL, refresh_token = NULL, refresh_locked_until = 0 \
         WHERE r.run_id = ? AND r.stopped_at IS NULL {extra}"
    ))
    .bind(now())
    .bind(by)
    .bind(reason)
    .bind(run)
    .execute(pool)
    .await
    .map_err(unavailable)?;
    Ok(result.rows_affected() == 1)
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
        // One transaction, so that the batch, its commands and its runs are one snapshot
        // (InnoDB's repeatable read), never a mix of before and after a runner's step.
        let mut transaction = pool.begin().await.map_err(unavailable)?;
        let Some(row) = sqlx::query(
            "SELECT batch_id, domain, title, creator_name, creator_sub, created_at, updated_at FROM batch WHERE batch_id = ?",
        )
        .bind(id)
        .fetch_optional(&mut *transaction)
        .await
        .map_err(unavailable)?
        else {
            return Ok(None);
        };
        let commands = sqlx::query(
            "SELECT command_id, position, command, status, outcome FROM command WHERE batch_id = ? ORDER BY position",
        )
        .bind(id)
        .fetch_all(&mut *transaction)
        .await
        .map_err(unavailable)?
        .iter()
        .map(stored_command)
        .collect::<Result<Vec<_>, _>>()?;
        let background = sqlx::query(
            "SELECT run_id, started_at, started_by_name, stopped_at, stopped_by_name, stop_reason, \
             suspended_until, suspend_reason FROM background_run WHERE batch_id = ? ORDER BY run_id",
        )
        .bind(id)
        .fetch_all(&mut *transaction)
        .await
        .map_err(unavailable)?
        .iter()
        .map(background_run)
        .collect::<Result<Vec<_>, _>>()?;
        transaction.commit().await.map_err(unavailable)?;
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
            background,
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
        let mut connection = claiming_connection(pool).await?;
        let mut transaction = connection.begin().await.map_err(unavailable)?;
        // This batch's web claims whose request is presumed dead are planned again first, the
        // way the heartbeat sweep does it: which ones by a plain (non-locking) read, then each
        // by its key and only if still stale, so no range of command rows is locked while claims
        // wait. In key order, so that two requests on one batch lock them in the same order.
        let stale_before = now() - WEB_CLAIM_TIMEOUT_SECONDS;
        let stale: Vec<u64> = sqlx::query_scalar(&format!(
            "SELECT command_id FROM command WHERE batch_id = ? AND status = 'pending' \
             AND {STALE_WEB_CLAIM} ORDER BY command_id"
        ))
        .bind(batch)
        .bind(stale_before)
        .fetch_all(&mut *transaction)
        .await
        .map_err(unavailable)?;
        for command in stale {
            sqlx::query(&format!(
                "UPDATE command SET status = 'planned', claimed_at = NULL \
                 WHERE command_id = ? AND status = 'pending' AND {STALE_WEB_CLAIM}"
            ))
            .bind(command)
            .bind(stale_before)
            .execute(&mut *transaction)
            .await
            .map_err(unavailable)?;
        }
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
                "UPDATE command SET status = 'pending', claimed_by = NULL, claimed_at = ",
            );
            update.push_bind(now());
            update.push(" WHERE command_id IN (");
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
        sqlx::query("UPDATE command SET status = 'done', outcome_kind = ?, outcome = ?, claimed_by = NULL, claimed_at = NULL WHERE command_id = ?")
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

    async fn start_background(
        &self,
        batch: BatchId,
        starter: &Creator,
        credentials: &SealedCredentials,
    ) -> Result<Option<RunId>, StoreError> {
        let pool = self.ready().await?;
        let result = sqlx::query(
            "INSERT INTO background_run (batch_id, started_at, started_by_name, started_by_sub, \
             active_batch_id, access_token, refresh_token, access_expires_at) \
             SELECT batch_id, ?, ?, ?, batch_id, ?, ?, ? FROM batch WHERE batch_id = ?",
        )
        .bind(now())
        .bind(&starter.name)
        .bind(&starter.sub)
        .bind(&credentials.access_token)
        .bind(&credentials.refresh_token)
        .bind(credentials.access_expires_at)
        .bind(batch)
        .execute(pool)
        .await;
        match result {
            Ok(done) if done.rows_affected() == 1 => Ok(Some(done.last_insert_id())),
            Ok(_) => Ok(None),
            // The unique key on active_batch_id: a run is active already.
            Err(sqlx::Error::Database(error)) if error.is_unique_violation() => Ok(None),
            Err(error) => Err(unavailable(error)),
        }
    }

    async fn stop_run(
        &self,
        run: RunId,
        by: Option<&str>,
        reason: &str,
    ) -> Result<bool, StoreError> {
        let pool = self.ready().await?;
        stop_where(pool, run, by, reason, "").await
    }

    async fn end_run_if_done(&self, run: RunId) -> Result<bool, StoreError> {
        let pool = self.ready().await?;
        // A plain (non-locking) read first: the locking check below would hold the run's row
        // while waiting on the command rows a claim holds, and the claim waits for that row.
        let left: Option<i64> = sqlx::query_scalar(
            "SELECT COUNT(*) FROM command c JOIN background_run r ON r.batch_id = c.batch_id \
             WHERE r.run_id = ? AND c.status IN ('planned', 'pending')",
        )
        .bind(run)
        .fetch_optional(pool)
        .await
        .map_err(unavailable)?;
        if left.unwrap_or(0) > 0 {
            return Ok(false);
        }
        stop_where(pool, run, None, FINISHED, NOTHING_LEFT).await
    }

    async fn suspend_run(&self, run: RunId, until: i64, reason: &str) -> Result<(), StoreError> {
        let pool = self.ready().await?;
        sqlx::query(
            "UPDATE background_run SET suspended_until = ?, suspend_reason = ? \
             WHERE run_id = ? AND stopped_at IS NULL",
        )
        .bind(until)
        .bind(reason)
        .bind(run)
        .execute(pool)
        .await
        .map_err(unavailable)?;
        Ok(())
    }

    async fn heartbeat(&self, runner: &str) -> Result<u64, StoreError> {
        let pool = self.ready().await?;
        let now = now();
        sqlx::query(
            "INSERT INTO runner (runner_id, heartbeat_at) VALUES (?, ?) \
             ON DUPLICATE KEY UPDATE heartbeat_at = VALUES(heartbeat_at)",
        )
        .bind(runner)
        .bind(now)
        .execute(pool)
        .await
        .map_err(unavailable)?;
        sqlx::query("DELETE FROM runner WHERE heartbeat_at < ?")
            .bind(now - RUNNER_TIMEOUT_SECONDS)
            .execute(pool)
            .await
            .map_err(unavailable)?;
        // Which commands are abandoned, by a plain read; then each is planned again by its
        // key (still only if pending), so that no range of command rows is locked meanwhile.
        let abandoned: Vec<u64> = sqlx::query_scalar(&format!(
            "SELECT command_id FROM command WHERE status = 'pending' AND {ABANDONED}"
        ))
        .bind(now - WEB_CLAIM_TIMEOUT_SECONDS)
        .bind(now - CLAIM_LEASE_SECONDS)
        .fetch_all(pool)
        .await
        .map_err(unavailable)?;
        let mut replanned = 0;
        for command in abandoned {
            replanned += sqlx::query(&format!(
                "UPDATE command SET status = 'planned', claimed_by = NULL, claimed_at = NULL \
                 WHERE command_id = ? AND status = 'pending' AND {ABANDONED}"
            ))
            .bind(command)
            .bind(now - WEB_CLAIM_TIMEOUT_SECONDS)
            .bind(now - CLAIM_LEASE_SECONDS)
            .execute(pool)
            .await
            .map_err(unavailable)?
            .rows_affected();
        }
        // Runs whose last outcome was stored but which were not ended then (database hiccup).
        let finished: Vec<u64> = sqlx::query_scalar(&format!(
            "SELECT r.run_id FROM background_run r WHERE r.stopped_at IS NULL {NOTHING_LEFT}"
        ))
        .fetch_all(pool)
        .await
        .map_err(unavailable)?;
        for run in finished {
            stop_where(pool, run, None, FINISHED, NOTHING_LEFT).await?;
        }
        Ok(replanned)
    }

    async fn unregister_runner(&self, runner: &str) -> Result<(), StoreError> {
        let pool = self.ready().await?;
        sqlx::query("DELETE FROM runner WHERE runner_id = ?")
            .bind(runner)
            .execute(pool)
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn claim_background_command(&self, runner: &str) -> Result<Option<Claim>, StoreError> {
        let pool = self.ready().await?;
        let now = now();
        let mut connection = claiming_connection(pool).await?;
        let mut transaction = connection.begin().await.map_err(unavailable)?;
        // A few candidates: when another runner holds the last planned commands of the first,
        // the next batch gets its turn instead of this runner idling.
        let candidates = sqlx::query(
            "SELECT r.run_id, r.batch_id, b.domain, p.watchlist FROM background_run r \
             JOIN batch b ON b.batch_id = r.batch_id \
             LEFT JOIN preference p ON p.user_sub = r.started_by_sub \
             WHERE r.active_batch_id IS NOT NULL AND r.suspended_until <= ? \
             AND EXISTS (SELECT 1 FROM command c WHERE c.batch_id = r.batch_id AND c.status = 'planned') \
             ORDER BY r.last_claim_ms, r.run_id LIMIT 5",
        )
        .bind(now)
        .fetch_all(&mut *transaction)
        .await
        .map_err(unavailable)?;
        for candidate in &candidates {
            let run: RunId = candidate.try_get("run_id").map_err(corrupt)?;
            let batch: BatchId = candidate.try_get("batch_id").map_err(corrupt)?;
            let Some(row) = sqlx::query(
                "SELECT command_id, position, command, status, outcome FROM command \
                 WHERE batch_id = ? AND status = 'planned' ORDER BY position LIMIT 1 \
                 FOR UPDATE SKIP LOCKED",
            )
            .bind(batch)
            .fetch_optional(&mut *transaction)
            .await
            .map_err(unavailable)?
            else {
                continue;
            };
            let mut command = stored_command(&row)?;
            sqlx::query(
                "UPDATE command SET status = 'pending', claimed_by = ?, claimed_at = ? WHERE command_id = ?",
            )
            .bind(runner)
            .bind(now)
            .bind(command.id)
            .execute(&mut *transaction)
            .await
            .map_err(unavailable)?;
            sqlx::query("UPDATE background_run SET last_claim_ms = ? WHERE run_id = ?")
                .bind(now_ms())
                .bind(run)
                .execute(&mut *transaction)
                .await
                .map_err(unavailable)?;
            sqlx::query("UPDATE batch SET updated_at = ? WHERE batch_id = ?")
                .bind(now)
                .bind(batch)
                .execute(&mut *transaction)
                .await
                .map_err(unavailable)?;
            transaction.commit().await.map_err(unavailable)?;
            command.status = CommandStatus::Pending;
            return Ok(Some(Claim {
                run,
                batch,
                domain: candidate.try_get("domain").map_err(corrupt)?,
                command,
                watchlist: candidate
                    .try_get::<Option<String>, _>("watchlist")
                    .map_err(corrupt)?
                    .and_then(|value| value.parse().ok())
                    .unwrap_or_default(),
            }));
        }
        transaction.commit().await.map_err(unavailable)?;
        Ok(None)
    }

    async fn release_claims_of(&self, runner: &str) -> Result<u64, StoreError> {
        let pool = self.ready().await?;
        let released = sqlx::query(
            "UPDATE command SET status = 'planned', claimed_by = NULL, claimed_at = NULL \
             WHERE status = 'pending' AND claimed_by = ?",
        )
        .bind(runner)
        .execute(pool)
        .await
        .map_err(unavailable)?;
        Ok(released.rows_affected())
    }

    async fn release_command(&self, command: CommandId) -> Result<(), StoreError> {
        let pool = self.ready().await?;
        sqlx::query(
            "UPDATE command SET status = 'planned', claimed_by = NULL, claimed_at = NULL \
             WHERE command_id = ? AND status = 'pending'",
        )
        .bind(command)
        .execute(pool)
        .await
        .map_err(unavailable)?;
        Ok(())
    }

    async fn credentials(&self, run: RunId) -> Result<Option<SealedCredentials>, StoreError> {
        let pool = self.ready().await?;
        let row = sqlx::query(
            "SELECT access_token, refresh_token, access_expires_at FROM background_run \
             WHERE run_id = ? AND stopped_at IS NULL",
        )
        .bind(run)
        .fetch_optional(pool)
        .await
        .map_err(unavailable)?;
        let Some(row) = row else {
            return Ok(None);
        };
        let access: Option<String> = row.try_get("access_token").map_err(corrupt)?;
        let refresh: Option<String> = row.try_get("refresh_token").map_err(corrupt)?;
        Ok(match (access, refresh) {
            (Some(access_token), Some(refresh_token)) => Some(SealedCredentials {
                access_token,
                refresh_token,
                access_expires_at: row.try_get("access_expires_at").map_err(corrupt)?,
            }),
            _ => None,
        })
    }

    async fn lock_refresh(&self, run: RunId, until: i64) -> Result<bool, StoreError> {
        let pool = self.ready().await?;
        let result = sqlx::query(
            "UPDATE background_run SET refresh_locked_until = ? \
             WHERE run_id = ? AND stopped_at IS NULL AND refresh_locked_until <= ?",
        )
        .bind(until)
        .bind(run)
        .bind(now())
        .execute(pool)
        .await
        .map_err(unavailable)?;
        Ok(result.rows_affected() == 1)
    }

    async fn store_credentials(
        &self,
        run: RunId,
        credentials: &SealedCredentials,
    ) -> Result<(), StoreError> {
        let pool = self.ready().await?;
        sqlx::query(
            "UPDATE background_run SET access_token = ?, refresh_token = ?, access_expires_at = ?, \
             refresh_locked_until = 0 WHERE run_id = ? AND stopped_at IS NULL",
        )
        .bind(&credentials.access_token)
        .bind(&credentials.refresh_token)
        .bind(credentials.access_expires_at)
        .bind(run)
        .execute(pool)
        .await
        .map_err(unavailable)?;
        Ok(())
    }

    async fn preferences(&self, user_sub: &str) -> Result<Preferences, StoreError> {
        let pool = self.ready().await?;
        let row = sqlx::query(
            "SELECT default_domain, suggested_domains, watchlist FROM preference WHERE user_sub = ?",
        )
        .bind(user_sub)
        .fetch_optional(pool)
        .await
        .map_err(unavailable)?;
        let Some(row) = row else {
            return Ok(Preferences::default());
        };
        let default_domain: Option<String> = row.try_get("default_domain").map_err(corrupt)?;
        let suggested: String = row.try_get("suggested_domains").map_err(corrupt)?;
        let watchlist: String = row.try_get("watchlist").map_err(corrupt)?;
        Ok(Preferences::from_stored(
            default_domain.as_deref(),
            &suggested,
            &watchlist,
        ))
    }

    async fn store_preferences(
        &self,
        user_sub: &str,
        preferences: &Preferences,
    ) -> Result<(), StoreError> {
        let pool = self.ready().await?;
        sqlx::query(
            "INSERT INTO preference (user_sub, default_domain, suggested_domains, watchlist, updated_at) \
             VALUES (?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE default_domain = VALUES(default_domain), \
             suggested_domains = VALUES(suggested_domains), watchlist = VALUES(watchlist), \
             updated_at = VALUES(updated_at)",
        )
        .bind(user_sub)
        .bind(preferences.default_domain.as_ref().map(|d| d.as_str()))
        .bind(preferences.suggested_lines())
        .bind(preferences.watchlist.as_str())
        .bind(now())
        .execute(pool)
        .await
        .map_err(unavailable)?;
        Ok(())
    }
}
