//! Environments: a runtime plus compatibility layers plus pinned pure-Python requirements, and
//! the table that picks one for a repository (and version).
//!
//! Every runtime is also an environment of the same name with no layers and no requirements.
//! The table is `runtimes/environments.toml` and the layers are `runtimes/layers/`, compiled in
//! (they are guest code: every byte is part of the fingerprint). This module only describes, and
//! [`equip`]s a run request with what the environment gives its guest; it must not provision or
//! run anything (the sandbox does not know this module: what it needs is in the request).

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::runtime::{self, WheelRef};
use crate::sandbox::{GuestLayer, RunRequest};

const TABLE_FILE: &str = "runtimes/environments.toml";
const TABLE: &str = include_str!("../runtimes/environments.toml");

/// A compatibility layer: pure-Python modules put on the guest's path.
#[derive(Debug, Clone, Copy)]
pub struct Layer {
    /// The layer's name, as environments list it and its folder is called.
    pub name: &'static str,
    /// One line: what it provides and why.
    pub about: &'static str,
    /// Top-level modules it provides (for the missing-module hint).
    pub provides: &'static [&'static str],
    /// (path inside the layer, content).
    pub files: &'static [(&'static str, &'static str)],
}

/// The layers, in `runtimes/layers/<name>/` (a unit test checks this list against the folder).
pub const LAYERS: &[Layer] = &[
    Layer {
        name: "distutils",
        about: "`distutils` (removed in Python 3.12, absent from the WASI 3.11 build) as an alias of the copy vendored by the pinned setuptools",
        provides: &["distutils"],
        files: &[("distutils/__init__.py", include_str!("../runtimes/layers/distutils/distutils/__init__.py"))],
    },
    Layer {
        name: "ctypes-wasm32",
        about: "a `ctypes` stand-in with wasm32 type sizes and simple values only; anything needing a foreign-function interface raises and says so",
        provides: &["ctypes", "_ctypes"],
        files: &[
            ("ctypes/__init__.py", include_str!("../runtimes/layers/ctypes-wasm32/ctypes/__init__.py")),
            ("ctypes/util.py", include_str!("../runtimes/layers/ctypes-wasm32/ctypes/util.py")),
        ],
    },
    Layer {
        name: "posix-ids",
        about: "`os.getuid` and friends (absent on WASI) returning 0, for libraries that import them at start-up",
        provides: &[],
        files: &[("_sweperf_init_posix_ids.py", include_str!("../runtimes/layers/posix-ids/_sweperf_init_posix_ids.py"))],
    },
    Layer {
        name: "posix-umask",
        about: "`os.umask` (absent on WASI) keeping a mask and changing nothing, for code that calls it at import (sphinx's test helpers before 7.1)",
        provides: &[],
        files: &[("_sweperf_init_posix_umask.py", include_str!("../runtimes/layers/posix-umask/_sweperf_init_posix_umask.py"))],
    },
    Layer {
        name: "ssl-absent",
        about: "an `ssl` that imports and has nothing (no TLS in the sandbox), for test suites that import ssl at module level (psf/requests' conftest)",
        provides: &["ssl"],
        files: &[("ssl.py", include_str!("../runtimes/layers/ssl-absent/ssl.py"))],
    },
    Layer {
        name: "markupsafe-native",
        about: "MarkupSafe 2.1.5's own pure-Python implementation (its sdist's `_native.py`; PyPI has only compiled wheels), for jinja2 and sphinx",
        provides: &["markupsafe"],
        files: &[
            ("markupsafe/__init__.py", include_str!("../runtimes/layers/markupsafe-native/markupsafe/__init__.py")),
            ("markupsafe/_native.py", include_str!("../runtimes/layers/markupsafe-native/markupsafe/_native.py")),
        ],
    },
    Layer {
        name: "matplotlib-data",
        about: "python-3.15-sci's matplotlib with its data (matplotlibrc, fonts) unpacked from the stdlib zip into /tmp when matplotlib is imported, for seaborn and plotting tests",
        provides: &[],
        files: &[("_sweperf_init_matplotlib_data.py", include_str!("../runtimes/layers/matplotlib-data/_sweperf_init_matplotlib_data.py"))],
    },
    Layer {
        name: "network-absent",
        about: "`socket.getaddrinfo` and friends (absent on WASI) raising socket.gaierror, so connecting fails as it does offline (a connection error, not AttributeError)",
        provides: &[],
        files: &[("_sweperf_init_network_absent.py", include_str!("../runtimes/layers/network-absent/_sweperf_init_network_absent.py"))],
    },
    Layer {
        name: "pytest-absent-plugins",
        about: "registers the options, ini keys and markers of pytest plugins the sandbox lacks (pytest-mypy-plugins, pytest-asyncio, ...) so a repository's addopts, --strict-config and --strict-markers do not stop pytest",
        provides: &[],
        files: &[
            ("_sweperf_init_pytest_absent_plugins.py", include_str!("../runtimes/layers/pytest-absent-plugins/_sweperf_init_pytest_absent_plugins.py")),
            ("_sweperf_pytest_absent_plugins.py", include_str!("../runtimes/layers/pytest-absent-plugins/_sweperf_pytest_absent_plugins.py")),
        ],
    },
    Layer {
        name: "subprocess-absent",
        about: "`subprocess.run` of any command returns exit status 127 and empty output when WASI refuses to start it (sphinx's import-time `git rev-parse`); Popen still raises",
        provides: &[],
        files: &[("_sweperf_init_subprocess_absent.py", include_str!("../runtimes/layers/subprocess-absent/_sweperf_init_subprocess_absent.py"))],
    },
    Layer {
        name: "multiprocessing-absent",
        about: "a one-process `multiprocessing` (cpu_count 1, reduction for dill, Pool/Process refuse; no `synchronize`, so pylint runs serially)",
        provides: &["multiprocessing"],
        files: &[
            ("multiprocessing/__init__.py", include_str!("../runtimes/layers/multiprocessing-absent/multiprocessing/__init__.py")),
            ("multiprocessing/reduction.py", include_str!("../runtimes/layers/multiprocessing-absent/multiprocessing/reduction.py")),
            ("multiprocessing/pool.py", include_str!("../runtimes/layers/multiprocessing-absent/multiprocessing/pool.py")),
        ],
    },
    Layer {
        name: "multiprocessing-context",
        about: "with multiprocessing-absent: a `multiprocessing.context` whose process classes refuse to start (sphinx before 7.1 reads `ForkProcess` at import)",
        provides: &[],
        files: &[(
            "_sweperf_init_multiprocessing_context.py",
            include_str!("../runtimes/layers/multiprocessing-context/_sweperf_init_multiprocessing_context.py"),
        )],
    },
];

