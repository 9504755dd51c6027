-- API keys: a name, a random id, and the SHA-256 of the key. The key itself
-- is shown once, at creation, and never stored. Revoking deletes the row.
CREATE TABLE IF NOT EXISTS api_keys (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    key_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT
);
