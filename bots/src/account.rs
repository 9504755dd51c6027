//! What a chat user can ask about their own records, the same on every
//! platform: list or pause them (`/history`), export them, erase them. Each
//! call returns what to send; a failure is logged and becomes a plain
//! "try again" sentence. The adapters only deliver.

use pixdrop::Lang;
use pixdrop::history::{History, UserHash};

use crate::{export, texts};

/// `/history` with `word`: `off` pauses recording, `on` resumes it, and
/// anything else lists the last ten conversions.
pub async fn history(
    lang: Lang,
    history: Option<&History>,
    user: &UserHash,
    word: Option<&str>,
) -> String {
    let Some(history) = history else {
        return texts::no_history_here(lang);
    };
    let answer = match word {
        Some("off") => history
            .pause(user, true)
            .await
            .map(|()| texts::history_paused(lang)),
        Some("on") => history
            .pause(user, false)
            .await
            .map(|()| texts::history_resumed(lang)),
        _ => history
            .for_user(user, Some(10))
            .await
            .map(|records| texts::history(lang, &records)),
    };
    answer.unwrap_or_else(|error| {
        tracing::warn!("history query failed: {error}");
        texts::history_unreachable(lang)
    })
}

/// The export file.
pub struct Export {
    pub bytes: Vec<u8>,
    pub file_name: &'static str,
    pub caption: String,
}

/// `/export`: every record as one JSON file, or the sentence saying why not.
pub async fn export(
    lang: Lang,
    history: Option<&History>,
    user: &UserHash,
) -> Result<Export, String> {
    let Some(history) = history else {
        return Err(texts::no_history_here(lang));
    };
    match history.for_user(user, None).await {
        Ok(records) => Ok(Export {
            bytes: export::bytes(&records),
            file_name: export::FILE_NAME,
            caption: texts::export_caption(lang, records.len()),
        }),
        Err(error) => {
            tracing::warn!("history export failed: {error}");
            Err(texts::history_unreachable(lang))
        }
    }
}

/// `/forget`, once confirmed: erases every record of `user`.
pub async fn forget(lang: Lang, history: Option<&History>, user: &UserHash) -> String {
    let Some(history) = history else {
        return texts::no_history_here(lang);
    };
    match history.forget(user).await {
        Ok(erased) => texts::erased(lang, erased),
        Err(error) => {
            tracing::warn!("history erase failed: {error}");
            texts::erase_failed(lang)
        }
    }
}
