//! Where batches live: a trait with two implementations, in memory (the embedded default, so the
//! tool runs with no database) and MariaDB (ToolsDB in production). One contract test suite runs
//! against both.

mod mariadb;
mod memory;

use std::future::Future;

use serde::{Deserialize, Serialize};

pub use mariadb::{DatabaseSettings, MariaDbStore};
pub use memory::MemoryStore;

use crate::command::Command;

pub type BatchId = u64;
pub type CommandId = u64;

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
}

impl Batch {
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
}

pub(crate) fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}
