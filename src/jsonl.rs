//! Reading files of JSON records, as JSON Lines or as one JSON array, keeping each record's
//! line (or array position) so every later error can name it. It must not interpret records.

use std::path::Path;

use crate::error::{Error, Result};

/// The records of `path` with their 1-based line numbers (array positions for an array).
pub(crate) fn read_records(path: &Path) -> Result<Vec<(usize, serde_json::Value)>> {
    let shown = path.display().to_string();
    read_each(path)?
        .into_iter()
        .map(|(line, v)| v.map(|v| (line, v)).map_err(|message| Error::BadInput { file: format!("{shown}:{line}"), message }))
        .collect()
}

/// Like [`read_records`], but a line that is not valid JSON is that line's own error and the
/// other lines are still read (a JSON array is all or nothing).
pub(crate) fn read_each(path: &Path) -> Result<Vec<(usize, std::result::Result<serde_json::Value, String>)>> {
    let shown = path.display().to_string();
    let at = |line: usize, message: String| Error::BadInput {
        file: format!("{shown}:{line}"),
        message,
    };
    let text = std::fs::read_to_string(path).map_err(|e| Error::BadInput {
        file: shown.clone(),
        message: format!("cannot be read: {e}"),
    })?;
    if text.trim_start().starts_with('[') {
        let values: Vec<serde_json::Value> = serde_json::from_str(&text).map_err(|e| at(e.line(), format!("not a JSON array of records: {e}")))?;
        return Ok(values.into_iter().enumerate().map(|(i, v)| (i + 1, Ok(v))).collect());
    }
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v = serde_json::from_str(line).map_err(|e| format!("not valid JSON ({e}); each line must be one JSON object"));
        out.push((i + 1, v));
    }
    Ok(out)
}
