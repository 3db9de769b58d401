-- Background runs: who started and stopped each, the state of the active one and its sealed
-- (encrypted, authenticated) OAuth tokens, which are deleted when the run stops.
CREATE TABLE background_run (
  run_id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  batch_id BIGINT UNSIGNED NOT NULL,
  started_at BIGINT NOT NULL,
  started_by_name VARCHAR(255) NOT NULL,
  started_by_sub VARCHAR(64) NOT NULL,
  -- batch_id while the run is active, NULL after: the unique key allows one active run a batch.
  active_batch_id BIGINT UNSIGNED NULL,
  stopped_at BIGINT NULL,
  -- NULL when the runner stopped it (finished, blocked, authorization revoked).
  stopped_by_name VARCHAR(255) NULL,
  stop_reason TEXT NULL,
  suspended_until BIGINT NOT NULL DEFAULT 0,
  suspend_reason TEXT NULL,
  -- Unix milliseconds of the last claim: the running batch that waited longest goes next.
  last_claim_ms BIGINT NOT NULL DEFAULT 0,
  access_token TEXT NULL,
  refresh_token TEXT NULL,
  access_expires_at BIGINT NOT NULL DEFAULT 0,
  refresh_locked_until BIGINT NOT NULL DEFAULT 0,
  UNIQUE KEY background_run_active (active_batch_id),
  INDEX background_run_batch (batch_id, run_id),
  CONSTRAINT background_run_batch FOREIGN KEY (batch_id) REFERENCES batch (batch_id) ON DELETE CASCADE
) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- Runner processes that are alive (heartbeat every few seconds).
CREATE TABLE runner (
  runner_id VARCHAR(64) NOT NULL PRIMARY KEY,
  heartbeat_at BIGINT NOT NULL
) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- Who took a pending command and when (NULL claimer: a web request).
ALTER TABLE command
  ADD COLUMN claimed_by VARCHAR(64) NULL,
  ADD COLUMN claimed_at BIGINT NULL;

-- Runners look for commands whose claimer is gone.
CREATE INDEX command_pending ON command (status, claimed_by);
