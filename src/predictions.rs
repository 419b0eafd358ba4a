//! Predictions: SWE-bench-style JSON Lines (`instance_id`, `model_name_or_path`, `model_patch`),
//! a JSON array of the same objects, or `gold` (the instances' expert patches).
//!
//! Every problem is reported with the file and line it was found on. This module must not read
//! instances beyond their ids and expert patches.

use std::collections::BTreeMap;
use std::path::Path;

use crate::error::{Error, Result};
use crate::instance::Instance;

/// The model name used for the instances' expert patches.
pub const GOLD: &str = "gold";

/// One model's patches, by instance id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Predictions {
    /// The model's name (`model_name_or_path`; `gold` for expert patches).
    pub model: String,
    /// Instance id -> patch.
    pub patches: BTreeMap<String, String>,
    /// `gold` or the file's path, for reports.
    pub source: String,
}

/// The expert patches of `instances`, as the model `gold`.
pub fn gold(instances: &[Instance]) -> Predictions {
    Predictions {
        model: GOLD.to_string(),
        patches: instances.iter().map(|i| (i.id.clone(), i.expert_patch.clone())).collect(),
        source: GOLD.to_string(),
    }
}

/// Checks that a model name can name the run's folder for that model: each `/` becomes `__`
/// (see [`crate::run::model_dir_name`]), and what remains must be one ordinary folder name, so
/// that a model can neither write outside the run folder (`..`) nor share another model's
/// folder (an empty name is the run folder itself). `Err` says what is wrong and what to do.
///
/// Errors: why the name cannot be used, as the end of a sentence that starts with the name's field.
pub fn check_model_name(name: &str) -> Result<(), String> {
    /// Leaves room for `.<run_id>.json` in a 255-byte file name.
    const MAX_FOLDER_BYTES: usize = 160;
    if name.trim().is_empty() {
        return Err("is empty; give the model a name (it names the run's output folder)".into());
    }
    if let Some(c) = name.chars().find(|c| c.is_control()) {
        return Err(format!("`{}` contains the control character {c:?}; use printable characters", name.escape_debug()));
    }
    if name.contains('\\') {
        return Err(format!("`{name}` contains `\\`; only `/` may separate the parts of a model name"));
    }
    if name == "." || name == ".." {
        return Err(format!("is `{name}`, which names a folder outside the model's own; give the model a name"));
    }
    if crate::run::model_dir_name(name).len() > MAX_FOLDER_BYTES {
        return Err(format!("is longer than {MAX_FOLDER_BYTES} bytes; it names a folder, so shorten it"));
    }
    Ok(())
}

