//! The seam between evaluation and the sandbox: a [`TestRunner`] measures one side of an
//! instance (one pytest session on a tree) and fingerprints an evaluation.
//!
//! [`SandboxRunner`] is the real one: CPython in Wasmtime, through [`crate::measure`].
//! [`ScriptedRunner`] returns sessions a script decides from the tree it is given, with no
//! sandbox at all: evaluation, scoring, the integrity checks, resume, validate and verify are
//! tested with it in milliseconds, and an embedder can dry-run its pipeline. This module must
//! not score anything: it measures, and says what was measured.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::Result;
use crate::instance::Instance;
use crate::measure::{self, TestPlan, TestRun};
use crate::report::Fingerprint;
use crate::runtime::Toolchain;
use crate::sandbox::{LoadedRuntime, Sandbox};

/// What a runner is asked to measure: one side of an instance.
pub struct SideRequest<'a> {
    /// The instance whose side is measured.
    pub instance: &'a Instance,
    /// The tree under test (base or patched), a private copy.
    pub tree: &'a Path,
    /// The pytest arguments of the session (efficiency tests first).
    pub node_ids: &'a [String],
    /// Seeds the guest's random sources.
    pub seed: u64,
    /// Whether bytecode compiled for earlier trees may be reused (false: everything is
    /// compiled afresh, as `--force` and `verify` measure).
    pub reuse_bytecode: bool,
    /// Whether [`TestRunner::prepare`] already did its work on this tree (the real runner then
    /// does not go over the tree's files again before the session).
    pub prepared: bool,
    /// Whether the session must start on the runtime's plain interpreter, not from its
    /// snapshot (so that it starts as the other side's did; see [`crate::sandbox::RunRequest::plain`]).
    pub plain: bool,
}

/// Measures sides of instances and fingerprints evaluations.
pub trait TestRunner: Send + Sync {
    /// The fingerprint an evaluation of `patch` on `instance` with `seed` carries.
    fn fingerprint(&self, instance: &Instance, patch: &str, seed: u64) -> Result<Fingerprint>;

    /// One measured session on `request.tree`.
    fn measure(&self, request: &SideRequest) -> Result<TestRun>;

    /// Work [`TestRunner::measure`] would do on `request.tree` that later requests can share
    /// (the real runner compiles the tree into the bytecode cache), done now; measuring nothing.
    /// The default does nothing.
    fn prepare(&self, _request: &SideRequest) -> Result<()> {
        Ok(())
    }

    /// Where base measurements are cached, if anywhere.
    fn base_cache(&self, key: &str) -> Result<Option<PathBuf>>;

    /// The sandbox behind this runner, if there is one (to provision runtimes ahead).
    fn sandbox(&self) -> Option<&Sandbox> {
        None
    }
}

/// A shared runner is a runner (an embedder, or a test, keeps a handle on the one it gave an
/// evaluator).
impl<T: TestRunner + ?Sized> TestRunner for Arc<T> {
    fn fingerprint(&self, instance: &Instance, patch: &str, seed: u64) -> Result<Fingerprint> {
        (**self).fingerprint(instance, patch, seed)
    }

    fn measure(&self, request: &SideRequest) -> Result<TestRun> {
        (**self).measure(request)
    }

    fn prepare(&self, request: &SideRequest) -> Result<()> {
        (**self).prepare(request)
    }

    fn base_cache(&self, key: &str) -> Result<Option<PathBuf>> {
        (**self).base_cache(key)
    }

    fn sandbox(&self) -> Option<&Sandbox> {
        (**self).sandbox()
    }
}

/// The real runner: pytest sessions in the sandbox, the tree's modules compiled ahead.
pub struct SandboxRunner {
    sandbox: Sandbox,
}

impl SandboxRunner {
    /// A runner over `sandbox`.
    pub fn new(sandbox: Sandbox) -> Self {
        SandboxRunner { sandbox }
    }

    /// The instance's extra requirements, unpacked into a verified folder.
    fn requirements(&self, instance: &Instance) -> Result<Option<PathBuf>> {
        if instance.requirements.is_empty() {
            return Ok(None);
        }
        let set = Toolchain {
            wheels: instance.requirements.clone(),
        };
        Ok(Some(self.sandbox.home().toolchain_site(&set, &|_| {})?))
    }

