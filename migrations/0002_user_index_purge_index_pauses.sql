-- A user's records newest first, the hourly purge, and users who paused
-- their history.
CREATE INDEX IF NOT EXISTS conversions_user ON conversions (user_hash, at);
CREATE INDEX IF NOT EXISTS conversions_purge ON conversions (purge_after);
CREATE TABLE IF NOT EXISTS history_paused (user_hash TEXT PRIMARY KEY);
