//! Where batches live: a trait with two implementations, in memory (the embedded default, so the
//! tool runs with no database) and MariaDB (ToolsDB in production). One contract test suite runs
//! against both.

mod mariadb;
mod memory;

use std::future::Future;

use serde::{Deserialize, Serialize};

pub use mariadb::MariaDbStore;
pub use memory::MemoryStore;
/// `[database]` in the settings: where ToolsDB is, or a URL.
pub use platform::toolsdb::DatabaseSettings;

use crate::command::Command;
use crate::preferences::{Preferences, Watchlist};

pub type BatchId = u64;
pub type CommandId = u64;
pub type RunId = u64;

/// A runner that sent no heartbeat for this long is gone: its pending commands are planned again.
pub const RUNNER_TIMEOUT_SECONDS: i64 = 60;
/// Commands a web request took ("Run the next commands now") and did not finish within this
/// time are planned again (the slice died with its process): by the next `take_planned` of
/// their batch, and by any runner's heartbeat. A slice runs to its end even when its request
/// is cut off, so only a process that died leaves claims this old; the timeout is far above the
/// few seconds a slice's edits take.
pub const WEB_CLAIM_TIMEOUT_SECONDS: i64 = 300;
/// No runner holds a command this long (its retries take a few minutes at most): a claim this
/// old is planned again even if its runner is alive (it failed to put the command back).
pub const CLAIM_LEASE_SECONDS: i64 = 900;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Creator {
    pub name: String,
    /// Central user id from the OAuth profile: names can change, this cannot.
    pub sub: String,
}

#[derive(Debug, Clone)]
pub struct NewBatch {
    pub domain: String,
    pub title: String,
    pub creator: Creator,
    /// With the form's defaults already filled into each command's flags.
    pub commands: Vec<Command>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    pub id: BatchId,
    pub domain: String,
    pub title: String,
    pub creator: Creator,
    pub created_at: i64,
    pub updated_at: i64,
    pub commands: Vec<StoredCommand>,
    /// Background runs, oldest first; at most the last one is active.
    pub background: Vec<BackgroundRun>,
}

impl Batch {
    /// The background run going on now, if any.
    pub fn active_run(&self) -> Option<&BackgroundRun> {
        self.background.last().filter(|run| run.stopped.is_none())
    }

    pub fn progress(&self) -> Progress {
        let mut progress = Progress::default();
        for command in &self.commands {
            progress.count(&command.status);
        }
        progress
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCommand {
    pub id: CommandId,
    /// 0-based position in the batch.
    pub position: u32,
    pub command: Command,
    pub status: CommandStatus,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommandStatus {
    /// Not run yet.
    Planned,
    /// Taken by a runner, outcome not stored yet.
    Pending,
    Done(Outcome),
}

/// What running a command did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Outcome {
    Edited { revision: u64 },
    Created { revision: u64 },
    NoChange,
    PageMissing,
    InvalidTitle,
    Protected { info: String },
    EditConflict,
    Maxlag { info: String },
    ReadOnly { info: String },
    Blocked { info: String },
    Failed { code: String, info: String },
}

impl Outcome {
    /// Stable name, stored next to the outcome for counting.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Edited { .. } => "edited",
            Self::Created { .. } => "created",
            Self::NoChange => "no_change",
            Self::PageMissing => "page_missing",
            Self::InvalidTitle => "invalid_title",
            Self::Protected { .. } => "protected",
            Self::EditConflict => "edit_conflict",
            Self::Maxlag { .. } => "maxlag",
            Self::ReadOnly { .. } => "read_only",
            Self::Blocked { .. } => "blocked",
            Self::Failed { .. } => "failed",
        }
    }

    /// Whether the command did what it should (possibly nothing, if nothing was needed).
    pub fn is_success(&self) -> bool {
        matches!(
            self,
            Self::Edited { .. } | Self::Created { .. } | Self::NoChange
        )
    }
}

/// Counts of a batch's commands by state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    pub planned: u64,
    pub pending: u64,
    pub succeeded: u64,
    pub failed: u64,
}

