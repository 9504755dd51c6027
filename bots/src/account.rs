//! What a chat user can ask about their own records, the same on every
//! platform: list or pause them (`/history`), export them, erase them. Each
//! call returns what to send; a failure is logged and becomes a plain
//! "try again" sentence. The adapters only deliver.

use pixdrop::history::{History, UserHash};

use crate::{export, texts};

pub const NO_HISTORY: &str = "I keep no history on this server.";
const UNREACHABLE: &str = "Your history can't be reached right now. Try again in a minute.";

/// `/history` with `word`: `off` pauses recording, `on` resumes it, and
/// anything else lists the last ten conversions.
pub async fn history(history: Option<&History>, user: &UserHash, word: Option<&str>) -> String {
    let Some(history) = history else {
        return NO_HISTORY.into();
    };
    let answer = match word {
        Some("off") => history.pause(user, true).await.map(|()| {
            "Done: I won't record your conversions. Use /history on to resume.".to_string()
        }),
        Some("on") => history
            .pause(user, false)
            .await
            .map(|()| "Done: I'll record how your conversions go again.".to_string()),
        _ => history
            .for_user(user, Some(10))
            .await
            .map(|records| texts::history(&records)),
    };
    answer.unwrap_or_else(|error| {
        tracing::warn!("history query failed: {error}");
        UNREACHABLE.into()
    })
}

/// The export file.
pub struct Export {
    pub bytes: Vec<u8>,
    pub file_name: &'static str,
    pub caption: String,
}

/// `/export`: every record as one JSON file, or the sentence saying why not.
pub async fn export(history: Option<&History>, user: &UserHash) -> Result<Export, String> {
    let Some(history) = history else {
        return Err(NO_HISTORY.into());
    };
    match history.for_user(user, None).await {
        Ok(records) => Ok(Export {
            bytes: export::bytes(&records),
            file_name: export::FILE_NAME,
            caption: format!("Your conversion history: {} records.", records.len()),
        }),
        Err(error) => {
            tracing::warn!("history export failed: {error}");
            Err(UNREACHABLE.into())
        }
    }
}

/// `/forget`, once confirmed: erases every record of `user`.
pub async fn forget(history: Option<&History>, user: &UserHash) -> String {
    let Some(history) = history else {
        return NO_HISTORY.into();
    };
    match history.forget(user).await {
        Ok(erased) => texts::erased(erased),
        Err(error) => {
            tracing::warn!("history erase failed: {error}");
            "I couldn't erase your history right now. Try again in a minute.".into()
        }
    }
}
