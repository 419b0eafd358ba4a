//! Benchmark instances: the folder format (`instance.toml`, `repo/`, `expert.patch`,
//! `problem.md`), strict loading, private trees of the repository, and content hashes.
//!
//! Loading checks everything it can without running anything; each error names the file and
//! the field. A private tree shares its Python code with the instance's `repo/` (hard links, see
//! the `tree` module), so whatever writes into one must replace files, never write into them. This
//! module must not modify an instance folder.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Error, IoContext, Result};
use crate::runtime::{self, WheelRef};
use crate::sandbox::Limits;

/// The manifest's file name in an instance folder.
pub const MANIFEST: &str = "instance.toml";
/// The repository's folder in an instance folder.
pub const REPO_DIR: &str = "repo";
/// The expert patch's file name in an instance folder.
pub const EXPERT_PATCH: &str = "expert.patch";
/// The problem statement's file name in an instance folder.
pub const PROBLEM_STATEMENT: &str = "problem.md";

/// `sweperf validate`'s default: every efficiency test must gain at least this under the
/// expert patch.
pub const DEFAULT_MIN_EXPERT_GAIN: f64 = 0.03;

/// Folders never copied into a private tree nor hashed: caches that change what a guest does.
const SKIPPED_DIRS: &[&str] = &["__pycache__", ".pytest_cache", ".git", ".mypy_cache"];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ManifestFile {
    id: String,
    runtime: Option<String>,
    environment: Option<String>,
    efficiency_tests: Vec<String>,
    correctness_tests: Option<Vec<String>>,
    min_expert_gain: Option<f64>,
    python_path: Option<Vec<String>>,
    #[serde(default, deserialize_with = "Limits::deserialize_table")]
    limits: Limits,
    #[serde(default)]
    requirements: Vec<WheelRef>,
    unsupported: Option<String>,
    source: Option<Source>,
}

/// Where an imported instance came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// The repository, `owner/name`.
    pub repo: String,
    /// The commit the tree was read from.
    pub base_commit: String,
    /// The record's version, if it had one.
    pub version: Option<String>,
    /// The record's `created_at`, if it had one.
    pub created_at: Option<String>,
}

/// A loaded, validated instance.
#[derive(Debug, Clone, Serialize)]
pub struct Instance {
    /// The instance's id: its folder's name.
    pub id: String,
    /// The instance folder.
    pub dir: PathBuf,
    /// The environment's name (a runtime's name when the manifest names a runtime).
    pub environment: String,
    /// The runtime the environment runs on.
    pub runtime: String,
    /// Compatibility layers of the environment.
    pub layers: Vec<String>,
    /// Pytest node ids (`file::test`) whose call-phase fuel is measured; at least one.
    pub efficiency_tests: Vec<String>,
    /// What must pass besides: node ids, files or folders (default: the efficiency tests' files).
    pub correctness_tests: Vec<String>,
    /// The gain `sweperf validate` requires of the expert patch on every efficiency test (default
    /// [`DEFAULT_MIN_EXPERT_GAIN`]).
    pub min_expert_gain: f64,
    /// Folders of the repository put on `sys.path`, relative to its root.
    pub python_path: Vec<String>,
    /// Limits of every sandbox run (the manifest's `[limits]`; defaults on [`Limits`]).
    pub limits: Limits,
    /// Pinned pure-Python wheels: the environment's, then the manifest's own.
    pub requirements: Vec<WheelRef>,
    /// The expert patch, `expert.patch`.
    pub expert_patch: String,
    /// The problem statement, `problem.md`.
    pub problem_statement: String,
    /// Why this instance cannot be evaluated here (set by import from the environment table).
    pub unsupported: Option<String>,
    /// Where an imported instance came from (none for hand-written instances).
    pub source: Option<Source>,
}

fn bad(file: &Path, message: impl Into<String>) -> Error {
    Error::BadInput {
        file: file.display().to_string(),
        message: message.into(),
    }
}

/// A path relative to the repository root that stays inside it.
fn is_inside_relative(path: &str) -> bool {
    !path.is_empty()
        && !path.starts_with('/')
        && !path.contains('\\')
        && Path::new(path).components().all(|c| matches!(c, std::path::Component::Normal(_) | std::path::Component::CurDir))
}

