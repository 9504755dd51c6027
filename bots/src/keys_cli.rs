//! `pixdrop keys create|list|revoke`: API keys in the database named by
//! `DATABASE_URL`. `create` prints the new key as the only line on stdout,
//! the one time it exists in clear; everything else (ids, names, times)
//! may be shown freely, and nothing here ever prints a key again.

use clap::Subcommand;
use pixdrop::history::{History, KeyInfo, Retention};
use pixdrop::store::unix_now;

use crate::cli::CliError;
use crate::config::Config;

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Make a key named NAME; prints it once (keep it: only its hash is stored).
    Create { name: String },
    /// Show every key's id, name, creation and last use (never the keys).
    List,
    /// Revoke a key by name or id; it stops working at once.
    Revoke { name_or_id: String },
}

/// Runs `command` on the configured database; returns what to print.
pub fn run(command: &KeysCommand, config: &Config) -> Result<String, CliError> {
    let runtime = tokio::runtime::Runtime::new().map_err(|e| CliError::Io(e.to_string()))?;
    runtime.block_on(async {
        let retention = Retention {
            user_days: config.history_days,
            anonymous_days: crate::service::ANONYMOUS_HISTORY_DAYS,
        };
        let history = History::connect(&config.database_url, retention)
            .await
            .map_err(CliError::Io)?;
        let failed = |error: pixdrop::history::KeyError| CliError::Io(error.to_string());
        match command {
            KeysCommand::Create { name } => {
                let (key, _) = history
                    .create_key(name, unix_now() as i64)
                    .await
                    .map_err(failed)?;
                Ok(format!("{key}\n"))
            }
            KeysCommand::List => Ok(table(&history.keys().await.map_err(failed)?)),
            KeysCommand::Revoke { name_or_id } => {
                let key = history.revoke_key(name_or_id).await.map_err(failed)?;
                Ok(format!("revoked {} ({})\n", key.name, key.id))
            }
        }
    })
}

/// One line per key: id, name, created, last used (UTC, to the minute).
fn table(keys: &[KeyInfo]) -> String {
    let mut out = format!(
        "{:<16}  {:<24}  {:<16}  {}\n",
        "ID", "NAME", "CREATED", "LAST USED"
    );
    for key in keys {
        out.push_str(&format!(
            "{:<16}  {:<24}  {:<16}  {}\n",
            key.id,
            key.name,
            utc_minute(key.created_at),
            key.last_used_at
                .map_or_else(|| "never".to_string(), utc_minute),
        ));
    }
    out
}

/// `YYYY-MM-DD HH:MM` in UTC, from unix seconds.
fn utc_minute(unix: i64) -> String {
    chrono::DateTime::from_timestamp(unix, 0).map_or_else(
        || unix.to_string(),
        |at| at.format("%Y-%m-%d %H:%M").to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_show_as_utc_minutes() {
        assert_eq!(utc_minute(0), "1970-01-01 00:00");
        assert_eq!(utc_minute(1_764_553_260), "2025-12-01 01:41");
        assert_eq!(utc_minute(951_782_400), "2000-02-29 00:00");
    }
}
