-- Batches and their commands. Timestamps are Unix seconds.
CREATE TABLE batch (
  batch_id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  domain VARCHAR(255) NOT NULL,
  title VARCHAR(800) NOT NULL DEFAULT '',
  creator_name VARCHAR(255) NOT NULL,
  creator_sub VARCHAR(64) NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  INDEX batch_updated (updated_at)
) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE command (
  command_id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  batch_id BIGINT UNSIGNED NOT NULL,
  position INT UNSIGNED NOT NULL,
  -- The command as JSON (page, flags, actions).
  command MEDIUMTEXT NOT NULL,
  -- planned, pending or done
  status VARCHAR(16) NOT NULL,
  -- For done commands: the outcome kind (edited, no_change, …) and the outcome as JSON.
  outcome_kind VARCHAR(32) NULL,
  outcome TEXT NULL,
  UNIQUE KEY command_position (batch_id, position),
  INDEX command_status (batch_id, status, position),
  CONSTRAINT command_batch FOREIGN KEY (batch_id) REFERENCES batch (batch_id) ON DELETE CASCADE
) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
