-- Admins' auto-convert settings, under a keyed hash of the chat or channel.
CREATE TABLE IF NOT EXISTS auto_convert (
    place_hash TEXT PRIMARY KEY,
    settings TEXT NOT NULL
);