    /// The instance's runtime and requirements, provisioned.
    fn provision(&self, instance: &Instance) -> Result<(Arc<LoadedRuntime>, Option<PathBuf>)> {
        Ok((self.sandbox.runtime(&instance.runtime, &|_| {})?, self.requirements(instance)?))
    }

    fn plan<'a>(request: &'a SideRequest, requirements: Option<&'a Path>) -> TestPlan<'a> {
        let instance = request.instance;
        TestPlan {
            tree: request.tree,
            node_ids: request.node_ids,
            measured: &instance.efficiency_tests,
            python_path: &instance.python_path,
            requirements,
            layers: &instance.layers,
            limits: &instance.limits,
            seed: request.seed,
            plain: request.plain,
        }
    }

    /// Compiles the tree of `plan` ahead, through the bytecode cache.
    fn compile(&self, runtime: &LoadedRuntime, request: &SideRequest, plan: &TestPlan) -> Result<()> {
        let mut cache = measure::BytecodeCache::new(self.sandbox.home().bytecode_cache_dir()?, runtime)?;
        cache.read = request.reuse_bytecode;
        measure::compile_tree(&self.sandbox, runtime, plan, Some(&cache))?;
        Ok(())
    }
}

impl TestRunner for SandboxRunner {
    fn fingerprint(&self, instance: &Instance, patch: &str, seed: u64) -> Result<Fingerprint> {
        Fingerprint::of(&self.sandbox, instance, patch, seed)
    }

    fn measure(&self, request: &SideRequest) -> Result<TestRun> {
        let (runtime, requirements) = self.provision(request.instance)?;
        let plan = Self::plan(request, requirements.as_deref());
        // A tree that cannot be compiled is measured anyway: its modules compile on import.
        if !request.prepared {
            self.compile(&runtime, request, &plan)?;
        }
        measure::run_tests(&self.sandbox, &runtime, &plan)
    }

    fn prepare(&self, request: &SideRequest) -> Result<()> {
        let (runtime, requirements) = self.provision(request.instance)?;
        self.compile(&runtime, request, &Self::plan(request, requirements.as_deref()))
    }

    fn base_cache(&self, key: &str) -> Result<Option<PathBuf>> {
        Ok(Some(self.sandbox.home().base_cache_path(key)?))
    }

    fn sandbox(&self) -> Option<&Sandbox> {
        Some(&self.sandbox)
    }
}

/// The script of a [`ScriptedRunner`]: the session for a side, decided from its request (the
/// tree can be read to tell base from patched).
pub type Script = dyn Fn(&SideRequest) -> TestRun + Send + Sync;

/// A runner with no sandbox: sessions come from a script, fingerprints are built from the
/// instance and patch hashes alone, and base measurements are cached in `cache` if given.
pub struct ScriptedRunner {
    script: Arc<Script>,
    cache: Option<PathBuf>,
}

impl ScriptedRunner {
    /// A runner whose sessions `script` returns; no base cache.
    pub fn new(script: impl Fn(&SideRequest) -> TestRun + Send + Sync + 'static) -> Self {
        ScriptedRunner {
            script: Arc::new(script),
            cache: None,
        }
    }

    /// The same runner, caching base measurements in the folder `dir`.
    pub fn with_base_cache(mut self, dir: impl Into<PathBuf>) -> Self {
        self.cache = Some(dir.into());
        self
    }
}

impl TestRunner for ScriptedRunner {
    fn fingerprint(&self, instance: &Instance, patch: &str, seed: u64) -> Result<Fingerprint> {
        Fingerprint::scripted(instance, patch, seed)
    }

    fn measure(&self, request: &SideRequest) -> Result<TestRun> {
        Ok((self.script)(request))
    }

    fn base_cache(&self, key: &str) -> Result<Option<PathBuf>> {
        Ok(self.cache.as_ref().map(|d| d.join(format!("{key}.json"))))
    }
}