/// Whether the repository file `rel` is named like a test module (pytest's default
/// `python_files`: `test_*.py`, `*_test.py`).
pub fn is_test_file(rel: &str) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    name.ends_with(".py") && (name.starts_with("test_") || name.ends_with("_test.py"))
}

/// The file part of a pytest node id (`tests/test_x.py::test_y[1]` -> `tests/test_x.py`).
pub fn node_file(node_id: &str) -> &str {
    node_id.split("::").next().unwrap_or(node_id)
}

impl Instance {
    /// Loads and validates `dir/instance.toml` and the files beside it.
    ///
    /// Errors: [`Error::BadInput`] naming the file and field: a missing or unreadable file,
    /// malformed TOML, an unknown runtime or environment, tests outside `repo/` or missing, a limit
    /// out of range, a requirement that is not a pure-Python wheel.
    pub fn load(dir: &Path) -> Result<Instance> {
        let manifest_path = dir.join(MANIFEST);
        let text = fs::read_to_string(&manifest_path).map_err(|e| bad(&manifest_path, format!("cannot be read ({e}); an instance folder needs {MANIFEST}, {REPO_DIR}/, {EXPERT_PATCH} and {PROBLEM_STATEMENT}")))?;
        let m: ManifestFile = toml::from_str(&text).map_err(|e| bad(&manifest_path, e.to_string()))?;
        let folder = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if m.id != folder {
            return Err(bad(&manifest_path, format!("field `id` is `{}` but the folder is `{folder}`; they must be equal", m.id)));
        }
        let table = crate::environment::Table::builtin()?;
        let environment = match (&m.runtime, &m.environment) {
            (Some(rt), None) => {
                runtime::find_runtime(rt).map_err(|e| bad(&manifest_path, format!("field `runtime`: {e}")))?;
                table.resolve(rt)?
            }
            (None, Some(env)) => table.resolve(env).map_err(|e| bad(&manifest_path, format!("field `environment`: {e}")))?,
            _ => return Err(bad(&manifest_path, "name exactly one of `runtime` or `environment`")),
        };
        let repo = dir.join(REPO_DIR);
        if !repo.is_dir() {
            return Err(bad(&repo, "the repository folder is missing"));
        }
        if m.efficiency_tests.is_empty() {
            return Err(bad(&manifest_path, "field `efficiency_tests` is empty; name at least one pytest node id"));
        }
        let check_tests = |field: &str, tests: &[String]| -> Result<()> {
            let mut seen = BTreeSet::new();
            for t in tests {
                let file = node_file(t);
                if !is_inside_relative(file) {
                    return Err(bad(&manifest_path, format!("field `{field}`: `{t}` must be relative to {REPO_DIR}/ and stay inside it")));
                }
                if m.unsupported.is_none() && !repo.join(file).exists() {
                    return Err(bad(&manifest_path, format!("field `{field}`: `{file}` does not exist in {REPO_DIR}/")));
                }
                if !seen.insert(t.as_str()) {
                    return Err(bad(&manifest_path, format!("field `{field}`: `{t}` is listed twice")));
                }
            }
            Ok(())
        };
        check_tests("efficiency_tests", &m.efficiency_tests)?;
        if m.efficiency_tests.iter().any(|t| !t.contains("::")) {
            return Err(bad(&manifest_path, "field `efficiency_tests`: each entry must be a test's node id (file::test), not a file or folder"));
        }
        let correctness_tests = match m.correctness_tests {
            Some(tests) if tests.is_empty() => {
                return Err(bad(&manifest_path, "field `correctness_tests` is empty; leave it out to use the efficiency tests' files"));
            }
            Some(tests) => {
                check_tests("correctness_tests", &tests)?;
                tests
            }
            None => {
                let mut files: Vec<String> = Vec::new();
                for t in &m.efficiency_tests {
                    let f = node_file(t).to_string();
                    if !files.contains(&f) {
                        files.push(f);
                    }
                }
                files
            }
        };
        let min_expert_gain = m.min_expert_gain.unwrap_or(DEFAULT_MIN_EXPERT_GAIN);
        if !(0.0..1.0).contains(&min_expert_gain) {
            return Err(bad(&manifest_path, format!("field `min_expert_gain` is {min_expert_gain}; it must be at least 0 and below 1")));
        }
        let python_path = m.python_path.unwrap_or_else(|| vec![".".into()]);
        for p in &python_path {
            if !is_inside_relative(p) || (m.unsupported.is_none() && !repo.join(p).is_dir()) {
                return Err(bad(&manifest_path, format!("field `python_path`: `{p}` is not a folder inside {REPO_DIR}/")));
            }
        }
        for (i, r) in m.requirements.iter().enumerate() {
            if !r.wheel.ends_with("-none-any.whl") {
                return Err(bad(&manifest_path, format!("field `requirements[{i}]`: `{}` is not a pure-Python wheel (py3-none-any); the sandbox cannot load compiled extensions", r.wheel)));
            }
            if r.sha256.len() != 64 || !r.sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(bad(&manifest_path, format!("field `requirements[{i}].sha256` must be 64 hex digits")));
            }
        }
        let read = |name: &str| -> Result<String> {
            let path = dir.join(name);
            let text = fs::read_to_string(&path).map_err(|e| bad(&path, format!("cannot be read: {e}")))?;
            if text.trim().is_empty() {
                return Err(bad(&path, "is empty"));
            }
            Ok(text)
        };
        let mut requirements = environment.requirements.clone();
        requirements.extend(m.requirements);
        Ok(Instance {
            id: m.id,
            dir: dir.to_path_buf(),
            runtime: environment.runtime.clone(),
            layers: environment.layers.clone(),
            environment: environment.name,
            efficiency_tests: m.efficiency_tests,
            correctness_tests,
            min_expert_gain,
            python_path,
            limits: m.limits,
            requirements,
            expert_patch: read(EXPERT_PATCH)?,
            problem_statement: read(PROBLEM_STATEMENT)?,
            unsupported: m.unsupported,
            source: m.source,
        })
    }

    /// The repository folder, `<dir>/repo`.
    pub fn repo(&self) -> PathBuf {
        self.dir.join(REPO_DIR)
    }

    /// A private tree of the repository in `dest` (created), for one evaluation, without caches:
    /// its files hard-linked from `repo/` (copied where linking fails, or where a symbolic link in
    /// the repository could reach code under another name), and symbolic links as links. A file
    /// of the tree *is* the instance's file: replace it (a new file renamed over it, or removed
    /// first), never open it for writing. sweperf's own writers (the `tree` module) only ever
    /// replace; in the measured session the code guard lets no guest write code, and the sandbox
    /// gives the guest its own copy of a data file before it changes one.
    ///
    /// Errors: [`Error::Io`] when a file cannot be read, linked or written.
    pub fn private_tree(&self, dest: &Path) -> Result<()> {
        crate::tree::populate(&self.repo(), dest, true)
    }

    /// SHA-256 over the manifest, the repository tree, the expert patch and the problem
    /// statement: any change to what an evaluation reads changes it.
    ///
    /// Errors: [`Error::Io`] when a file cannot be read.
    pub fn content_hash(&self) -> Result<String> {
        let mut h = Sha256::new();
        for name in [MANIFEST, EXPERT_PATCH, PROBLEM_STATEMENT] {
            let path = self.dir.join(name);
            let bytes = fs::read(&path).context(|| format!("reading {}", path.display()))?;
            h.update(name.as_bytes());
            h.update([0]);
            h.update(Sha256::digest(&bytes));
        }
        h.update(b"repo\0");
        h.update(repo_tree_hash(&self.repo())?.as_bytes());
        Ok(hex::encode(h.finalize()))
    }
}

