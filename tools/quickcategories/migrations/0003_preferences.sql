-- Each user's preferences (the /preferences page), by central user id (names can change). The
-- background runner edits with the watchlist setting of the user who started the run.
CREATE TABLE preference (
  user_sub VARCHAR(64) NOT NULL PRIMARY KEY,
  default_domain VARCHAR(255) NULL,
  -- One domain per line.
  suggested_domains TEXT NOT NULL,
  -- The `watchlist` parameter of edits: preferences, nochange or watch.
  watchlist VARCHAR(16) NOT NULL DEFAULT 'preferences',
  updated_at BIGINT NOT NULL
) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
