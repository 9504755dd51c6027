-- One row per conversion: metadata only (formats, sizes, settings, time,
-- outcome, the salted user hash). Never bytes, names or raw ids.
CREATE TABLE IF NOT EXISTS conversions (
    at BIGINT NOT NULL,
    platform TEXT NOT NULL,
    input_format TEXT,
    output_format TEXT,
    input_bytes BIGINT NOT NULL,
    output_bytes BIGINT,
    width BIGINT,
    height BIGINT,
    frames BIGINT,
    settings TEXT NOT NULL,
    duration_ms BIGINT NOT NULL,
    outcome TEXT NOT NULL,
    user_hash TEXT,
    purge_after BIGINT NOT NULL
);
