//! Scratch folders of sandbox runs, and removing those a killed process left behind.
//!
//! Each run's private files (its empty root, `/tmp`, `/dev`, the guest code) live in
//! `<home>/scratch/run-XXXXXX/`, which holds a `.lock` file its process keeps locked for as long
//! as the run lasts. A process killed with `-9` leaves its folder but not its lock (the kernel
//! drops it), so [`remove_stale`] can tell the leftovers from the folders of live runs, in this
//! process or any other. Creating and cleaning take `<home>/scratch/.lock`, shared for the
//! moment between making a folder and locking it, exclusive while cleaning: a folder is never
//! seen unlocked while its owner is still setting it up.
//!
//! This module must not remove anything but `run-*` folders of its own parent whose lock it
//! could take, and must not print: a leftover it cannot remove stays for the next attempt.

use std::fs::{self, File, OpenOptions, TryLockError};
use std::path::Path;

use crate::error::{IoContext, Result};

const PREFIX: &str = "run-";
const LOCK: &str = ".lock";

fn open_lock(path: &Path) -> Result<File> {
    OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .context(|| format!("opening {}", path.display()))
}

/// One run's scratch folder, removed when dropped.
pub(super) struct Scratch {
    // Field order is drop order: the folder goes while its lock is still held.
    dir: tempfile::TempDir,
    _lock: File,
}

impl Scratch {
    /// A new, locked scratch folder in `parent`.
    pub(super) fn create(parent: &Path) -> Result<Scratch> {
        let guard_path = parent.join(LOCK);
        let guard = open_lock(&guard_path)?;
        guard.lock_shared().context(|| format!("locking {}", guard_path.display()))?;
        let dir = tempfile::Builder::new()
            .prefix(PREFIX)
            .tempdir_in(parent)
            .context(|| format!("creating the run's scratch folder in {}", parent.display()))?;
        let lock_path = dir.path().join(LOCK);
        let lock = open_lock(&lock_path)?;
        // Nobody else can hold it: a cleaner would need the guard exclusively.
        lock.try_lock().map_err(|e| {
            let e = match e {
                TryLockError::Error(e) => e,
                TryLockError::WouldBlock => std::io::Error::from(std::io::ErrorKind::WouldBlock),
            };
            crate::error::Error::io(format!("locking {}", lock_path.display()), e)
        })?;
        drop(guard);
        Ok(Scratch { dir, _lock: lock })
    }

    pub(super) fn path(&self) -> &Path {
        self.dir.path()
    }
}

/// Whether the `run-*` folder `dir` belongs to no live process: its lock can be taken, or it
/// never got one (its creator died before locking it).
fn is_stale(dir: &Path) -> bool {
    match File::open(dir.join(LOCK)) {
        Ok(lock) => lock.try_lock().is_ok(),
        Err(e) => e.kind() == std::io::ErrorKind::NotFound,
    }
}

/// Removes the scratch folders in `parent` that no live process holds; returns how many.
pub(super) fn remove_stale(parent: &Path) -> Result<usize> {
    let guard_path = parent.join(LOCK);
    let guard = open_lock(&guard_path)?;
    guard.lock().context(|| format!("locking {}", guard_path.display()))?;
    let mut removed = 0;
    for entry in fs::read_dir(parent).context(|| format!("listing {}", parent.display()))? {
        let Ok(entry) = entry else { continue };
        let is_run = entry.file_name().to_str().is_some_and(|n| n.starts_with(PREFIX));
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        if is_run && is_dir && is_stale(&entry.path()) && fs::remove_dir_all(entry.path()).is_ok() {
            removed += 1;
        }
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::Home;
    use crate::sandbox::Sandbox;

    #[test]
    fn sandbox_new_removes_leftovers_of_killed_runs_and_keeps_live_ones() {
        let root = tempfile::tempdir().unwrap();
        let home = Home::new(root.path());
        let parent = home.scratch_dir().unwrap();
        let make = |name: &str| {
            let dir = parent.join(name);
            fs::create_dir_all(dir.join("tmp/deep")).unwrap();
            fs::write(dir.join("tmp/deep/big.bin"), vec![0u8; 4096]).unwrap();
            dir
        };
        // Killed after locking (the kernel released the lock) and before locking.
        let stale = make("run-killed");
        File::create(stale.join(LOCK)).unwrap();
        let unlocked = make("run-nolock");
        // Live: another process (here, another open file) holds the lock.
        let live = make("run-live");
        let held = File::create(live.join(LOCK)).unwrap();
        held.lock().unwrap();
        // Not a run folder at all.
        let other = make("not-a-run");

        Sandbox::new(home.clone()).unwrap();
        assert!(!stale.exists() && !unlocked.exists(), "leftovers are removed");
        assert!(live.join("tmp/deep/big.bin").exists(), "a locked folder is never touched");
        assert!(other.exists(), "only run-* folders are considered");

        drop(held);
        Sandbox::new(home).unwrap();
        assert!(!live.exists(), "once its process is gone the folder goes too");
    }

    #[test]
    fn a_run_folder_is_locked_while_it_lives_and_removed_after() {
        let root = tempfile::tempdir().unwrap();
        let scratch = Scratch::create(root.path()).unwrap();
        let path = scratch.path().to_path_buf();
        assert!(path.file_name().unwrap().to_str().unwrap().starts_with(PREFIX));
        assert!(!is_stale(&path));
        assert_eq!(remove_stale(root.path()).unwrap(), 0);
        assert!(path.exists());
        drop(scratch);
        assert!(!path.exists());
    }
}
