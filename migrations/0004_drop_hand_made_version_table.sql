-- Releases before sqlx's migrator kept their own version table. Every
-- statement above is IF NOT EXISTS, so a database they migrated has taken
-- versions 1 to 3 as no-ops into _sqlx_migrations; their table is no longer
-- read. (An older release that starts again recreates it, harmlessly.)
DROP TABLE IF EXISTS pixdrop_migrations;
