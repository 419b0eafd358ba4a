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


use crate::environment::{Choice, Reason, Table};
use crate::error::{Error, IoContext, Result};
use crate::instance::{EXPERT_PATCH, MANIFEST, PROBLEM_STATEMENT, REPO_DIR};

/// One SWE-Perf record (other fields of the dataset are ignored).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// 1-based line (or array position) in the dataset file.
    pub line: usize,
    /// The record's id; names the instance folder it becomes.
    pub instance_id: String,
    /// The repository, `owner/name`.
    pub repo: String,
    /// The commit the instance's tree is read from.
    pub base_commit: String,
    /// The expert patch (a unified diff).
    pub patch: String,
    /// The patch that adds the tests, applied to the base tree on import.
    pub test_patch: String,
    /// The efficiency tests: pytest node ids whose fuel is measured.
    pub efficiency_test: Vec<String>,
    /// sweperf's extension (not a SWE-Perf field): the tests run for correctness, node ids or
    /// files; none: the efficiency tests' files.
    pub correctness_test: Option<Vec<String>>,
    /// The task as given to a model.
    pub problem_statement: String,
    /// The repository's version at `base_commit`, when the record has one (picks an environment).
    pub version: Option<String>,
    /// When the pull request was made, when the record says (picks an environment by date).
    pub created_at: Option<String>,
}

/// What is wrong with one record. The record is left out; the other records are still used.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RecordProblem {
    /// The dataset file, as given.
    pub file: String,
    /// 1-based line (or array position).
    pub line: usize,
    /// The record's `instance_id`, when it has a usable one.
    pub instance_id: Option<String>,
    /// The field at fault; none when the record as a whole is (not JSON, not an object).
    pub field: Option<String>,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub fix: String,
}

impl std::fmt::Display for RecordProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:", self.file, self.line)?;
        if let Some(id) = &self.instance_id {
            write!(f, " {id}:")?;
        }
        if let Some(field) = &self.field {
            write!(f, " field `{field}`:")?;
        }
        write!(f, " {}; {}", self.message, self.fix)
    }
}

/// A dataset as read: its well-formed records and a problem for each malformed one.
#[derive(Debug, Clone)]
pub struct Dataset {
    /// The well-formed records, in file order.
    pub records: Vec<Record>,
    /// One problem per malformed record.
    pub problems: Vec<RecordProblem>,
    /// Records in the file, well-formed or not.
    pub total: usize,
}

/// The fields sweperf reads; the others are ignored.
pub const REQUIRED_FIELDS: &[&str] = &["instance_id", "repo", "base_commit", "patch", "efficiency_test"];

/// Reads a dataset (JSON Lines, or a JSON array of records). Every malformed record becomes
/// a [`RecordProblem`] naming its line and field; the well-formed records are returned beside
/// them. Fails only when the file cannot be read at all or holds no records.
pub fn load(path: &Path) -> Result<Dataset> {
    let shown = path.display().to_string();
    let entries = crate::jsonl::read_each(path)?;
    let total = entries.len();
    let mut records: Vec<Record> = Vec::new();
    let mut problems = Vec::new();
    for (line, value) in entries {
        let mut found = Vec::new();
        let mut instance_id = None;
        let mut problem = |field: Option<&str>, message: String, fix: &str| {
            found.push((field.map(str::to_string), message, fix.to_string()));
        };
        let record = match value {
            Err(message) => {
                problem(None, message, "fix the line or remove it");
                None
            }
            Ok(serde_json::Value::Object(map)) => {
                instance_id = map.get("instance_id").and_then(|v| v.as_str()).filter(|id| valid_id(id)).map(str::to_string);
                check_record(&map, line, &mut problem)
            }
            Ok(_) => {
                problem(None, "not a JSON object".into(), "each record must be an object with instance_id, repo, base_commit, patch and efficiency_test");
                None
            }
        };
        if let Some(r) = &record {
            if let Some(first) = records.iter().find(|o| o.instance_id == r.instance_id) {
                problem(Some("instance_id"), format!("`{}` is also the id of the record on line {}", r.instance_id, first.line), "give every record its own instance_id");
            }
        }
        if found.is_empty() {
            records.extend(record);
            continue;
        }
        for (field, message, fix) in found {
            problems.push(RecordProblem {
                file: shown.clone(),
                line,
                instance_id: instance_id.clone(),
                field,
                message,
                fix,
            });
        }
    }
    if total == 0 {
        return Err(Error::BadInput {
            file: shown,
            message: "holds no records".into(),
        });
    }
    Ok(Dataset { records, problems, total })
}