/// The layer called `name`, if there is one.
pub fn layer(name: &str) -> Option<&'static Layer> {
    LAYERS.iter().find(|l| l.name == name)
}

/// Gives `request` what a guest of an environment with `layers` gets besides its runtime: those
/// layers' files, and the built-in table's missing-module hints (every guest gets the hints).
/// Errors: a layer not in [`LAYERS`] ([`Error::BadRun`], naming `sweperf env list`), or a
/// built-in table that fails its checks.
pub fn equip(request: &mut RunRequest, layers: &[String]) -> Result<()> {
    request.layers = layers
        .iter()
        .map(|name| {
            layer(name)
                .map(Layer::guest_layer)
                .ok_or_else(|| Error::BadRun(format!("unknown compatibility layer `{name}` (see `sweperf env list`)")))
        })
        .collect::<Result<_>>()?;
    request.module_hints = Table::builtin()?.module_hints();
    Ok(())
}

impl Layer {
    /// SHA-256 over the layer's files by path and content (see
    /// [`crate::digest::named_files_sha256`]); reports record it.
    pub fn sha256(&self) -> String {
        crate::digest::named_files_sha256(self.files)
    }

    /// The layer as a sandbox run gets it.
    pub fn guest_layer(&self) -> GuestLayer {
        GuestLayer {
            name: self.name.to_string(),
            files: self.files.iter().map(|(p, t)| (p.to_string(), t.to_string())).collect(),
        }
    }
}

