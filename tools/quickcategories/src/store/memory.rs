//! Batches in memory: the default when no database is configured (local development, smoke
//! tests). Everything is lost at restart, which the start log says.

use std::sync::{Arc, Mutex, MutexGuard};

use super::{
    Batch, BatchId, BatchStore, BatchSummary, CommandId, CommandStatus, NewBatch, Outcome,
    StoreError, StoredCommand, now,
};

#[derive(Debug, Clone, Default)]
pub struct MemoryStore {
    batches: Arc<Mutex<Vec<Batch>>>,
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }

    fn batches(&self) -> MutexGuard<'_, Vec<Batch>> {
        self.batches
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl BatchStore for MemoryStore {
    async fn create_batch(&self, batch: NewBatch) -> Result<BatchId, StoreError> {
        let mut batches = self.batches();
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
        });
        Ok(id)
    }

    async fn batch(&self, id: BatchId) -> Result<Option<Batch>, StoreError> {
        Ok(self.batches().iter().find(|b| b.id == id).cloned())
    }

    async fn list_batches(
        &self,
        offset: u64,
        limit: u64,
    ) -> Result<(Vec<BatchSummary>, u64), StoreError> {
        let batches = self.batches();
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
        let mut batches = self.batches();
        let Some(batch) = batches.iter_mut().find(|b| b.id == batch) else {
            return Ok(Vec::new());
        };
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
        let mut batches = self.batches();
        for batch in batches.iter_mut() {
            if let Some(stored) = batch.commands.iter_mut().find(|c| c.id == command) {
                stored.status = CommandStatus::Done(outcome.clone());
                batch.updated_at = now();
                return Ok(());
            }
        }
        Ok(())
    }
}