impl Progress {
    pub fn count(&mut self, status: &CommandStatus) {
        match status {
            CommandStatus::Planned => self.planned += 1,
            CommandStatus::Pending => self.pending += 1,
            CommandStatus::Done(outcome) if outcome.is_success() => self.succeeded += 1,
            CommandStatus::Done(_) => self.failed += 1,
        }
    }

    pub fn total(&self) -> u64 {
        self.planned + self.pending + self.succeeded + self.failed
    }

    /// Percentage of commands done (succeeded or failed), 0–100.
    pub fn percent_done(&self) -> u64 {
        match self.total() {
            0 => 100,
            total => (self.succeeded + self.failed) * 100 / total,
        }
    }
}

/// The stop reason of a run that ran every command.
pub const FINISHED: &str = "every command has run";

/// One background run of a batch: who started it and when, and how it ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackgroundRun {
    pub id: RunId,
    pub started_at: i64,
    pub started_by: String,
    /// `None` while the run is active.
    pub stopped: Option<RunStop>,
    /// Set while an active run waits (wiki lagged or read-only).
    pub suspended: Option<Suspension>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunStop {
    pub at: i64,
    /// Who stopped it; `None` if the runner did (finished, blocked, authorization revoked).
    pub by: Option<String>,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suspension {
    /// Unix seconds.
    pub until: i64,
    pub reason: String,
}

/// The OAuth tokens a background run acts with, each sealed (`platform::security::sealing`): the store
/// never sees them in clear.
#[derive(Clone, PartialEq, Eq)]
pub struct SealedCredentials {
    pub access_token: String,
    pub refresh_token: String,
    /// When the access token expires, Unix seconds.
    pub access_expires_at: i64,
}

impl std::fmt::Debug for SealedCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SealedCredentials")
            .field("access_expires_at", &self.access_expires_at)
            .finish_non_exhaustive()
    }
}

/// A command a runner has claimed (now pending), with what it needs to run it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    pub run: RunId,
    pub batch: BatchId,
    pub domain: String,
    pub command: StoredCommand,
    /// The watchlist preference of the user who started the run.
    pub watchlist: Watchlist,
}

/// One line of the batch list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchSummary {
    pub id: BatchId,
    pub domain: String,
    pub title: String,
    pub creator_name: String,
    pub created_at: i64,
    pub progress: Progress,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the database is unavailable: {0}")]
    Unavailable(String),
    #[error("the database holds something unreadable: {0}")]
    Corrupt(String),
}

/// Storage of batches. Futures are `Send` so handlers can await them.
pub trait BatchStore: Send + Sync {
    fn create_batch(
        &self,
        batch: NewBatch,
    ) -> impl Future<Output = Result<BatchId, StoreError>> + Send;

    fn batch(&self, id: BatchId) -> impl Future<Output = Result<Option<Batch>, StoreError>> + Send;

    /// Newest first; also returns how many batches there are in all.
    fn list_batches(
        &self,
        offset: u64,
        limit: u64,
    ) -> impl Future<Output = Result<(Vec<BatchSummary>, u64), StoreError>> + Send;

