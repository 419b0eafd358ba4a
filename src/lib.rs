//! sweperf: evaluate code-performance patches the way SWE-Perf does, but inside Wasmtime, with
//! cost measured in deterministic fuel instead of wall-clock time.
//!
//! The data flows one way: instance -> patched tree -> sandbox runs -> measurements -> scores ->
//! report (`instance`, `patch`, `sandbox`, `measure`, `evaluate`, `run`, `report`, `export`); the
//! sandbox knows nothing downstream of it, nor the environment table (a test below checks). This
//! crate is the embedding API; the `sweperf` binary is a thin layer over it. The library never
//! prints and never exits the process, and every public item is documented (`missing_docs` is
//! denied), with its defaults and errors.

#![deny(missing_docs)]

pub mod dataset;
pub mod digest;
pub mod environment;
pub mod error;
pub mod evaluate;
pub mod export;
pub mod instance;
pub mod integrity;
mod jsonl;
pub mod measure;
pub mod patch;
pub mod predictions;
pub mod report;
pub mod run;
pub mod runner;
pub mod runtime;
pub mod sandbox;
mod tree;
pub mod validate;
pub mod verify;

pub use error::{Error, Result};
pub use evaluate::{EvalOptions, Evaluator};
pub use instance::Instance;
pub use report::{InstanceReport, InstanceStatus, Summary};
pub use runtime::Home;
pub use sandbox::{Access, Limits, Mount, Outcome, RunRequest, Sandbox, Status};

/// This crate's version, recorded in every report.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

#[cfg(test)]
mod tests {
    /// The `crate::` modules a source file names (in paths, `use` lists and doc links).
    fn crate_modules(text: &str) -> std::collections::BTreeSet<String> {
        let mut found = std::collections::BTreeSet::new();
        for (at, _) in text.match_indices("crate::") {
            let rest = &text[at + "crate::".len()..];
            let names = match rest.strip_prefix('{') {
                // `crate::{a, b::c}`: the first segment of each entry.
                Some(list) => list[..list.find('}').unwrap_or(list.len())].split(',').map(str::trim).collect(),
                None => vec![rest],
            };
            for name in names {
                let end = name.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(name.len());
                if end > 0 {
                    found.insert(name[..end].to_string());
                }
            }
        }
        found
    }

    #[test]
    fn the_sandbox_depends_on_nothing_downstream() {
        // The sandbox runs what it is given: environments, reports, evaluation and measuring
        // are built on it, and what the guest needs of them comes in the RunRequest.
        const ALLOWED: &[&str] = &["sandbox", "error", "runtime", "digest"];
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/sandbox");
        let mut checked = 0;
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                let upward: Vec<String> = crate_modules(&text).into_iter().filter(|m| !ALLOWED.contains(&m.as_str())).collect();
                assert!(upward.is_empty(), "{} names crate::{:?}; the sandbox may use only {ALLOWED:?}", path.display(), upward);
                checked += 1;
            }
        }
        assert!(checked >= 7, "only {checked} files read in {}", dir.display());
    }

    #[test]
    fn module_names_are_found_in_every_form() {
        let found = crate_modules("use crate::{environment, report::Fingerprint};\nlet x = crate::evaluate::run();\n/// [`crate::run::Run`]");
        assert_eq!(found.into_iter().collect::<Vec<_>>(), ["environment", "evaluate", "report", "run"]);
    }
}