/// The environment of a dataset record with no rule for its repository and no usable
/// `created_at`: the SWE-Perf era's Python, in sweperf's -O2 build with the compression and
/// sqlite3 modules a real repository may import (the bundled instances' `DEFAULT_RUNTIME` is the
/// same interpreter without them).
pub const UNDATED: &str = "python-3.11-o2-full";

/// A named environment of the table (`[[environments]]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Environment {
    /// Its name, unique among environments and runtimes.
    pub name: String,
    /// The runtime it runs on.
    pub runtime: String,
    /// One line for `sweperf env list` (default empty).
    #[serde(default)]
    pub description: String,
    /// Compatibility layers, by name (see [`LAYERS`]), in path order (default none).
    #[serde(default)]
    pub layers: Vec<String>,
    /// Names of wheels in the table's `[[wheels]]`.
    #[serde(default)]
    pub requirements: Vec<String>,
    /// An environment defined earlier in the table whose description, layers and requirements
    /// this one takes where it names none of its own: the same environment on another runtime.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extends: Option<String>,
}

/// Picks an environment for a repository, optionally only up to a version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RepositoryRule {
    /// `owner/name`, as in SWE-Perf's `repo` field.
    pub repo: String,
    /// The rule applies to versions up to and including this one (dotted numbers).
    pub max_version: Option<String>,
    /// The rule applies to records created before this date (`YYYY-MM-DD`, exclusive).
    pub before: Option<String>,
    /// The environment (or runtime) chosen.
    pub environment: String,
    /// Why, for `sweperf env list` (default empty).
    #[serde(default)]
    pub note: String,
    /// Why the repository cannot be evaluated, if it cannot (e.g. compiled extensions).
    pub unsupported: Option<String>,
}

/// Picks an environment by date for repositories without a rule: the Python release that was
/// current when the code was written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DateRule {
    /// The rule applies to records created before this date (`YYYY-MM-DD`, exclusive); none:
    /// to every dated record.
    pub before: Option<String>,
    /// The environment (or runtime) chosen.
    pub environment: String,
    /// Why, for `sweperf env list` (default empty).
    #[serde(default)]
    pub note: String,
}

/// The environment table, `runtimes/environments.toml`: environments, the wheels they pin, and the
/// rules that pick one for a record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Table {
    /// `[[environments]]`.
    #[serde(default)]
    pub environments: Vec<Environment>,
    /// `[[wheels]]`: pure-Python wheels environments require, pinned by SHA-256.
    #[serde(default)]
    pub wheels: Vec<WheelRef>,
    /// `[[repositories]]`: rules by repository, first match wins.
    #[serde(default)]
    pub repositories: Vec<RepositoryRule>,
    /// `[[by_date]]`: rules by creation date for repositories without a rule, first match wins.
    #[serde(default)]
    pub by_date: Vec<DateRule>,
}

/// Why an environment was chosen for a record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Reason {
    /// A `[[repositories]]` rule (its index in the table).
    Repository(usize),
    /// A `[[by_date]]` rule (its index).
    Date(usize),
    /// Nothing matched (or no date): the default runtime.
    Default,
    /// `--environment` on the command line.
    Override,
}

/// The environment chosen for one record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Choice {
    /// The environment's (or runtime's) name.
    pub environment: String,
    /// Set when the repository rule marks the repository unsupported.
    pub unsupported: Option<String>,
    /// Which rule chose it.
    pub reason: Reason,
}

/// The day part of a `created_at` (`2023-05-01T10:00:00Z`, `2023-05-01 10:00`, `2023-05-01`).
pub fn day_of(created_at: &str) -> Option<&str> {
    let day = created_at.trim().get(..10)?;
    let b = day.as_bytes();
    let ok = b.iter().enumerate().all(|(i, c)| if i == 4 || i == 7 { *c == b'-' } else { c.is_ascii_digit() });
    ok.then_some(day)
}

/// An environment with its requirements resolved to pinned wheels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resolved {
    /// The environment's name.
    pub name: String,
    /// The runtime it runs on.
    pub runtime: String,
    /// Its compatibility layers, in path order.
    pub layers: Vec<String>,
    /// The wheels its requirements name.
    pub requirements: Vec<WheelRef>,
}

