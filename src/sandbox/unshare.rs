//! Unsharing: the files of a private tree are hard links to the instance's snapshot (made by
//! the crate's `tree` module), so a data file the guest is about to change must first become its own: a
//! copy, renamed over the link. (Code never needs it: the code guard refuses writing code.)
//!
//! The shims (see `quota`) decide when: before a call that would change a file (opening it for
//! writing, creating over it, truncating it) they stat its path through WASI itself, and when
//! that finds a regular file with more than one name that the guest did not link itself, they
//! ask this module to replace it. This module finds the file on the host from the mount's folder
//! and the path the guest used, and replaces it only if it is the very file WASI found (the
//! device and inode, hashed as Wasmtime hashes them into a WASI inode: [`identity`]). The shim
//! then stats the path through WASI again and refuses the call if the file is still shared. A
//! wrong guess here (a folder on the way renamed since the guest opened it, say) costs the
//! guest a refused call, never a write into the instance.
//!
//! This module must not write anything but the one new file it renames over the shared one, and
//! must not leave the mount: it resolves paths with `cap-std` from the mount's folder, which
//! refuses any path that would lead out of it, as WASI does.

use std::hash::{Hash, Hasher};
use std::io;
use std::path::Path;

use cap_std::ambient_authority;
use cap_std::fs::{Dir, MetadataExt, OpenOptions};

/// Symbolic links followed at most, as the host's path resolution would.
const MAX_HOPS: usize = 40;

/// A file's identity as a WASI guest sees it (its `ino`): Wasmtime's hash of the host device
/// and inode (`MetadataHashValue`), Rust's `DefaultHasher` with its fixed keys, computed by the
/// same standard library since sweperf and Wasmtime are one build.
pub(super) fn identity(dev: u64, ino: u64) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (dev, ino).hash(&mut h);
    h.finish()
}

/// Replaces the file `path` (from the mount of host folder `root`; its final symbolic links
/// followed if `follow`) with a copy of itself, if it is the regular file `expected` (an
/// [`identity`]). Whether it did.
///
/// Errors: those of the host's file system (the caller then refuses the guest's call).
pub(super) fn unshare(root: &Path, path: &str, follow: bool, expected: u64) -> io::Result<bool> {
    let root = Dir::open_ambient_dir(root, ambient_authority())?;
    let Some((mut dir, mut name)) = split(&root, path)? else { return Ok(false) };
    for _ in 0..MAX_HOPS {
        let meta = dir.symlink_metadata(&name)?;
        if meta.file_type().is_symlink() {
            if !follow {
                return Ok(false);
            }
            let target = dir.read_link_contents(&name)?;
            let Some(target) = target.to_str().filter(|t| !t.starts_with('/')) else { return Ok(false) };
            let Some(next) = split(&dir, target)? else { return Ok(false) };
            (dir, name) = next;
            continue;
        }
        if !meta.is_file() || identity(meta.dev(), meta.ino()) != expected {
            return Ok(false);
        }
        replace(&dir, &name, meta.permissions())?;
        return Ok(true);
    }
    Ok(false)
}

/// The folder holding `path` (relative to `dir`) and its last name; `None` for a path that
/// names no file (absolute, or ending in `/`, `.` or `..`).
fn split(dir: &Dir, path: &str) -> io::Result<Option<(Dir, String)>> {
    let (parent, name) = match path.rsplit_once('/') {
        Some((parent, name)) => (Some(parent), name),
        None => (None, path),
    };
    if name.is_empty() || name == "." || name == ".." || path.starts_with('/') {
        return Ok(None);
    }
    let folder = match parent {
        Some(parent) => dir.open_dir(parent)?,
        None => dir.try_clone()?,
    };
    Ok(Some((folder, name.to_string())))
}