/// Reads a predictions file, checking every line against the known instance ids.
///
/// Errors: [`Error::BadInput`] naming the file and line: an unreadable file, a line that is not a
/// prediction, a bad model name, an unknown or duplicate instance id, two models in one file.
pub fn load(path: &Path, known_ids: &[&str]) -> Result<Predictions> {
    let shown = path.display().to_string();
    let at = |line: usize, message: String| Error::BadInput {
        file: format!("{shown}:{line}"),
        message,
    };
    let records = crate::jsonl::read_records(path)?;
    let mut model: Option<(String, usize)> = None;
    let mut patches = BTreeMap::new();
    let mut first_line: BTreeMap<String, usize> = BTreeMap::new();
    for (line, value) in records {
        let serde_json::Value::Object(r) = value else {
            return Err(at(line, "not a JSON object with `instance_id`, `model_name_or_path` and `model_patch`".into()));
        };
        let field = |name: &str, nullable: bool| -> Result<String> {
            match r.get(name) {
                Some(serde_json::Value::String(s)) => Ok(s.clone()),
                Some(serde_json::Value::Null) if nullable => Ok(String::new()),
                None => Err(at(line, format!("missing key `{name}`"))),
                Some(other) => Err(at(line, format!("`{name}` must be a string, got {other}"))),
            }
        };
        let id = field("instance_id", false)?;
        let name = field("model_name_or_path", false)?;
        check_model_name(&name).map_err(|why| at(line, format!("`model_name_or_path` {why}")))?;
        // SWE-bench writes `null` for a model that produced no patch: it counts as empty.
        let patch = field("model_patch", true)?;
        if !known_ids.contains(&id.as_str()) {
            return Err(at(line, format!("unknown instance id `{id}`; it is not among the {} instances being evaluated", known_ids.len())));
        }
        if let Some(first) = first_line.get(&id) {
            return Err(at(line, format!("duplicate instance id `{id}` (first on line {first})")));
        }
        match &model {
            None => model = Some((name, line)),
            Some((m, first)) if *m != name => {
                return Err(at(line, format!("model `{name}` differs from `{m}` on line {first}; evaluate one model per file")));
            }
            Some(_) => {}
        }
        first_line.insert(id.clone(), line);
        patches.insert(id, patch);
    }
    let (model, _) = model.ok_or_else(|| Error::BadInput {
        file: shown.clone(),
        message: "holds no predictions".into(),
    })?;
    Ok(Predictions {
        model,
        patches,
        source: shown,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_names_that_would_leave_or_share_a_folder_are_refused() {
        let long = "m".repeat(161);
        for bad in ["", "  ", ".", "..", "a\\b", "..\\x", "a\nb", "a\u{1b}[2Jb", "a\tb", &long] {
            let line = serde_json::json!({"instance_id": "a", "model_name_or_path": bad, "model_patch": "x"}).to_string();
            let err = load_text(&format!("{line}\n")).unwrap_err().to_string();
            assert!(err.contains("preds.jsonl:1:") && err.contains("`model_name_or_path`"), "`{}`: {err}", bad.escape_debug());
        }
        // `/` maps to `__`, so a path-like name stays one folder inside the run folder.
        for good in ["m", "org/model-7b", "gpt-4o.2026", "some model (v2)", "../x", "/ckpt/model", "./m", "..."] {
            assert!(check_model_name(good).is_ok(), "{good}");
            let dir = crate::run::model_dir_name(good);
            assert!(!dir.contains('/') && dir != "." && dir != "..", "{good} -> {dir}");
        }
    }

    fn load_text(text: &str) -> Result<Predictions> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("preds.jsonl");
        std::fs::write(&path, text).unwrap();
        load(&path, &["a", "b"])
    }

    #[test]
    fn reads_json_lines_and_arrays() {
        let p = load_text("{\"instance_id\": \"a\", \"model_name_or_path\": \"m\", \"model_patch\": \"x\"}\n\n{\"instance_id\": \"b\", \"model_name_or_path\": \"m\", \"model_patch\": null}\n").unwrap();
        assert_eq!(p.model, "m");
        assert_eq!(p.patches["a"], "x");
        assert_eq!(p.patches["b"], "");
        let p = load_text("[{\"instance_id\": \"a\", \"model_name_or_path\": \"m\", \"model_patch\": \"x\"}]").unwrap();
        assert_eq!(p.patches.len(), 1);
    }

    #[test]
    fn errors_name_the_line() {
        let ok = "{\"instance_id\": \"a\", \"model_name_or_path\": \"m\", \"model_patch\": \"x\"}\n";
        for (text, needle) in [
            (format!("{ok}not json\n"), ":2: not valid JSON"),
            (format!("{ok}{{\"instance_id\": \"b\", \"model_patch\": \"x\"}}\n"), ":2: missing key `model_name_or_path`"),
            (format!("{ok}{{\"instance_id\": \"zzz\", \"model_name_or_path\": \"m\", \"model_patch\": \"x\"}}\n"), ":2: unknown instance id `zzz`"),
            (format!("{ok}{ok}"), ":2: duplicate instance id `a` (first on line 1)"),
            (format!("{ok}{{\"instance_id\": \"b\", \"model_name_or_path\": \"other\", \"model_patch\": \"x\"}}\n"), ":2: model `other` differs"),
            ("".to_string(), "holds no predictions"),
            (format!("{ok}{{\"instance_id\": \"b\", \"model_name_or_path\": \"m\\u0000\", \"model_patch\": \"x\"}}\n"), ":2: `model_name_or_path` `m\\0` contains the control character"),
        ] {
            let err = load_text(&text).unwrap_err().to_string();
            assert!(err.contains(needle), "expected `{needle}` in `{err}`");
        }
    }
}