fn bad(message: String) -> Error {
    Error::BadManifest {
        file: TABLE_FILE.into(),
        message,
    }
}

/// Compares dotted version strings numerically (`1.10` > `1.9`); non-numbers compare as 0.
pub fn version_le(a: &str, b: &str) -> bool {
    let parse = |v: &str| v.split('.').map(|p| p.trim().parse::<u64>().unwrap_or(0)).collect::<Vec<_>>();
    let (mut x, mut y) = (parse(a), parse(b));
    let n = x.len().max(y.len());
    x.resize(n, 0);
    y.resize(n, 0);
    x <= y
}

impl Table {
    /// The built-in table, checked: every runtime, layer and wheel it names exists. Parsed
    /// once per process: every sandbox run reads it.
    ///
    /// Errors: [`Error::Other`] with the [`Error::BadManifest`] message when the table names an
    /// unknown runtime, layer or wheel, or a rule's date or environment is malformed.
    pub fn builtin() -> Result<Table> {
        static TABLE: std::sync::OnceLock<std::result::Result<Table, String>> = std::sync::OnceLock::new();
        TABLE
            .get_or_init(|| Table::parse_builtin().map_err(|e| e.to_string()))
            .clone()
            .map_err(Error::Other)
    }

    fn parse_builtin() -> Result<Table> {
        let mut table: Table = toml::from_str(TABLE).map_err(|e| bad(e.to_string()))?;
        table.expand_extends()?;
        let runtimes = runtime::builtin_runtimes()?;
        for env in &table.environments {
            if runtimes.iter().any(|r| r.name == env.name) {
                return Err(bad(format!("environment `{}` has a runtime's name; runtimes are environments already", env.name)));
            }
            if !runtimes.iter().any(|r| r.name == env.runtime) {
                return Err(bad(format!("environment `{}`: unknown runtime `{}`", env.name, env.runtime)));
            }
            for l in &env.layers {
                if layer(l).is_none() {
                    return Err(bad(format!("environment `{}`: unknown layer `{l}`", env.name)));
                }
            }
            for r in &env.requirements {
                if table.wheel(r).is_none() {
                    return Err(bad(format!("environment `{}`: requirement `{r}` has no [[wheels]] entry", env.name)));
                }
            }
        }
        for w in &table.wheels {
            if !w.wheel.ends_with("-none-any.whl") {
                return Err(bad(format!("wheel `{}` is not pure Python", w.wheel)));
            }
        }
        for rule in &table.repositories {
            table.resolve(&rule.environment).map_err(|_| bad(format!("repository `{}`: unknown environment `{}`", rule.repo, rule.environment)))?;
            if let Some(d) = &rule.before {
                if day_of(d) != Some(d.as_str()) {
                    return Err(bad(format!("repository `{}`: `before = \"{d}\"` is not a YYYY-MM-DD date", rule.repo)));
                }
            }
        }
        for (i, rule) in table.by_date.iter().enumerate() {
            table.resolve(&rule.environment).map_err(|_| bad(format!("by_date rule {}: unknown environment `{}`", i + 1, rule.environment)))?;
            if let Some(d) = &rule.before {
                if day_of(d) != Some(d.as_str()) {
                    return Err(bad(format!("by_date rule {}: `before = \"{d}\"` is not a YYYY-MM-DD date", i + 1)));
                }
            }
        }
        Ok(table)
    }

    /// Fills in what each `extends` environment takes from the one it names (which must come
    /// earlier in the table, so a chain resolves in one pass).
    fn expand_extends(&mut self) -> Result<()> {
        for i in 0..self.environments.len() {
            let Some(parent) = self.environments[i].extends.clone() else { continue };
            let Some(base) = self.environments[..i].iter().find(|e| e.name == parent).cloned() else {
                return Err(bad(format!(
                    "environment `{}` extends `{parent}`, which is not an environment defined before it",
                    self.environments[i].name
                )));
            };
            let env = &mut self.environments[i];
            if env.description.is_empty() {
                env.description = base.description;
            }
            if env.layers.is_empty() {
                env.layers = base.layers;
            }
            if env.requirements.is_empty() {
                env.requirements = base.requirements;
            }
        }
        Ok(())
    }

