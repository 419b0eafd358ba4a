//! Shared helpers: one Sandbox per test process (runtimes load once), and a small builder for
//! guest runs.

use std::path::Path;
use std::sync::{Arc, OnceLock};

use sweperf::sandbox::LoadedRuntime;
use sweperf::{Home, Mount, Outcome, RunRequest, Sandbox};

pub const PY312: &str = "python-3.12";
pub const PY315: &str = "python-3.15-sci";
pub const PY311: &str = "python-3.11";
/// sweperf's own -O2 build: the default of the bundled instances and of code before 2024-04.
pub const PY311_O2: &str = "python-3.11-o2";
/// sweperf's own -O2 build of CPython 3.13.
pub const PY313_O2: &str = "python-3.13-o2";
/// The two -O2 builds with zlib, bz2, lzma and sqlite3 built in: the date defaults for real
/// repositories (before 2024-04 and after).
pub const PY311_O2_FULL: &str = "python-3.11-o2-full";
pub const PY313_O2_FULL: &str = "python-3.13-o2-full";
/// python-3.13-o2-full started from a snapshot with pytest imported.
pub const PY313_O2_PYTEST: &str = "python-3.13-o2-pytest";
pub const ALL_RUNTIMES: [&str; 4] = [PY312, PY315, PY311, PY311_O2];

pub fn sandbox() -> &'static Sandbox {
    static SANDBOX: OnceLock<Sandbox> = OnceLock::new();
    SANDBOX.get_or_init(|| Sandbox::new(Home::from_env().unwrap()).unwrap())
}

pub fn runtime(name: &str) -> Arc<LoadedRuntime> {
    sandbox().runtime(name, &|_| {}).unwrap_or_else(|e| panic!("runtime {name}: {e}"))
}

/// A guest run under construction: `Guest::new(PY312).code("print(1)").run()`.
pub struct Guest {
    runtime: String,
    pub request: RunRequest,
}

impl Guest {
    /// A guest of `runtime` as `sweperf python` starts one: no layers, the environment
    /// table's missing-module hints.
    pub fn new(runtime: &str) -> Self {
        Guest::with_layers(runtime, &[])
    }

    /// A guest of `runtime` with the compatibility `layers` on its path.
    pub fn with_layers(runtime: &str, layers: &[&str]) -> Self {
        let mut request = RunRequest::new(Vec::<String>::new());
        let layers: Vec<String> = layers.iter().map(|l| l.to_string()).collect();
        sweperf::environment::equip(&mut request, &layers).unwrap();
        Guest {
            runtime: runtime.to_string(),
            request,
        }
    }

    pub fn code(mut self, code: &str) -> Self {
        self.request.args = vec!["-c".into(), code.into()];
        self
    }

    pub fn mount(mut self, host: &Path, guest: &str, access: sweperf::Access) -> Self {
        self.request.mounts.push(Mount::new(host, guest, access));
        self
    }

    pub fn cwd(mut self, cwd: &str) -> Self {
        self.request.cwd = Some(cwd.into());
        self
    }

    pub fn args(mut self, args: &[&str]) -> Self {
        self.request.args = args.iter().map(|s| s.to_string()).collect();
        self
    }

    pub fn env(mut self, k: &str, v: &str) -> Self {
        self.request.env.push((k.into(), v.into()));
        self
    }

    pub fn fuel(mut self, fuel: u64) -> Self {
        self.request.limits.fuel = fuel;
        self
    }

    pub fn run(&self) -> Outcome {
        sandbox().run(&runtime(&self.runtime), &self.request).unwrap()
    }

    /// Runs and insists the guest exited 0, showing its output otherwise.
    pub fn run_ok(&self) -> Outcome {
        let o = self.run();
        assert!(o.status.success(), "{} on {}: {}\nstdout:\n{}\nstderr:\n{}", self.request.args.join(" "), self.runtime, o.status, o.stdout, o.stderr);
        o
    }
}

/// Writes `files` (relative path, content) below `root`.
pub fn write_tree(root: &Path, files: &[(&str, &str)]) {
    for (rel, content) in files {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }
}

pub fn sweperf_cmd() -> assert_cmd::Command {
    assert_cmd::Command::cargo_bin("sweperf").unwrap()
}