/// Loads every instance folder below `dir` (those holding an `instance.toml`), sorted by id.
///
/// Errors: [`Error::BadInput`] when the folder cannot be read or holds no instance, or for an
/// instance that does not load.
pub fn load_all(dir: &Path) -> Result<Vec<Instance>> {
    let entries = fs::read_dir(dir).map_err(|e| bad(dir, format!("the instances folder cannot be read: {e}")))?;
    let mut instances = Vec::new();
    for entry in entries {
        let entry = entry.context(|| format!("listing {}", dir.display()))?;
        if entry.path().join(MANIFEST).exists() {
            instances.push(Instance::load(&entry.path())?);
        }
    }
    if instances.is_empty() {
        return Err(bad(dir, format!("no instance folders (with {MANIFEST}) found here")));
    }
    instances.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(instances)
}

/// Relative paths of a repository snapshot's files, without cache folders, sorted.
///
/// Errors: [`Error::Io`] when the folder cannot be listed.
pub fn repo_files(root: &Path) -> Result<Vec<String>> {
    Ok(repo_entries(root)?.into_iter().map(|(rel, _)| rel).collect())
}

/// [`repo_files`] with each entry's type, as its folder listed it (a symbolic link is not
/// followed, nor a folder it leads to entered).
///
/// Errors: [`Error::Io`] when the folder cannot be listed.
pub(crate) fn repo_entries(root: &Path) -> Result<Vec<(String, fs::FileType)>> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, fs::FileType)>) -> Result<()> {
        for entry in fs::read_dir(dir).context(|| format!("listing {}", dir.display()))? {
            let entry = entry.context(|| format!("listing {}", dir.display()))?;
            let path = entry.path();
            let ty = entry.file_type().context(|| format!("inspecting {}", path.display()))?;
            let name = entry.file_name();
            if ty.is_dir() {
                if !SKIPPED_DIRS.iter().any(|s| name == *s) {
                    walk(root, &path, out)?;
                }
            } else {
                out.push((path.strip_prefix(root).expect("below root").to_string_lossy().into_owned(), ty));
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(root, root, &mut out)?;
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

/// A hash of a repository snapshot's file names and contents (symbolic links by their target).
///
/// Errors: [`Error::Io`] when a file or link cannot be read.
pub fn repo_tree_hash(root: &Path) -> Result<String> {
    let mut h = Sha256::new();
    for rel in repo_files(root)? {
        let path = root.join(&rel);
        let meta = fs::symlink_metadata(&path).context(|| format!("inspecting {}", path.display()))?;
        let digest = if meta.file_type().is_symlink() {
            let target = fs::read_link(&path).context(|| format!("reading link {}", path.display()))?;
            Sha256::digest(format!("link:{}", target.display()).as_bytes())
        } else {
            Sha256::digest(fs::read(&path).context(|| format!("reading {}", path.display()))?)
        };
        h.update(rel.as_bytes());
        h.update([0]);
        h.update(digest);
    }
    Ok(hex::encode(h.finalize()))
}

/// Copies a snapshot (files and symbolic links as links), skipping cache folders: every file a
/// copy of its own, free to be edited in place (an evaluation's private tree is
/// [`Instance::private_tree`], which is not).
///
/// Errors: [`Error::Io`] when a file cannot be read or written.
pub fn copy_tree(src: &Path, dest: &Path) -> Result<()> {
    crate::tree::populate(src, dest, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, rel: &str, text: &str) {
        let p = dir.join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    }

    fn minimal(root: &Path, manifest: &str) -> PathBuf {
        let dir = root.join("demo");
        write(&dir, "instance.toml", manifest);
        write(&dir, "repo/tests/test_a.py", "def test_x():\n    pass\n");
        write(&dir, "expert.patch", "--- a/x\n+++ b/x\n");
        write(&dir, "problem.md", "slow\n");
        dir
    }

    #[test]
    fn loads_with_defaults() {
        let root = tempfile::tempdir().unwrap();
        let dir = minimal(root.path(), "id = \"demo\"\nruntime = \"python-3.12\"\nefficiency_tests = [\"tests/test_a.py::test_x\"]\n");
        let i = Instance::load(&dir).unwrap();
        assert_eq!(i.correctness_tests, ["tests/test_a.py"]);
        assert_eq!(i.python_path, ["."]);
        assert_eq!(i.limits.fuel, Limits::DEFAULT_FUEL);
        assert_eq!(i.limits.disk_bytes, Limits::DEFAULT_DISK_MIB << 20);
        assert_eq!(i.min_expert_gain, DEFAULT_MIN_EXPERT_GAIN);
    }

    #[test]
    fn limits_are_read_in_mib_and_seconds() {
        let root = tempfile::tempdir().unwrap();
        let dir = minimal(root.path(), "id = \"demo\"\nruntime = \"python-3.12\"\nefficiency_tests = [\"tests/test_a.py::test_x\"]\n[limits]\nmemory_mib = 4096\ntimeout_secs = 30\ndisk_mib = 64\n");
        let limits = Instance::load(&dir).unwrap().limits;
        assert_eq!((limits.memory_bytes, limits.timeout_ms, limits.disk_bytes), (4 << 30, 30_000, 64 << 20));
    }

    #[test]
    fn errors_name_the_file_and_the_field() {
        let root = tempfile::tempdir().unwrap();
        let cases = [
            ("id = \"demo\"\nruntime = \"python-3.12\"\nefficiency_tests = [\"tests/test_a.py::test_x\"]\nspeed = 1\n", "speed"),
            ("id = \"other\"\nruntime = \"python-3.12\"\nefficiency_tests = [\"tests/test_a.py::test_x\"]\n", "`id`"),
            ("id = \"demo\"\nruntime = \"python-9\"\nefficiency_tests = [\"tests/test_a.py::test_x\"]\n", "`runtime`"),
            ("id = \"demo\"\nenvironment = \"nope\"\nefficiency_tests = [\"tests/test_a.py::test_x\"]\n", "`environment`"),
            ("id = \"demo\"\nefficiency_tests = [\"tests/test_a.py::test_x\"]\n", "exactly one of `runtime` or `environment`"),
            ("id = \"demo\"\nruntime = \"python-3.12\"\nefficiency_tests = [\"tests/nope.py::test_x\"]\n", "tests/nope.py"),
            ("id = \"demo\"\nruntime = \"python-3.12\"\nefficiency_tests = [\"../x.py::t\"]\n", "stay inside"),
            ("id = \"demo\"\nruntime = \"python-3.12\"\nefficiency_tests = [\"tests/test_a.py::test_x\"]\nmin_expert_gain = 1.5\n", "min_expert_gain"),
            // 2^44 MiB wraps to 0 bytes when shifted into bytes; 5000 MiB is past wasm32's 4 GiB.
            ("id = \"demo\"\nruntime = \"python-3.12\"\nefficiency_tests = [\"tests/test_a.py::test_x\"]\n[limits]\nmemory_mib = 17592186044416\n", "field `limits.memory_mib`: 17592186044416 MiB"),
            ("id = \"demo\"\nruntime = \"python-3.12\"\nefficiency_tests = [\"tests/test_a.py::test_x\"]\n[limits]\nmemory_mib = 5000\n", "field `limits.memory_mib`: 5000 MiB"),
            ("id = \"demo\"\nruntime = \"python-3.12\"\nefficiency_tests = [\"tests/test_a.py::test_x\"]\n[limits]\ntimeout_secs = 18446744073709552\n", "field `limits.timeout_secs`"),
            ("id = \"demo\"\nruntime = \"python-3.12\"\nefficiency_tests = [\"tests/test_a.py::test_x\"]\n[limits]\ndisk_mib = 0\n", "field `limits.disk_mib`: 0 MiB"),
            ("id = \"demo\"\nruntime = \"python-3.12\"\nefficiency_tests = [\"tests/test_a.py::test_x\"]\n[limits]\ndisk_mib = 17592186044416\n", "field `limits.disk_mib`"),
            ("id = \"demo\"\nruntime = \"python-3.12\"\nefficiency_tests = []\n", "efficiency_tests"),
            ("id = \"demo\"\nruntime = \"python-3.12\"\n", "efficiency_tests"),
            ("id = \"demo\"\nruntime = \"python-3.12\"\nefficiency_tests = [\"tests/test_a.py::test_x\"]\n[[requirements]]\nname = \"numpy\"\nversion = \"2\"\nwheel = \"numpy-2-cp311-cp311-linux_x86_64.whl\"\nsha256 = \"00\"\n", "not a pure-Python wheel"),
        ];
        for (manifest, needle) in cases {
            let dir = minimal(root.path(), manifest);
            let err = Instance::load(&dir).unwrap_err().to_string();
            assert!(err.contains("instance.toml") && err.contains(needle), "expected `{needle}` in: {err}");
        }
    }

    #[test]
    fn content_hash_follows_the_repository() {
        let root = tempfile::tempdir().unwrap();
        let dir = minimal(root.path(), "id = \"demo\"\nruntime = \"python-3.12\"\nefficiency_tests = [\"tests/test_a.py::test_x\"]\n");
        let i = Instance::load(&dir).unwrap();
        let before = i.content_hash().unwrap();
        write(&dir, "repo/tests/__pycache__/x.pyc", "cache");
        assert_eq!(before, i.content_hash().unwrap(), "caches do not count");
        write(&dir, "repo/tests/test_a.py", "def test_x():\n    assert True\n");
        assert_ne!(before, i.content_hash().unwrap());
    }
}