    /// Takes up to `limit` planned commands of a batch, in order, and marks them pending,
    /// atomically: two callers never get the same command.
    ///
    /// First, in the same transaction, the batch's commands taken this way (web claims) more
    /// than [`WEB_CLAIM_TIMEOUT_SECONDS`] ago and still pending are planned again, so that a
    /// slice whose process died is taken up again even when no runner process runs to sweep
    /// them (a database without the `runner` component).
    fn take_planned(
        &self,
        batch: BatchId,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<StoredCommand>, StoreError>> + Send;

    /// Stores the outcome of a pending command.
    fn finish_command(
        &self,
        command: CommandId,
        outcome: &Outcome,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Starts a background run with these credentials; `None` if one is active already.
    fn start_background(
        &self,
        batch: BatchId,
        starter: &Creator,
        credentials: &SealedCredentials,
    ) -> impl Future<Output = Result<Option<RunId>, StoreError>> + Send;

    /// Ends a run (if still active) and deletes its credentials. `by`: who stopped it, `None`
    /// for the runner itself. Returns whether it was active.
    fn stop_run(
        &self,
        run: RunId,
        by: Option<&str>,
        reason: &str,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Ends the run if its batch has nothing planned or pending any more.
    fn end_run_if_done(&self, run: RunId) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Lets the run's batch wait until `until` (Unix seconds) for `reason`.
    fn suspend_run(
        &self,
        run: RunId,
        until: i64,
        reason: &str,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// A runner is alive: records it, plans again the pending commands of runners that are
    /// gone and of web requests that died, and ends runs with nothing left to run. Returns how
    /// many commands were planned again.
    fn heartbeat(&self, runner: &str) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// A runner stops cleanly (after finishing its command).
    fn unregister_runner(
        &self,
        runner: &str,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Claims the next planned command of the running, not suspended batch that waited
    /// longest, atomically: two runners never claim the same command.
    fn claim_background_command(
        &self,
        runner: &str,
    ) -> impl Future<Output = Result<Option<Claim>, StoreError>> + Send;

    /// Puts back every command `runner` holds. A runner calls this when it holds nothing but
    /// a claim's answer was lost (the claim may have been committed without it knowing).
    fn release_claims_of(
        &self,
        runner: &str,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// Puts a pending command back to planned (it was not run, or must run again).
    fn release_command(
        &self,
        command: CommandId,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The credentials of an active run; `None` once it stopped.
    fn credentials(
        &self,
        run: RunId,
    ) -> impl Future<Output = Result<Option<SealedCredentials>, StoreError>> + Send;

    /// Takes the run's refresh lock until `until` (Unix seconds) if nobody holds it: refreshing
    /// revokes the old refresh token, so only one runner may refresh a run's tokens at a time.
    fn lock_refresh(
        &self,
        run: RunId,
        until: i64,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Stores refreshed credentials of an active run and releases the refresh lock.
    fn store_credentials(
        &self,
        run: RunId,
        credentials: &SealedCredentials,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The preferences of the user with this central id; the defaults if none are stored.
    fn preferences(
        &self,
        user_sub: &str,
    ) -> impl Future<Output = Result<Preferences, StoreError>> + Send;

    /// Replaces the user's preferences.
    fn store_preferences(
        &self,
        user_sub: &str,
        preferences: &Preferences,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
}

/// The configured store: one of the two implementations.
#[derive(Debug, Clone)]
pub enum Store {
    Memory(MemoryStore),
    MariaDb(MariaDbStore),
}

impl BatchStore for Store {
    async fn create_batch(&self, batch: NewBatch) -> Result<BatchId, StoreError> {
        match self {
            Self::Memory(store) => store.create_batch(batch).await,
            Self::MariaDb(store) => store.create_batch(batch).await,
        }
    }

    async fn batch(&self, id: BatchId) -> Result<Option<Batch>, StoreError> {
        match self {
            Self::Memory(store) => store.batch(id).await,
            Self::MariaDb(store) => store.batch(id).await,
        }
    }

    async fn list_batches(
        &self,
        offset: u64,
        limit: u64,
    ) -> Result<(Vec<BatchSummary>, u64), StoreError> {
        match self {
            Self::Memory(store) => store.list_batches(offset, limit).await,
            Self::MariaDb(store) => store.list_batches(offset, limit).await,
        }
    }

    async fn take_planned(
        &self,
        batch: BatchId,
        limit: u32,
    ) -> Result<Vec<StoredCommand>, StoreError> {
        match self {
            Self::Memory(store) => store.take_planned(batch, limit).await,
            Self::MariaDb(store) => store.take_planned(batch, limit).await,
        }
    }

    async fn finish_command(
        &self,
        command: CommandId,
        outcome: &Outcome,
    ) -> Result<(), StoreError> {
        match self {
            Self::Memory(store) => store.finish_command(command, outcome).await,
            Self::MariaDb(store) => store.finish_command(command, outcome).await,
        }
    }

    async fn start_background(
        &self,
        batch: BatchId,
        starter: &Creator,
        credentials: &SealedCredentials,
    ) -> Result<Option<RunId>, StoreError> {
        match self {
            Self::Memory(store) => store.start_background(batch, starter, credentials).await,
            Self::MariaDb(store) => store.start_background(batch, starter, credentials).await,
        }
    }

    async fn stop_run(
        &self,
        run: RunId,
        by: Option<&str>,
        reason: &str,
    ) -> Result<bool, StoreError> {
        match self {
            Self::Memory(store) => store.stop_run(run, by, reason).await,
            Self::MariaDb(store) => store.stop_run(run, by, reason).await,
        }
    }

    async fn end_run_if_done(&self, run: RunId) -> Result<bool, StoreError> {
        match self {
            Self::Memory(store) => store.end_run_if_done(run).await,
            Self::MariaDb(store) => store.end_run_if_done(run).await,
        }
    }

    async fn suspend_run(&self, run: RunId, until: i64, reason: &str) -> Result<(), StoreError> {
        match self {
            Self::Memory(store) => store.suspend_run(run, until, reason).await,
            Self::MariaDb(store) => store.suspend_run(run, until, reason).await,
        }
    }

    async fn heartbeat(&self, runner: &str) -> Result<u64, StoreError> {
        match self {
            Self::Memory(store) => store.heartbeat(runner).await,
            Self::MariaDb(store) => store.heartbeat(runner).await,
        }
    }

    async fn unregister_runner(&self, runner: &str) -> Result<(), StoreError> {
        match self {
            Self::Memory(store) => store.unregister_runner(runner).await,
            Self::MariaDb(store) => store.unregister_runner(runner).await,
        }
    }

    async fn claim_background_command(&self, runner: &str) -> Result<Option<Claim>, StoreError> {
        match self {
            Self::Memory(store) => store.claim_background_command(runner).await,
            Self::MariaDb(store) => store.claim_background_command(runner).await,
        }
    }

    async fn release_claims_of(&self, runner: &str) -> Result<u64, StoreError> {
        match self {
            Self::Memory(store) => store.release_claims_of(runner).await,
            Self::MariaDb(store) => store.release_claims_of(runner).await,
        }
    }

    async fn release_command(&self, command: CommandId) -> Result<(), StoreError> {
        match self {
            Self::Memory(store) => store.release_command(command).await,
            Self::MariaDb(store) => store.release_command(command).await,
        }
    }

    async fn credentials(&self, run: RunId) -> Result<Option<SealedCredentials>, StoreError> {
        match self {
            Self::Memory(store) => store.credentials(run).await,
            Self::MariaDb(store) => store.credentials(run).await,
        }
    }

    async fn lock_refresh(&self, run: RunId, until: i64) -> Result<bool, StoreError> {
        match self {
            Self::Memory(store) => store.lock_refresh(run, until).await,
            Self::MariaDb(store) => store.lock_refresh(run, until).await,
        }
    }

    async fn store_credentials(
        &self,
        run: RunId,
        credentials: &SealedCredentials,
    ) -> Result<(), StoreError> {
        match self {
            Self::Memory(store) => store.store_credentials(run, credentials).await,
            Self::MariaDb(store) => store.store_credentials(run, credentials).await,
        }
    }

    async fn preferences(&self, user_sub: &str) -> Result<Preferences, StoreError> {
        match self {
            Self::Memory(store) => store.preferences(user_sub).await,
            Self::MariaDb(store) => store.preferences(user_sub).await,
        }
    }

    async fn store_preferences(
        &self,
        user_sub: &str,
        preferences: &Preferences,
    ) -> Result<(), StoreError> {
        match self {
            Self::Memory(store) => store.store_preferences(user_sub, preferences).await,
            Self::MariaDb(store) => store.store_preferences(user_sub, preferences).await,
        }
    }
}

/// Unix milliseconds (the order in which running batches get their turn).
pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

pub(crate) fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}
