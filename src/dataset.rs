//! SWE-Perf-format datasets: reading their records and turning each into a sweperf instance
//! folder, from the user's own clone of its repository.
//!
//! The clone is only read (`git cat-file`, `git archive`): never checked out, fetched or written.
//! The environment comes from `runtimes/environments.toml` by repository and version; a
//! repository the table marks unsupported becomes an instance marked unsupported (reported as
//! such, never as the prediction's failure). Every problem names the dataset line and what to do.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde::Deserialize;

use crate::environment::Table;
use crate::error::{Error, IoContext, Result};
use crate::instance::{EXPERT_PATCH, MANIFEST, PROBLEM_STATEMENT, REPO_DIR};

/// One SWE-Perf record (other fields of the dataset are ignored).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// 1-based line (or array position) in the dataset file.
    pub line: usize,
    pub instance_id: String,
    pub repo: String,
    pub base_commit: String,
    pub patch: String,
    pub test_patch: String,
    pub efficiency_test: Vec<String>,
    pub problem_statement: String,
    pub version: Option<String>,
    pub created_at: Option<String>,
}

#[derive(Deserialize)]
struct RawRecord {
    instance_id: String,
    repo: String,
    base_commit: String,
    patch: String,
    #[serde(default)]
    test_patch: Option<String>,
    efficiency_test: serde_json::Value,
    #[serde(default)]
    problem_statement: Option<String>,
    #[serde(default)]
    version: Option<serde_json::Value>,
    #[serde(default)]
    created_at: Option<serde_json::Value>,
}

fn scalar(v: Option<serde_json::Value>) -> Option<String> {
    match v? {
        serde_json::Value::String(s) => Some(s),
        serde_json::Value::Null => None,
        other => Some(other.to_string()),
    }
}

/// Reads a dataset: JSON Lines, or a JSON array of records.
pub fn load(path: &Path) -> Result<Vec<Record>> {
    let shown = path.display().to_string();
    let at = |line: usize, message: String| Error::BadInput {
        file: format!("{shown}:{line}"),
        message,
    };
    let values = crate::jsonl::read_records(path)?;
    let mut records = Vec::new();
    for (line, value) in values {
        let raw: RawRecord = serde_json::from_value(value).map_err(|e| {
            at(line, format!("not a SWE-Perf record ({e}); it needs instance_id, repo, base_commit, patch and efficiency_test"))
        })?;
        // Hugging Face exports list fields as JSON-encoded strings.
        let efficiency_test: Vec<String> = match raw.efficiency_test {
            serde_json::Value::String(s) => serde_json::from_str(&s).map_err(|_| at(line, "`efficiency_test` must be a list of pytest node ids".into()))?,
            v => serde_json::from_value(v).map_err(|_| at(line, "`efficiency_test` must be a list of pytest node ids".into()))?,
        };
        if efficiency_test.is_empty() {
            return Err(at(line, "`efficiency_test` is empty".into()));
        }
        let id_ok = !raw.instance_id.is_empty() && !raw.instance_id.starts_with('.') && raw.instance_id.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c));
        if !id_ok {
            return Err(at(line, format!("`instance_id` `{}` must use letters, digits, `.`, `_` and `-` only", raw.instance_id)));
        }
        if !raw.repo.contains('/') {
            return Err(at(line, format!("`repo` `{}` must be owner/name", raw.repo)));
        }
        if raw.base_commit.len() < 7 || !raw.base_commit.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(at(line, format!("`base_commit` `{}` is not a commit hash", raw.base_commit)));
        }
        records.push(Record {
            line,
            instance_id: raw.instance_id,
            repo: raw.repo,
            base_commit: raw.base_commit,
            patch: raw.patch,
            test_patch: raw.test_patch.unwrap_or_default(),
            efficiency_test,
            problem_statement: raw.problem_statement.unwrap_or_default(),
            version: scalar(raw.version),
            created_at: scalar(raw.created_at),
        });
    }
    if records.is_empty() {
        return Err(Error::BadInput {
            file: shown,
            message: "holds no records".into(),
        });
    }
    Ok(records)
}

