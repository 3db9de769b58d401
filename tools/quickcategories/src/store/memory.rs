//! Batches in memory: the default when no database is configured (local development, smoke
//! tests). Everything is lost at restart, which the start log says.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use super::{
    BackgroundRun, Batch, BatchId, BatchStore, BatchSummary, CLAIM_LEASE_SECONDS, Claim, CommandId,
    CommandStatus, Creator, NewBatch, Outcome, RUNNER_TIMEOUT_SECONDS, RunId, RunStop,
    SealedCredentials, StoreError, StoredCommand, Suspension, WEB_CLAIM_TIMEOUT_SECONDS, now,
    now_ms,
};
use crate::preferences::Preferences;

#[derive(Debug, Clone, Default)]
pub struct MemoryStore {
    state: Arc<Mutex<State>>,
}

#[derive(Debug, Default)]
struct State {
    batches: Vec<Batch>,
    /// Pending commands: who took them (`None`: a web request) and when.
    claims: HashMap<CommandId, (Option<String>, i64)>,
    /// Live runners and their last heartbeat.
    runners: HashMap<String, i64>,
    runs: HashMap<RunId, RunState>,
    next_run: RunId,
    /// By central user id.
    preferences: HashMap<String, Preferences>,
}

#[derive(Debug)]
struct RunState {
    batch: BatchId,
    /// Central id of who started the run (whose preferences its edits follow).
    starter_sub: String,
    credentials: Option<SealedCredentials>,
    last_claim_ms: i64,
    refresh_locked_until: i64,
}

impl State {
    fn batch_mut(&mut self, id: BatchId) -> Option<&mut Batch> {
        self.batches.iter_mut().find(|b| b.id == id)
    }

    /// The active run `id` as the batch shows it.
    fn active_run_mut(&mut self, id: RunId) -> Option<&mut BackgroundRun> {
        let batch = self.runs.get(&id)?.batch;
        self.batch_mut(batch)?
            .background
            .iter_mut()
            .find(|run| run.id == id && run.stopped.is_none())
    }

