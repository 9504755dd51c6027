//! The history export users get (`/export`, the web's export button): one
//! JSON document of their records, with only the fields a record has.

use pixdrop::history::Record;
use serde_json::{Value, json};

pub fn record(record: &Record) -> Value {
    json!({
        "at": record.at,
        "platform": record.platform.name(),
        "input_format": record.input_format.map(|f| f.name()),
        "output_format": record.output_format.map(|f| f.name()),
        "input_bytes": record.input_bytes,
        "output_bytes": record.output_bytes,
        "width": record.width,
        "height": record.height,
        "frames": record.frames,
        "settings": record.settings.as_str(),
        "duration_ms": record.duration_ms,
        "outcome": record.outcome.as_str(),
    })
}

/// The whole export: `{"records": [...]}`.
pub fn document(records: &[Record]) -> Value {
    json!({ "records": records.iter().map(record).collect::<Vec<_>>() })
}

/// The export as pretty-printed bytes, ready to send as a file.
pub fn bytes(records: &[Record]) -> Vec<u8> {
    serde_json::to_vec_pretty(&document(records)).unwrap_or_default()
}

/// The name export files go by.
pub const FILE_NAME: &str = "pixdrop-history.json";