fn valid_id(id: &str) -> bool {
    !id.is_empty() && !id.starts_with('.') && id.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
}

/// Checks one record's fields, reporting each problem; the record if its fields can be read
/// (it may still have problems, e.g. a duplicate test).
fn check_record(map: &serde_json::Map<String, serde_json::Value>, line: usize, problem: &mut dyn FnMut(Option<&str>, String, &str)) -> Option<Record> {
    use serde_json::Value;
    let text = |field: &str, required: bool, problem: &mut dyn FnMut(Option<&str>, String, &str)| -> Option<String> {
        match map.get(field) {
            None | Some(Value::Null) if required => {
                problem(Some(field), "is missing".into(), "a SWE-Perf record needs instance_id, repo, base_commit, patch and efficiency_test");
                None
            }
            None | Some(Value::Null) => Some(String::new()),
            Some(Value::String(s)) => Some(s.clone()),
            Some(other) => {
                problem(Some(field), format!("must be a string, not {}", kind(other)), "write it as a JSON string");
                None
            }
        }
    };
    let instance_id = text("instance_id", true, problem);
    let repo = text("repo", true, problem);
    let base_commit = text("base_commit", true, problem);
    let patch = text("patch", true, problem);
    let test_patch = text("test_patch", false, problem);
    let problem_statement = text("problem_statement", false, problem);
    let scalar = |field: &str, problem: &mut dyn FnMut(Option<&str>, String, &str)| -> Option<Option<String>> {
        match map.get(field) {
            None | Some(Value::Null) => Some(None),
            Some(Value::String(s)) => Some(Some(s.clone())),
            Some(Value::Number(n)) => Some(Some(n.to_string())),
            Some(other) => {
                problem(Some(field), format!("must be a string or a number, not {}", kind(other)), "write it as a JSON string");
                None
            }
        }
    };
    let version = scalar("version", problem);
    let created_at = scalar("created_at", problem);
    if let Some(id) = &instance_id {
        if !valid_id(id) {
            problem(Some("instance_id"), format!("`{id}` is not a usable folder name"), "use letters, digits, `.`, `_` and `-` only (SWE-Perf's are like `owner__name-1234`)");
        }
    }
    if let Some(r) = &repo {
        let ok = r.split_once('/').is_some_and(|(o, n)| valid_id(o) && valid_id(n));
        if !ok {
            problem(Some("repo"), format!("`{r}` is not a GitHub repository name"), "write it as owner/name, e.g. `sympy/sympy`");
        }
    }
    if let Some(c) = &base_commit {
        if c.len() < 7 || c.len() > 64 || !c.bytes().all(|b| b.is_ascii_hexdigit()) {
            problem(Some("base_commit"), format!("`{c}` is not a commit hash"), "give the full (or at least 7-digit) hexadecimal hash of the commit the patch applies to");
        }
    }
    if let Some(p) = &patch {
        if p.trim().is_empty() {
            problem(Some("patch"), "is empty".into(), "it must hold the expert patch, a unified diff of the non-test files");
        }
    }
    if let Some(Some(c)) = &created_at {
        if crate::environment::day_of(c).is_none() {
            problem(Some("created_at"), format!("`{c}` is not a date"), "write it as an ISO 8601 date or time, e.g. `2023-05-01T10:00:00Z` (it picks the environment when the table has no rule)");
        }
    }
    let efficiency_test = efficiency_tests(map.get("efficiency_test"), problem);
    let correctness_test = match map.get("correctness_test") {
        None | Some(Value::Null) => Some(None),
        Some(Value::Array(items)) if !items.is_empty() && items.iter().all(|t| t.as_str().is_some_and(|t| inside_repo(crate::instance::node_file(t)))) => {
            Some(Some(items.iter().map(|t| t.as_str().unwrap_or_default().to_string()).collect()))
        }
        Some(_) => {
            problem(Some("correctness_test"), "must be a non-empty list of pytest node ids or test files inside the repository".into(), "fix it, or leave it out to run the efficiency tests' files");
            None
        }
    };
    Some(Record {
        line,
        instance_id: instance_id?,
        repo: repo?,
        base_commit: base_commit?,
        patch: patch?,
        test_patch: test_patch?,
        efficiency_test: efficiency_test?,
        correctness_test: correctness_test?,
        problem_statement: problem_statement?,
        version: version?,
        created_at: created_at?,
    })
}