    /// The wheel a requirement names: `name==version`, or `name` for the first wheel of that
    /// name (a table may pin two versions of one project for different environments).
    pub fn wheel(&self, requirement: &str) -> Option<&WheelRef> {
        let (name, version) = match requirement.split_once("==") {
            Some((n, v)) => (n.trim(), Some(v.trim())),
            None => (requirement.trim(), None),
        };
        self.wheels.iter().find(|w| w.name == name && version.is_none_or(|v| w.version == v))
    }

    /// The environment `name` (or the runtime of that name, as an environment).
    ///
    /// Errors: [`Error::Other`] for an unknown name, listing the known ones.
    pub fn resolve(&self, name: &str) -> Result<Resolved> {
        if let Some(env) = self.environments.iter().find(|e| e.name == name) {
            return Ok(Resolved {
                name: env.name.clone(),
                runtime: env.runtime.clone(),
                layers: env.layers.clone(),
                requirements: env
                    .requirements
                    .iter()
                    .map(|r| self.wheel(r).cloned().expect("checked when loaded"))
                    .collect(),
            });
        }
        match runtime::find_runtime(name) {
            Ok(rt) => Ok(Resolved {
                name: rt.name.clone(),
                runtime: rt.name,
                layers: Vec::new(),
                requirements: Vec::new(),
            }),
            Err(_) => {
                let mut known: Vec<String> = self.environments.iter().map(|e| e.name.clone()).collect();
                known.extend(runtime::builtin_runtimes()?.into_iter().map(|r| r.name));
                Err(Error::Other(format!("unknown environment `{name}`; known: {} (see `sweperf env list`)", known.join(", "))))
            }
        }
    }

    /// The first rule for `repo` whose `max_version` admits `version` and whose `before`
    /// admits `created_at` (a limited rule never matches a record without that field).
    pub fn rule_for(&self, repo: &str, version: Option<&str>, created_at: Option<&str>) -> Option<(usize, &RepositoryRule)> {
        let day = created_at.and_then(day_of);
        self.repositories.iter().enumerate().find(|(_, r)| {
            r.repo.eq_ignore_ascii_case(repo)
                && match (&r.max_version, version) {
                    (None, _) => true,
                    (Some(max), Some(v)) => version_le(v, max),
                    (Some(_), None) => false,
                }
                && before(r.before.as_deref(), day)
        })
    }

    /// The environment for a record of `repo`: its repository rule, else the Python that was
    /// current at `created_at`, else [`UNDATED`].
    pub fn choose(&self, repo: &str, version: Option<&str>, created_at: Option<&str>) -> Choice {
        if let Some((i, rule)) = self.rule_for(repo, version, created_at) {
            return Choice {
                environment: rule.environment.clone(),
                unsupported: rule.unsupported.clone(),
                reason: Reason::Repository(i),
            };
        }
        if let Some(day) = created_at.and_then(day_of) {
            if let Some((i, rule)) = self.by_date.iter().enumerate().find(|(_, r)| before(r.before.as_deref(), Some(day))) {
                return Choice {
                    environment: rule.environment.clone(),
                    unsupported: None,
                    reason: Reason::Date(i),
                };
            }
        }
        Choice {
            environment: UNDATED.to_string(),
            unsupported: None,
            reason: Reason::Default,
        }
    }

    /// (module, environments) for the guest's missing-module hint: which environments provide
    /// a module that one of their layers adds, fewest layers first. An environment that
    /// `extends` another is left out (the hint names the one it extends). Every guest gets the
    /// hints as files it reads only when an import finds nothing (see
    /// [`crate::sandbox::guest_files`]), so adding an environment moves no fuel count.
    pub fn module_hints(&self) -> Vec<(String, Vec<String>)> {
        let mut envs: Vec<&Environment> = self.environments.iter().filter(|e| e.extends.is_none()).collect();
        envs.sort_by_key(|e| e.layers.len());
        let mut out: Vec<(String, Vec<String>)> = Vec::new();
        for env in envs {
            for l in env.layers.iter().filter_map(|l| layer(l)) {
                for m in l.provides {
                    match out.iter_mut().find(|(x, _)| x == m) {
                        Some((_, list)) => list.push(env.name.clone()),
                        None => out.push((m.to_string(), vec![env.name.clone()])),
                    }
                }
            }
        }
        out
    }
}