/// The user's clone of `owner/name` under `repos_dir`: `owner/name` or SWE-bench's `owner__name`.
pub fn find_clone(repos_dir: &Path, repo: &str) -> Result<PathBuf> {
    let (owner, name) = repo.split_once('/').expect("checked when loaded");
    let candidates = [repos_dir.join(owner).join(name), repos_dir.join(format!("{owner}__{name}"))];
    for c in &candidates {
        if c.join(".git").exists() {
            return Ok(c.clone());
        }
    }
    Err(Error::Other(format!(
        "no clone of {repo} under {}: looked for {} and {}; clone it there (`git clone https://github.com/{repo} {}`)",
        repos_dir.display(),
        candidates[0].display(),
        candidates[1].display(),
        candidates[1].display()
    )))
}

fn git(clone: &Path) -> Command {
    let mut c = Command::new("git");
    c.arg("-C").arg(clone).env("GIT_TERMINAL_PROMPT", "0");
    c
}

/// Writes the tree of `commit` into `dest` without touching the clone's work tree or index.
pub fn materialize(clone: &Path, commit: &str, dest: &Path) -> Result<()> {
    let known = git(clone)
        .args(["cat-file", "-e", &format!("{commit}^{{commit}}")])
        .stderr(Stdio::null())
        .status()
        .map_err(|e| Error::io("running git (is it installed?)", e))?;
    if !known.success() {
        return Err(Error::Other(format!(
            "commit {commit} is not in the clone at {}; fetch it (`git -C {} fetch origin {commit}`) or use a full clone",
            clone.display(),
            clone.display()
        )));
    }
    fs::create_dir_all(dest).context(|| format!("creating {}", dest.display()))?;
    let archive = git(clone)
        .args(["archive", "--format=tar", commit])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| Error::io("running git archive", e))?;
    let out = archive.wait_with_output().map_err(|e| Error::io("running git archive", e))?;
    if !out.status.success() {
        return Err(Error::Other(format!("git archive {commit} failed in {}: {}", clone.display(), String::from_utf8_lossy(&out.stderr))));
    }
    let mut tar = Command::new("tar")
        .arg("-x")
        .arg("-C")
        .arg(dest)
        .stdin(Stdio::piped())
        .spawn()
        .map_err(|e| Error::io("running tar (is it installed?)", e))?;
    tar.stdin.take().expect("piped").write_all(&out.stdout).map_err(|e| Error::io("unpacking the archive", e))?;
    let status = tar.wait().map_err(|e| Error::io("unpacking the archive", e))?;
    if !status.success() {
        return Err(Error::Other(format!("unpacking commit {commit} into {} failed", dest.display())));
    }
    Ok(())
}

/// What importing one record produced.
#[derive(Debug, Clone)]
pub struct Imported {
    pub instance_id: String,
    pub folder: PathBuf,
    pub environment: String,
    pub unsupported: Option<String>,
}

fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// Writes `record` as an instance folder `out_dir/<instance_id>` (replacing an older import).
pub fn import(record: &Record, repos_dir: &Path, out_dir: &Path, table: &Table) -> Result<Imported> {
    let context = |e: Error| Error::Other(format!("{} (dataset line {}): {e}", record.instance_id, record.line));
    let rule = table.rule_for(&record.repo, record.version.as_deref());
    let environment = rule.map_or(crate::runtime::DEFAULT_RUNTIME.to_string(), |r| r.environment.clone());
    let unsupported = rule.and_then(|r| r.unsupported.clone());
    let folder = out_dir.join(&record.instance_id);
    let staging = tempfile::Builder::new()
        .prefix(".import-")
        .tempdir_in({
            fs::create_dir_all(out_dir).context(|| format!("creating {}", out_dir.display()))?;
            out_dir
        })
        .context(|| format!("creating a folder in {}", out_dir.display()))?;
    let repo_dir = staging.path().join(REPO_DIR);
    if unsupported.is_none() {
        let clone = find_clone(repos_dir, &record.repo).map_err(context)?;
        materialize(&clone, &record.base_commit, &repo_dir).map_err(context)?;
        if !record.test_patch.trim().is_empty() {
            crate::patch::apply(&repo_dir, &record.test_patch)
                .map_err(|e| context(Error::Other(format!("its test_patch does not apply to {}: {e}", record.base_commit))))?;
        }
    } else {
        fs::create_dir_all(&repo_dir).context(|| format!("creating {}", repo_dir.display()))?;
    }
    let list = |v: &[String]| v.iter().map(|s| toml_string(s)).collect::<Vec<_>>().join(", ");
    let mut manifest = format!(
        "# Imported from a SWE-Perf-format dataset by `sweperf import`.\nid = {}\nenvironment = {}\nefficiency_tests = [{}]\n",
        toml_string(&record.instance_id),
        toml_string(&environment),
        list(&record.efficiency_test)
    );
    if let Some(why) = &unsupported {
        manifest.push_str(&format!("unsupported = {}\n", toml_string(why)));
    }
    manifest.push_str(&format!(
        "\n[source]\nrepo = {}\nbase_commit = {}\n",
        toml_string(&record.repo),
        toml_string(&record.base_commit)
    ));
    if let Some(v) = &record.version {
        manifest.push_str(&format!("version = {}\n", toml_string(v)));
    }
    if let Some(c) = &record.created_at {
        manifest.push_str(&format!("created_at = {}\n", toml_string(c)));
    }
    fs::write(staging.path().join(MANIFEST), manifest).context(|| "writing the manifest".into())?;
    let patch = if record.patch.trim().is_empty() { "\n" } else { record.patch.as_str() };
    fs::write(staging.path().join(EXPERT_PATCH), patch).context(|| "writing the expert patch".into())?;
    let problem = if record.problem_statement.trim().is_empty() { "(no problem statement in the dataset)\n" } else { record.problem_statement.as_str() };
    fs::write(staging.path().join(PROBLEM_STATEMENT), problem).context(|| "writing the problem statement".into())?;
    if folder.exists() {
        fs::remove_dir_all(&folder).context(|| format!("replacing {}", folder.display()))?;
    }
    fs::rename(staging.keep(), &folder).context(|| format!("moving the import to {}", folder.display()))?;
    Ok(Imported {
        instance_id: record.instance_id.clone(),
        folder,
        environment,
        unsupported,
    })
}

/// Imports every record; errors are collected so the user sees all of them at once.
pub fn import_all(records: &[Record], repos_dir: &Path, out_dir: &Path) -> Result<(Vec<Imported>, Vec<Error>)> {
    let table = Table::builtin()?;
    let mut done = Vec::new();
    let mut errors = Vec::new();
    for r in records {
        match import(r, repos_dir, out_dir, &table) {
            Ok(i) => done.push(i),
            Err(e) => errors.push(e),
        }
    }
    Ok((done, errors))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_text(text: &str) -> Result<Vec<Record>> {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("d.jsonl");
        fs::write(&p, text).unwrap();
        load(&p)
    }

    #[test]
    fn reads_records_with_list_or_encoded_tests() {
        let line = r#"{"instance_id": "a__b-1", "repo": "a/b", "base_commit": "abcdef1", "patch": "p", "test_patch": "", "efficiency_test": "[\"t.py::x\"]", "problem_statement": "slow", "version": 1.2, "created_at": "2024", "extra": 1}"#;
        let r = load_text(line).unwrap();
        assert_eq!(r[0].efficiency_test, ["t.py::x"]);
        assert_eq!(r[0].version.as_deref(), Some("1.2"));
    }

    #[test]
    fn bad_lines_are_named() {
        let good = r#"{"instance_id": "a__b-1", "repo": "a/b", "base_commit": "abcdef1", "patch": "p", "efficiency_test": ["t.py::x"]}"#;
        for (text, needle) in [
            (format!("{good}\nnope\n"), ":2: not valid JSON"),
            (format!("{good}\n{{\"instance_id\": \"x\"}}\n"), ":2: not a SWE-Perf record"),
            (good.replace("abcdef1", "main"), ":1: `base_commit`"),
            (good.replace("a__b-1", "../x"), ":1: `instance_id`"),
            (good.replace("[\"t.py::x\"]", "[]"), ":1: `efficiency_test` is empty"),
        ] {
            let err = load_text(&text).unwrap_err().to_string();
            assert!(err.contains(needle), "expected `{needle}` in `{err}`");
        }
    }
}