/// A relative path with `/` separators that stays inside the repository.
fn inside_repo(file: &str) -> bool {
    !(file.is_empty() || file.starts_with('/') || file.contains('\\') || file.split('/').any(|c| c == ".."))
}

fn kind(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "a list",
        serde_json::Value::Object(_) => "an object",
    }
}

/// `efficiency_test`: a list of pytest node ids (Hugging Face exports encode it as a string).
fn efficiency_tests(value: Option<&serde_json::Value>, problem: &mut dyn FnMut(Option<&str>, String, &str)) -> Option<Vec<String>> {
    const FIELD: Option<&str> = Some("efficiency_test");
    const LIST: &str = "give a JSON list of pytest node ids, e.g. [\"tests/test_x.py::test_name\"]";
    let decoded;
    let value = match value {
        None | Some(serde_json::Value::Null) => {
            problem(FIELD, "is missing".into(), LIST);
            return None;
        }
        Some(serde_json::Value::String(s)) => match serde_json::from_str::<serde_json::Value>(s) {
            Ok(v @ serde_json::Value::Array(_)) => {
                decoded = v;
                &decoded
            }
            _ => {
                problem(FIELD, format!("`{s}` is a string, not a list of node ids"), LIST);
                return None;
            }
        },
        Some(v) => v,
    };
    let Some(items) = value.as_array() else {
        problem(FIELD, format!("must be a list, not {}", kind(value)), LIST);
        return None;
    };
    if items.is_empty() {
        problem(FIELD, "is empty".into(), "name at least one test whose duration the patch should reduce");
        return None;
    }
    let mut tests = Vec::new();
    let mut ok = true;
    for item in items {
        let Some(t) = item.as_str() else {
            problem(FIELD, format!("holds {}, not a node id", kind(item)), LIST);
            ok = false;
            continue;
        };
        let file = crate::instance::node_file(t);
        if !t.contains("::") {
            problem(FIELD, format!("`{t}` names a file or folder, not a test"), "give pytest node ids (`path/test_file.py::test_name`, `path/test_file.py::TestClass::test_name`), as `pytest --collect-only -q` prints them");
            ok = false;
        } else if !inside_repo(file) {
            problem(FIELD, format!("`{t}` is not a path inside the repository"), "node ids are relative to the repository root, with `/` separators and no `..`");
            ok = false;
        } else if tests.contains(&t.to_string()) {
            problem(FIELD, format!("`{t}` is listed twice"), "list each test once");
            ok = false;
        }
        tests.push(t.to_string());
    }
    ok.then_some(tests)
}