/// Whether a rule limited to dates `before` (exclusive) admits `day`.
fn before(limit: Option<&str>, day: Option<&str>) -> bool {
    match (limit, day) {
        (None, _) => true,
        (Some(limit), Some(day)) => day < limit,
        (Some(_), None) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_table_is_consistent() {
        let t = Table::builtin().unwrap();
        assert_eq!(t.resolve("python-3.12").unwrap().layers, Vec::<String>::new());
        assert!(t.resolve("python-2.7").unwrap_err().to_string().contains("sweperf env list"));
        let hints = t.module_hints();
        assert!(hints.iter().any(|(m, _)| m == "distutils"), "{hints:?}");
    }

    #[test]
    fn layers_listed_match_the_folder() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("runtimes/layers");
        for entry in std::fs::read_dir(&root).unwrap() {
            let entry = entry.unwrap();
            if !entry.file_type().unwrap().is_dir() {
                continue;
            }
            let name = entry.file_name().to_string_lossy().into_owned();
            let layer = layer(&name).unwrap_or_else(|| panic!("layer folder `{name}` is not in LAYERS"));
            let mut on_disk = Vec::new();
            crate::runtime::collect_files(&entry.path(), &entry.path(), &mut on_disk).unwrap();
            on_disk.retain(|f| f.ends_with(".py"));
            on_disk.sort();
            let mut listed: Vec<String> = layer.files.iter().map(|(p, _)| p.to_string()).collect();
            listed.sort();
            assert_eq!(on_disk, listed, "layer `{name}`: the compiled-in file list is out of date");
        }
    }

    #[test]
    fn without_a_rule_the_python_of_the_commit_date_is_chosen() {
        let t = Table::builtin().unwrap();
        let env = |date: Option<&str>| t.choose("acme/tinylib", None, date).environment;
        assert_eq!(env(Some("2021-06-01T12:00:00Z")), "python-3.11-o2-full");
        assert_eq!(env(Some("2024-03-31")), "python-3.11-o2-full");
        assert_eq!(env(Some("2024-04-01 00:00:00")), "python-3.13-o2-pytest");
        assert_eq!(env(Some("2025-11-30T08:00:00+02:00")), "python-3.13-o2-pytest");
        assert_eq!(env(None), UNDATED);
        assert_eq!(env(Some("last spring")), UNDATED);
        assert!(t.resolve(UNDATED).is_ok(), "the fallback is an environment the table knows");
        assert!(matches!(t.choose("acme/tinylib", None, Some("2021-01-01")).reason, Reason::Date(_)));
        // astroid needs an -O2 build (its deep recursion overflows the -O0 builds' C stack): the
        // date defaults are, so it has no rule of its own.
        assert!(t.rule_for("pylint-dev/astroid", Some("3.0"), Some("2023-06-19")).is_none());
        for env in [env(Some("2023-06-19")), env(Some("2026-07-30"))] {
            let rt = t.resolve(&env).unwrap().runtime;
            assert!(rt.contains("-o2"), "{env} runs on {rt}");
        }
        // The runtimes the dates used to give stay selectable.
        assert_eq!(t.resolve("python-3.13-o2-full").unwrap().runtime, "python-3.13-o2-full");
        assert_eq!(t.resolve("python-3.11").unwrap().runtime, "python-3.11");
        assert_eq!(t.resolve("python-3.12").unwrap().runtime, "python-3.12");
    }

    #[test]
    fn sympy_gets_mpmath_and_hypothesis_by_date() {
        let t = Table::builtin().unwrap();
        let pick = |version: Option<&str>, date: Option<&str>| {
            let c = t.choose("sympy/sympy", version, date);
            let r = t.resolve(&c.environment).unwrap();
            (c.environment, r.runtime, r.requirements.into_iter().map(|w| w.name).collect::<Vec<_>>())
        };
        let (env, rt, reqs) = pick(Some("1.7"), Some("2020-12-01"));
        assert_eq!((env.as_str(), rt.as_str()), ("sympy-3.11-legacy", "python-3.11"));
        assert!(reqs.contains(&"mpmath".into()) && reqs.contains(&"setuptools".into()), "{reqs:?}");
        // Version rules need a version: an undated 1.9 record still gets distutils.
        assert_eq!(pick(Some("1.9"), None).0, "sympy-3.11-legacy");
        let (env, rt, reqs) = pick(Some("1.12"), Some("2023-09-11T10:00:00Z"));
        assert_eq!((env.as_str(), rt.as_str()), ("sympy-3.11", "python-3.11"));
        for needed in ["mpmath", "hypothesis", "attrs", "sortedcontainers"] {
            assert!(reqs.contains(&needed.to_string()), "{needed} missing from {reqs:?}");
        }
        let (env, rt, reqs) = pick(Some("1.13"), Some("2024-06-17"));
        assert_eq!((env.as_str(), rt.as_str()), ("sympy-3.13-pytest", "python-3.13-o2-pytest"));
        assert!(reqs.contains(&"hypothesis".to_string()), "{reqs:?}");
        // The environments it used to get are still there, unchanged.
        assert_eq!(t.resolve("sympy-3.12").unwrap().runtime, "python-3.12");
        assert_eq!(t.resolve("sympy-3.13").unwrap().runtime, "python-3.13-o2-full");
        assert_eq!(t.resolve("sympy-3.13").unwrap().requirements, t.resolve("sympy-3.13-pytest").unwrap().requirements);
        assert!(matches!(t.choose("SymPy/SymPy", None, Some("2024-06-17")).reason, Reason::Repository(_)));
    }

    #[test]
    fn sphinx_before_7_1_gets_its_import_time_stand_ins_by_date() {
        let t = Table::builtin().unwrap();
        let pick = |date: &str| t.choose("sphinx-doc/sphinx", Some("5.0"), Some(date)).environment;
        assert_eq!(pick("2022-06-26T12:40:42+01:00"), "sphinx-5");
        assert_eq!(pick("2023-07-28"), "sphinx-3.11", "sphinx 7.1 no longer needs them");
        assert_eq!(pick("2024-06-01"), "sphinx-3.12");
        let (five, seven) = (t.resolve("sphinx-5").unwrap(), t.resolve("sphinx-3.11").unwrap());
        assert_eq!(five.requirements, seven.requirements, "the same pins");
        assert_eq!(five.runtime, seven.runtime);
        for layer in ["multiprocessing-absent", "multiprocessing-context", "posix-umask"] {
            assert!(five.layers.iter().any(|l| l == layer), "{layer} missing from {:?}", five.layers);
        }
        // The context goes with the one-process multiprocessing, after it on the path.
        let at = |name: &str| five.layers.iter().position(|l| l == name).unwrap();
        assert!(at("multiprocessing-absent") < at("multiprocessing-context"));
    }

    #[test]
    fn sphinx_4_and_older_get_jinja2_3_0_and_the_old_sphinxcontrib_builders() {
        let t = Table::builtin().unwrap();
        let pick = |version: &str, date: &str| t.choose("sphinx-doc/sphinx", Some(version), Some(date)).environment;
        assert_eq!(pick("3.3", "2020-11-26T02:48:45+09:00"), "sphinx-4");
        assert_eq!(pick("4.4", "2022-01-10"), "sphinx-4");
        // The records measured on sphinx-5 (versions 4.5 and 5.0) keep it.
        assert_eq!(pick("4.5", "2022-05-08T02:24:27+09:00"), "sphinx-5");
        assert_eq!(pick("5.0", "2022-06-26T12:40:42+01:00"), "sphinx-5");
        let (four, five) = (t.resolve("sphinx-4").unwrap(), t.resolve("sphinx-5").unwrap());
        assert_eq!(four.runtime, five.runtime);
        for layer in &five.layers {
            assert!(four.layers.contains(layer), "{layer} missing from {:?}", four.layers);
        }
        assert!(four.layers.iter().any(|l| l == "distutils") && four.layers.iter().any(|l| l == "posix-ids"));
        // A pinned second version does not change what `jinja2` alone names.
        assert_eq!(t.wheel("jinja2").unwrap().version, "3.1.4");
        assert_eq!(t.wheel("jinja2==3.0.3").unwrap().version, "3.0.3");
        let jinja2 = |r: &Resolved| r.requirements.iter().find(|w| w.name == "jinja2").map(|w| w.version.clone());
        assert_eq!(jinja2(&four).as_deref(), Some("3.0.3"));
        assert_eq!(jinja2(&five).as_deref(), Some("3.1.4"));
        assert_eq!(t.wheel("sphinxcontrib-applehelp").unwrap().version, "1.0.8");
        assert_eq!(t.wheel("alabaster").unwrap().version, "0.7.16");
    }

    #[test]
    fn an_environment_may_extend_another_on_another_runtime() {
        let t = Table::builtin().unwrap();
        let (old, new) = (t.resolve("sphinx-3.12").unwrap(), t.resolve("sphinx-3.13").unwrap());
        assert_eq!((old.runtime.as_str(), new.runtime.as_str()), ("python-3.12", "python-3.13-o2-full"));
        assert_eq!(old.layers, new.layers);
        assert_eq!(old.requirements, new.requirements);
        assert!(!new.requirements.is_empty());
        // Its own description wins; an unknown or later parent is refused.
        let env = t.environments.iter().find(|e| e.name == "sphinx-3.13").unwrap();
        assert!(env.description.contains("python-3.13-o2-full"), "{}", env.description);
        let table = |text: &str| {
            let mut t: Table = toml::from_str(text).unwrap();
            t.expand_extends()
        };
        // The guests' missing-module hints do not grow with environments that extend others.
        assert!(t.module_hints().iter().all(|(_, envs)| envs.iter().all(|e| t.environments.iter().any(|x| &x.name == e && x.extends.is_none()))));
        let err = table("[[environments]]\nname = \"b\"\nruntime = \"python-3.12\"\nextends = \"a\"\n\n[[environments]]\nname = \"a\"\nruntime = \"python-3.12\"\n").unwrap_err();
        assert!(err.to_string().contains("extends `a`"), "{err}");
    }

    #[test]
    fn a_requirement_may_pin_one_of_two_versions() {
        let t = Table::builtin().unwrap();
        let astroid = |env: &str| t.resolve(env).unwrap().requirements.into_iter().find(|w| w.name == "astroid").unwrap().version;
        assert!(astroid("python-3.12-pylint").starts_with("3.3."));
        assert!(astroid("python-3.12-pylint-4").starts_with("4."));
        // pylint 2.16-3.2 get the astroid series of their development, by version and date: on
        // main the latest tag lags the astroid bump (743a04de9, 2024-05-13, describes as 3.1 but
        // pinned astroid 3.2), and pylint 4.x keeps astroid 4.
        let pylint = |version: &str, date: &str| t.choose("pylint-dev/pylint", Some(version), Some(date)).environment;
        for (version, date, series) in [
            ("2.16", "2023-01-20", "2.14."),
            ("3.0", "2023-04-23", "2.15."),
            ("3.0", "2023-06-26", "3.0.0a"),
            ("3.0", "2023-10-20", "3.0.3"),
            ("3.0", "2024-02-11", "3.0.3"),
            ("3.0", "2024-03-01", "3.1."),
            ("3.1", "2024-05-04", "3.1."),
            ("3.1", "2024-05-13", "3.2."),
            ("3.2", "2024-07-30", "3.2."),
            ("3.2", "2024-08-10", "3.3."),
            ("3.3", "2025-01-10", "3.3."),
            ("4.1", "2026-06-02", "4."),
        ] {
            let env = pylint(version, date);
            assert!(astroid(&env).starts_with(series), "pylint {version} of {date}: {env}");
        }
    }

    #[test]
    fn versions_compare_numerically() {
        assert!(version_le("1.9", "1.10"));
        assert!(!version_le("1.10", "1.9"));
        assert!(version_le("1.9", "1.9.0"));
    }
}