/// Copies `name` in `dir` to a new file beside it and renames that over it.
fn replace(dir: &Dir, name: &str, permissions: cap_std::fs::Permissions) -> io::Result<()> {
    let mut source = dir.open(name)?;
    let mut n = 0u32;
    let (tmp, mut copy) = loop {
        let tmp = format!(".sweperf-unshare-{n}-{name}");
        match dir.open_with(&tmp, OpenOptions::new().write(true).create_new(true)) {
            Ok(f) => break (tmp, f),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && n < 1000 => n += 1,
            Err(e) => return Err(e),
        }
    };
    let done = io::copy(&mut source, &mut copy).and_then(|_| copy.set_permissions(permissions)).and_then(|()| dir.rename(&tmp, dir, name));
    if done.is_err() {
        let _ = dir.remove_file(&tmp);
    }
    done
}

#[cfg(test)]
mod tests {
    use std::fs;
    use std::os::unix::fs::{MetadataExt as _, PermissionsExt};

    use super::*;

    fn id(p: &Path) -> u64 {
        let m = fs::metadata(p).unwrap();
        identity(m.dev(), m.ino())
    }

    /// A mount holding `data/table.txt` linked from a snapshot beside it.
    fn linked() -> (tempfile::TempDir, std::path::PathBuf, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let snapshot = dir.path().join("snapshot.txt");
        fs::write(&snapshot, "a\nb\n").unwrap();
        fs::set_permissions(&snapshot, fs::Permissions::from_mode(0o640)).unwrap();
        let mount = dir.path().join("mount");
        fs::create_dir_all(mount.join("data")).unwrap();
        fs::hard_link(&snapshot, mount.join("data/table.txt")).unwrap();
        (dir, snapshot, mount)
    }

    #[test]
    fn a_shared_file_becomes_a_copy_of_itself() {
        let (_d, snapshot, mount) = linked();
        let file = mount.join("data/table.txt");
        assert!(unshare(&mount, "data/table.txt", true, id(&file)).unwrap());
        assert_ne!(id(&file), id(&snapshot));
        assert_eq!(fs::read(&file).unwrap(), b"a\nb\n");
        assert_eq!(fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o640);
        assert_eq!(fs::metadata(&snapshot).unwrap().nlink(), 1);
        let names: Vec<_> = fs::read_dir(mount.join("data")).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, ["table.txt"], "nothing left beside it");
    }

    #[test]
    fn only_the_file_wasi_found_is_replaced() {
        let (_d, snapshot, mount) = linked();
        let file = mount.join("data/table.txt");
        let before = id(&file);
        assert!(!unshare(&mount, "data/table.txt", true, before ^ 1).unwrap(), "another identity");
        assert!(!unshare(&mount, "data", true, before).unwrap(), "a folder");
        for path in ["data/", "data/.", "data/..", "/data/table.txt"] {
            assert!(!unshare(&mount, path, true, before).unwrap(), "{path}");
        }
        assert!(unshare(&mount, "../mount/data/table.txt", true, before).is_err(), "cap-std refuses to leave the mount");
        assert_eq!(id(&file), before);
        assert_eq!(id(&snapshot), before);
    }

    #[test]
    fn symbolic_links_are_followed_only_when_asked_and_only_inside_the_mount() {
        let (_d, snapshot, mount) = linked();
        let shared = id(&snapshot);
        std::os::unix::fs::symlink("data/table.txt", mount.join("alias")).unwrap();
        std::os::unix::fs::symlink(&snapshot, mount.join("absolute")).unwrap();
        assert!(!unshare(&mount, "alias", false, shared).unwrap(), "the link itself is not the file");
        assert!(!unshare(&mount, "absolute", true, shared).unwrap(), "an absolute target leaves the mount");
        assert!(unshare(&mount, "alias", true, shared).unwrap());
        assert_ne!(id(&mount.join("data/table.txt")), shared, "the link's target was replaced");
        assert!(fs::symlink_metadata(mount.join("alias")).unwrap().file_type().is_symlink(), "the link stays");
    }
}