/// The user's clone of `owner/name` under `repos_dir`: `owner/name` or SWE-bench's
/// `owner__name`, a clone with a work tree or a bare one (a mirror).
///
/// Errors: [`Error::Other`] when no clone is found, naming both places looked in.
pub fn find_clone(repos_dir: &Path, repo: &str) -> Result<PathBuf> {
    let (owner, name) = repo.split_once('/').expect("checked when loaded");
    let candidates = [repos_dir.join(owner).join(name), repos_dir.join(format!("{owner}__{name}"))];
    for c in &candidates {
        let bare = c.join("HEAD").is_file() && c.join("objects").is_dir();
        if c.join(".git").exists() || bare {
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
///
/// Errors: [`Error::Io`] when `git` or `tar` cannot be started; [`Error::Other`] when the clone has
/// no such commit or unpacking fails.
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
    /// The record's id (the instance's).
    pub instance_id: String,
    /// The instance folder written.
    pub folder: PathBuf,
    /// The environment chosen for it.
    pub environment: String,
    /// Why the environment table marks the repository unsupported, if it does.
    pub unsupported: Option<String>,
}

fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// The environment for `record`: `environment` if given (the command line's override), else
/// the table's choice by repository, version and date.
///
/// Errors: an unknown `environment` (see [`Table::resolve`]).
pub fn choose_environment(record: &Record, table: &Table, environment: Option<&str>) -> Result<Choice> {
    match environment {
        Some(name) => {
            table.resolve(name)?;
            Ok(Choice {
                environment: name.to_string(),
                unsupported: None,
                reason: Reason::Override,
            })
        }
        None => Ok(table.choose(&record.repo, record.version.as_deref(), record.created_at.as_deref())),
    }
}

/// Writes `record` as an instance folder `out_dir/<instance_id>` (replacing an older import),
/// in `environment` if given, else in the table's choice.
///
/// Errors: [`Error::Other`] naming the record and its dataset line, for a missing clone or commit,
/// a `test_patch` that does not apply, or an unknown environment; [`Error::Io`] when the folder
/// cannot be written.
pub fn import(record: &Record, repos_dir: &Path, out_dir: &Path, table: &Table, environment: Option<&str>) -> Result<Imported> {
    let context = |e: Error| Error::Other(format!("{} (dataset line {}): {e}", record.instance_id, record.line));
    let choice = choose_environment(record, table, environment)?;
    let environment = choice.environment;
    let unsupported = choice.unsupported;
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
    if let Some(tests) = &record.correctness_test {
        manifest.push_str(&format!("correctness_tests = [{}]\n", list(tests)));
    }
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
pub fn import_all(records: &[Record], repos_dir: &Path, out_dir: &Path, environment: Option<&str>) -> Result<(Vec<Imported>, Vec<Error>)> {
    let table = Table::builtin()?;
    if let Some(name) = environment {
        table.resolve(name)?;
    }
    let mut done = Vec::new();
    let mut errors = Vec::new();
    for r in records {
        match import(r, repos_dir, out_dir, &table, environment) {
            Ok(i) => done.push(i),
            Err(e) => errors.push(e),
        }
    }
    Ok((done, errors))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_text(text: &str) -> Result<Dataset> {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("d.jsonl");
        fs::write(&p, text).unwrap();
        load(&p)
    }

    #[test]
    fn reads_records_with_list_or_encoded_tests() {
        let line = r#"{"instance_id": "a__b-1", "repo": "a/b", "base_commit": "abcdef1", "patch": "p", "test_patch": "", "efficiency_test": "[\"t.py::x\"]", "problem_statement": "slow", "version": 1.2, "created_at": "2024", "extra": 1}"#;
        let d = load_text(&line.replace("\"2024\"", "\"2024-01-02T03:04:05Z\"")).unwrap();
        assert!(d.problems.is_empty(), "{:?}", d.problems);
        assert_eq!(d.records[0].efficiency_test, ["t.py::x"]);
        assert_eq!(d.records[0].version.as_deref(), Some("1.2"));
    }

    #[test]
    fn each_bad_record_is_its_own_problem_and_the_others_are_kept() {
        let good = r#"{"instance_id": "a__b-1", "repo": "a/b", "base_commit": "abcdef1", "patch": "p", "efficiency_test": ["t.py::x"]}"#;
        // Each case has its own id (so only the last one is a duplicate).
        let g = |i: usize| good.replace("a__b-1", &format!("c-{i}"));
        let cases = [
            ("nope".to_string(), None, "not valid JSON"),
            (g(1).replace("\"repo\": \"a/b\", ", ""), Some("repo"), "c-1: field `repo`: is missing"),
            (g(2).replace("abcdef1", "main"), Some("base_commit"), "`main` is not a commit hash"),
            (good.replace("a__b-1", "../x"), Some("instance_id"), "not a usable folder name"),
            (g(4).replace("[\"t.py::x\"]", "[]"), Some("efficiency_test"), "is empty"),
            (g(5).replace("[\"t.py::x\"]", "[\"tests/test_x.py\"]"), Some("efficiency_test"), "names a file or folder, not a test"),
            (g(6).replace("\"a/b\"", "\"ab\""), Some("repo"), "owner/name"),
            (g(7).replace("}", ", \"created_at\": \"yesterday\"}"), Some("created_at"), "not a date"),
            (good.to_string(), Some("instance_id"), "also the id of the record on line 1"),
        ];
        let mut text = format!("{good}\n");
        for (line, _, _) in &cases {
            text.push_str(line);
            text.push('\n');
        }
        let d = load_text(&text).unwrap();
        assert_eq!((d.total, d.records.len()), (cases.len() + 1, 1), "{:?}", d.problems);
        assert_eq!(d.problems.len(), cases.len(), "{:#?}", d.problems);
        for (i, (_, field, needle)) in cases.iter().enumerate() {
            let p = &d.problems[i];
            assert_eq!(p.line, i + 2);
            assert_eq!(p.field.as_deref(), *field, "{p}");
            assert!(p.to_string().contains(needle) && p.to_string().contains(&format!("d.jsonl:{}:", i + 2)), "expected `{needle}` in `{p}`");
            assert!(!p.fix.is_empty());
        }
        assert!(d.problems[5].fix.contains("node ids"));
    }
}