    fn set_status(&mut self, command: CommandId, status: CommandStatus) -> Option<BatchId> {
        for batch in &mut self.batches {
            if let Some(stored) = batch.commands.iter_mut().find(|c| c.id == command) {
                stored.status = status;
                batch.updated_at = now();
                return Some(batch.id);
            }
        }
        None
    }
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }

    /// Tests only: moves every claim `seconds` into the past, as if its commands had been taken
    /// that long ago. The MariaDB contract tests do the same to `claimed_at` with SQL; a clock
    /// parameter would reach into every method of both stores for the sake of this one fact,
    /// and sleeping through `WEB_CLAIM_TIMEOUT_SECONDS` is no option.
    #[doc(hidden)]
    pub fn backdate_claims(&self, seconds: i64) {
        for (_, claimed_at) in self.state().claims.values_mut() {
            *claimed_at -= seconds;
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl BatchStore for MemoryStore {
    async fn create_batch(&self, batch: NewBatch) -> Result<BatchId, StoreError> {
        let batches = &mut self.state().batches;
        let id = batches.len() as u64 + 1;
        let first_command = batches.iter().map(|b| b.commands.len() as u64).sum::<u64>() + 1;
        let now = now();
        let commands = batch
            .commands
            .into_iter()
            .enumerate()
            .map(|(position, command)| StoredCommand {
                id: first_command + position as u64,
                position: u32::try_from(position).unwrap_or(u32::MAX),
                command,
                status: CommandStatus::Planned,
            })
            .collect();
        batches.push(Batch {
            id,
            domain: batch.domain,
            title: batch.title,
            creator: batch.creator,
            created_at: now,
            updated_at: now,
            commands,
            background: Vec::new(),
        });
        Ok(id)
    }

    async fn batch(&self, id: BatchId) -> Result<Option<Batch>, StoreError> {
        Ok(self.state().batches.iter().find(|b| b.id == id).cloned())
    }

    async fn list_batches(
        &self,
        offset: u64,
        limit: u64,
    ) -> Result<(Vec<BatchSummary>, u64), StoreError> {
        let batches = &self.state().batches;
        let summaries = batches
            .iter()
            .rev()
            .skip(usize::try_from(offset).unwrap_or(usize::MAX))
            .take(usize::try_from(limit).unwrap_or(usize::MAX))
            .map(|batch| BatchSummary {
                id: batch.id,
                domain: batch.domain.clone(),
                title: batch.title.clone(),
                creator_name: batch.creator.name.clone(),
                created_at: batch.created_at,
                progress: batch.progress(),
            })
            .collect();
        Ok((summaries, batches.len() as u64))
    }

    async fn take_planned(
        &self,
        batch: BatchId,
        limit: u32,
    ) -> Result<Vec<StoredCommand>, StoreError> {
        let mut state = self.state();
        let state = &mut *state;
        let Some(batch) = state.batches.iter_mut().find(|b| b.id == batch) else {
            return Ok(Vec::new());
        };
        // This batch's web claims whose request is presumed dead are planned again first.
        let stale = now() - WEB_CLAIM_TIMEOUT_SECONDS;
        for command in &mut batch.commands {
            if command.status == CommandStatus::Pending
                && state
                    .claims
                    .get(&command.id)
                    .is_some_and(|(claimer, claimed_at)| claimer.is_none() && *claimed_at < stale)
            {
                state.claims.remove(&command.id);
                command.status = CommandStatus::Planned;
            }
        }
        let mut taken = Vec::new();
        for command in batch
            .commands
            .iter_mut()
            .filter(|c| c.status == CommandStatus::Planned)
        {
            if taken.len() >= limit as usize {
                break;
            }
            command.status = CommandStatus::Pending;
            state.claims.insert(command.id, (None, now()));
            taken.push(command.clone());
        }
        if !taken.is_empty() {
            batch.updated_at = now();
        }
        Ok(taken)
    }

    async fn finish_command(
        &self,
        command: CommandId,
        outcome: &Outcome,
    ) -> Result<(), StoreError> {
        let mut state = self.state();
        state.claims.remove(&command);
        state.set_status(command, CommandStatus::Done(outcome.clone()));
        Ok(())
    }

    async fn start_background(
        &self,
        batch: BatchId,
        starter: &Creator,
        credentials: &SealedCredentials,
    ) -> Result<Option<RunId>, StoreError> {
        let mut state = self.state();
        state.next_run += 1;
        let id = state.next_run;
        let Some(stored) = state.batch_mut(batch) else {
            return Ok(None);
        };
        if stored.active_run().is_some() {
            return Ok(None);
        }
        stored.background.push(BackgroundRun {
            id,
            started_at: now(),
            started_by: starter.name.clone(),
            stopped: None,
            suspended: None,
        });
        state.runs.insert(
            id,
            RunState {
                batch,
                starter_sub: starter.sub.clone(),
                credentials: Some(credentials.clone()),
                last_claim_ms: 0,
                refresh_locked_until: 0,
            },
        );
        Ok(Some(id))
    }

    async fn stop_run(
        &self,
        run: RunId,
        by: Option<&str>,
        reason: &str,
    ) -> Result<bool, StoreError> {
        let mut state = self.state();
        let Some(active) = state.active_run_mut(run) else {
            return Ok(false);
        };
        active.stopped = Some(RunStop {
            at: now(),
            by: by.map(str::to_owned),
            reason: reason.to_owned(),
        });
        active.suspended = None;
        if let Some(run_state) = state.runs.get_mut(&run) {
            run_state.credentials = None;
        }
        Ok(true)
    }

    async fn end_run_if_done(&self, run: RunId) -> Result<bool, StoreError> {
        let done = {
            let state = self.state();
            let Some(batch) = state
                .runs
                .get(&run)
                .and_then(|r| state.batches.iter().find(|b| b.id == r.batch))
            else {
                return Ok(false);
            };
            let progress = batch.progress();
            progress.planned == 0 && progress.pending == 0
        };
        if done {
            self.stop_run(run, None, super::FINISHED).await
        } else {
            Ok(false)
        }
    }

    async fn suspend_run(&self, run: RunId, until: i64, reason: &str) -> Result<(), StoreError> {
        if let Some(active) = self.state().active_run_mut(run) {
            active.suspended = Some(Suspension {
                until,
                reason: reason.to_owned(),
            });
        }
        Ok(())
    }

    async fn heartbeat(&self, runner: &str) -> Result<u64, StoreError> {
        let (replanned, finished) = {
            let mut state = self.state();
            let now = now();
            state.runners.insert(runner.to_owned(), now);
            state
                .runners
                .retain(|_, heartbeat| *heartbeat >= now - RUNNER_TIMEOUT_SECONDS);
            let abandoned: Vec<CommandId> = state
                .claims
                .iter()
                .filter(|(_, (claimer, claimed_at))| {
                    *claimed_at < now - CLAIM_LEASE_SECONDS
                        || match claimer {
                            Some(claimer) => !state.runners.contains_key(claimer),
                            None => *claimed_at < now - WEB_CLAIM_TIMEOUT_SECONDS,
                        }
                })
                .map(|(id, _)| *id)
                .collect();
            for command in &abandoned {
                state.claims.remove(command);
                state.set_status(*command, CommandStatus::Planned);
            }
            // Runs whose last outcome was stored but which were not ended then.
            let finished: Vec<RunId> = state
                .batches
                .iter()
                .filter_map(|batch| {
                    let progress = batch.progress();
                    batch
                        .active_run()
                        .filter(|_| progress.planned == 0 && progress.pending == 0)
                        .map(|run| run.id)
                })
                .collect();
            (abandoned.len() as u64, finished)
        };
        for run in finished {
            self.stop_run(run, None, super::FINISHED).await?;
        }
        Ok(replanned)
    }

    async fn unregister_runner(&self, runner: &str) -> Result<(), StoreError> {
        self.state().runners.remove(runner);
        Ok(())
    }

    async fn claim_background_command(&self, runner: &str) -> Result<Option<Claim>, StoreError> {
        let mut state = self.state();
        let now = now();
        let mut candidates: Vec<(i64, RunId, BatchId)> = state
            .batches
            .iter()
            .filter_map(|batch| {
                let run = batch.active_run()?;
                let waiting = run.suspended.as_ref().is_some_and(|s| s.until > now);
                let has_planned = batch
                    .commands
                    .iter()
                    .any(|c| c.status == CommandStatus::Planned);
                (!waiting && has_planned).then(|| {
                    let last = state.runs.get(&run.id).map_or(0, |r| r.last_claim_ms);
                    (last, run.id, batch.id)
                })
            })
            .collect();
        candidates.sort_unstable();
        let Some(&(_, run, batch_id)) = candidates.first() else {
            return Ok(None);
        };
        let batch = state
            .batch_mut(batch_id)
            .ok_or_else(|| StoreError::Corrupt(format!("running batch {batch_id} disappeared")))?;
        let Some(command) = batch
            .commands
            .iter_mut()
            .find(|c| c.status == CommandStatus::Planned)
        else {
            return Ok(None);
        };
        command.status = CommandStatus::Pending;
        let command = command.clone();
        batch.updated_at = now;
        let domain = batch.domain.clone();
        let watchlist = state
            .runs
            .get(&run)
            .and_then(|r| state.preferences.get(&r.starter_sub))
            .map(|p| p.watchlist)
            .unwrap_or_default();
        state
            .claims
            .insert(command.id, (Some(runner.to_owned()), now));
        if let Some(run_state) = state.runs.get_mut(&run) {
            run_state.last_claim_ms = now_ms();
        }
        Ok(Some(Claim {
            run,
            batch: batch_id,
            domain,
            command,
            watchlist,
        }))
    }

    async fn release_claims_of(&self, runner: &str) -> Result<u64, StoreError> {
        let mut state = self.state();
        let held: Vec<CommandId> = state
            .claims
            .iter()
            .filter(|(_, (claimer, _))| claimer.as_deref() == Some(runner))
            .map(|(id, _)| *id)
            .collect();
        for command in &held {
            state.claims.remove(command);
            state.set_status(*command, CommandStatus::Planned);
        }
        Ok(held.len() as u64)
    }

    async fn release_command(&self, command: CommandId) -> Result<(), StoreError> {
        let mut state = self.state();
        state.claims.remove(&command);
        state.set_status(command, CommandStatus::Planned);
        Ok(())
    }

    async fn credentials(&self, run: RunId) -> Result<Option<SealedCredentials>, StoreError> {
        Ok(self
            .state()
            .runs
            .get(&run)
            .and_then(|r| r.credentials.clone()))
    }

    async fn lock_refresh(&self, run: RunId, until: i64) -> Result<bool, StoreError> {
        let mut state = self.state();
        let Some(run_state) = state.runs.get_mut(&run) else {
            return Ok(false);
        };
        if run_state.credentials.is_none() || run_state.refresh_locked_until > now() {
            return Ok(false);
        }
        run_state.refresh_locked_until = until;
        Ok(true)
    }

    async fn store_credentials(
        &self,
        run: RunId,
        credentials: &SealedCredentials,
    ) -> Result<(), StoreError> {
        if let Some(run_state) = self.state().runs.get_mut(&run)
            && run_state.credentials.is_some()
        {
            run_state.credentials = Some(credentials.clone());
            run_state.refresh_locked_until = 0;
        }
        Ok(())
    }

    async fn preferences(&self, user_sub: &str) -> Result<Preferences, StoreError> {
        Ok(self
            .state()
            .preferences
            .get(user_sub)
            .cloned()
            .unwrap_or_default())
    }

    async fn store_preferences(
        &self,
        user_sub: &str,
        preferences: &Preferences,
    ) -> Result<(), StoreError> {
        self.state()
            .preferences
            .insert(user_sub.to_owned(), preferences.clone());
        Ok(())
    }
}
