//! Private trees: the copies of an instance's repository that an evaluation patches, compiles
//! and measures, and every write sweperf itself makes into one.
//!
//! A tree's files are hard-linked from the instance's snapshot rather than copied, since
//! creating thousands of files was most of a large repository's warm evaluation (on ext4, an
//! inode allocation each). A linked file *is* the snapshot's file, reused by every later
//! evaluation, so nothing may ever write into it. The guest cannot: in the measured session the
//! code guard refuses every write to code (what it calls code: [`crate::sandbox::is_code`]), and
//! before the guest changes a data file the sandbox replaces it with a copy of its own
//! ("unsharing"; the sandbox's `unshare`); the compile step only writes bytecode, each file new
//! and renamed into place. sweperf's own writers (patch application, the restored tests, bytecode restored from
//! the cache) all write through [`write`], [`copy`] and [`link`], which only ever create a file:
//! under a free name, or beside the taken one and renamed over it. None of them opens an existing
//! file for writing, so a link is replaced, never written through. Removing a file only unlinks
//! it. Where linking fails (another file system, no permission) the file is copied.
//!
//! A tree holding a symbolic link that is code or points at code gets no links at all (see
//! [`has_code_symlinks`]). This module must not write outside the tree it is given, and must not
//! open an existing file of a tree for writing.

use std::collections::HashSet;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::error::{IoContext, Result};
use crate::instance;
use crate::sandbox::is_code;

/// How a file is linked into a tree: [`fs::hard_link`], except in tests of the fallback.
type Linker<'a> = dyn Fn(&Path, &Path) -> io::Result<()> + 'a;

/// Fills `dest` with the snapshot `src` (files, and symbolic links as links), skipping cache
/// folders: with `link`, files hard-linked where the snapshot allows it (and copied where linking
/// fails); else copied.
///
/// Errors: [`crate::Error::Io`] when a file cannot be read or written.
pub(crate) fn populate(src: &Path, dest: &Path, link: bool) -> Result<()> {
    populate_with(src, dest, link.then_some(&|from: &Path, to: &Path| fs::hard_link(from, to)))
}

fn populate_with(src: &Path, dest: &Path, hard_link: Option<&Linker<'_>>) -> Result<()> {
    fs::create_dir_all(dest).context(|| format!("creating {}", dest.display()))?;
    let entries = instance::repo_entries(src)?;
    let mut linking = match hard_link {
        Some(_) => !has_code_symlinks(src, &entries)?,
        None => false,
    };
    let mut made: HashSet<PathBuf> = HashSet::new();
    for (rel, ty) in &entries {
        let from = src.join(rel);
        let to = dest.join(rel);
        if let Some(parent) = to.parent()
            && !made.contains(parent)
        {
            fs::create_dir_all(parent).context(|| format!("creating {}", parent.display()))?;
            made.insert(parent.to_path_buf());
        }
        if ty.is_symlink() {
            let target = fs::read_link(&from).context(|| format!("reading link {}", from.display()))?;
            std::os::unix::fs::symlink(&target, &to).context(|| format!("linking {}", to.display()))?;
        } else if let Some(hard_link) = hard_link.filter(|_| linking) {
            // A tree on which one link fails (another file system) is copied from then on.
            linking = link_with(&from, &to, hard_link)?;
        } else {
            copy(&from, &to)?;
        }
    }
    Ok(())
}

/// Whether the tree at `root`, whose entries are `entries` (as [`instance::repo_entries`] lists
/// them), holds a symbolic link that is code or whose target is. The code guard judges a path by
/// its name, and refuses the guest making such a link, but a repository may come with one: through
/// a link named as data the guest could write code (a file linked from the snapshot or the
/// bytecode cache), and through a `__pycache__` link the host would restore bytecode wherever it
/// leads. Such a tree gets no links (a copy is always safe).
///
/// Errors: [`crate::Error::Io`] when a link cannot be read.
pub(crate) fn has_code_symlinks(root: &Path, entries: &[(String, fs::FileType)]) -> Result<bool> {
    for (rel, ty) in entries {
        if ty.is_symlink() {
            let path = root.join(rel);
            let target = fs::read_link(&path).context(|| format!("reading link {}", path.display()))?;
            if is_code(rel) || is_code(&target.to_string_lossy()) {
                return Ok(true);
            }
        }
    }
    Ok(false)
}

/// Creates the file `to` anew, with what `fill` writes and then `permissions` (if given): under
/// its name when the name is free, else in a new file beside it renamed over it. An existing file
/// at `to` is never opened, so one linked from elsewhere is replaced, not written through.
fn create(to: &Path, permissions: Option<fs::Permissions>, fill: impl FnOnce(&mut File) -> io::Result<()>) -> io::Result<()> {
    // `create_new` is O_CREAT | O_EXCL: it fails on any existing name, a symbolic link included.
    let mut file = match OpenOptions::new().write(true).create_new(true).open(to) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            let dir = to.parent().ok_or_else(|| io::Error::other("a file in a folder"))?;
            let mut tmp = tempfile::Builder::new().prefix(".sweperf-").tempfile_in(dir)?;
            fill(tmp.as_file_mut())?;
            tmp.as_file().set_permissions(permissions.unwrap_or_else(|| std::os::unix::fs::PermissionsExt::from_mode(0o644)))?;
            tmp.persist(to).map_err(|e| e.error)?;
            return Ok(());
        }
        Err(e) => return Err(e),
    };
    fill(&mut file)?;
    if let Some(p) = permissions {
        file.set_permissions(p)?;
    }
    Ok(())
}

/// Writes `bytes` to the tree's file `path` as a new file (replacing any file there, whose
/// permissions it keeps), never through an existing one.
///
/// Errors: [`crate::Error::Io`] when the file cannot be created, or `path` is a folder.
pub(crate) fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    let permissions = fs::symlink_metadata(path).ok().filter(|m| m.is_file()).map(|m| m.permissions());
    create(path, permissions, |f| f.write_all(bytes)).context(|| format!("writing {}", path.display()))
}

/// Copies the file `from` to the tree's file `to` (with `from`'s permissions), as a new file:
/// replacing any file at `to`, never writing through it.
///
/// Errors: [`crate::Error::Io`] when `from` cannot be read or `to` created.
pub(crate) fn copy(from: &Path, to: &Path) -> Result<()> {
    let what = || format!("copying {} to {}", from.display(), to.display());
    let mut source = File::open(from).context(what)?;
    let permissions = source.metadata().context(what)?.permissions();
    create(to, Some(permissions), |f| io::copy(&mut source, f).map(drop)).context(what)
}

/// Puts the file `from`, which is code that nothing writes (the snapshot's, or the bytecode
/// cache's), at the tree's path `to` as a hard link; copies it where linking fails. Whether it
/// linked.
///
/// Errors: [`crate::Error::Io`] when it can neither be linked nor copied.
pub(crate) fn link(from: &Path, to: &Path) -> Result<bool> {
    link_with(from, to, &|from, to| fs::hard_link(from, to))
}

fn link_with(from: &Path, to: &Path, hard_link: &Linker<'_>) -> Result<bool> {
    if hard_link(from, to).is_ok() {
        return Ok(true);
    }
    copy(from, to)?;
    Ok(false)
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};

    use super::*;

    fn snapshot() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (rel, text) in [("pkg/mod.py", "x = 1\n"), ("pkg/data.json", "{}\n"), ("tests/test_a.py", "def test(): pass\n"), ("README.md", "hi\n"), ("pkg/__pycache__/mod.cpython-311.pyc", "stale")] {
            let p = dir.path().join(rel);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(p, text).unwrap();
        }
        dir
    }

    fn ino(p: &Path) -> u64 {
        fs::symlink_metadata(p).unwrap().ino()
    }

    #[test]
    fn files_are_linked() {
        let src = snapshot();
        let dest = tempfile::tempdir().unwrap();
        let tree = dest.path().join("repo");
        populate(src.path(), &tree, true).unwrap();
        for rel in ["pkg/mod.py", "tests/test_a.py", "pkg/data.json", "README.md"] {
            assert_eq!(ino(&src.path().join(rel)), ino(&tree.join(rel)), "{rel} is the snapshot's file");
        }
        assert!(!tree.join("pkg/__pycache__").exists(), "caches are not part of a tree");
        // A plain copy (`instance::copy_tree`) links nothing.
        let copy = dest.path().join("copy");
        populate(src.path(), &copy, false).unwrap();
        for rel in ["pkg/mod.py", "tests/test_a.py", "pkg/data.json"] {
            assert_ne!(ino(&src.path().join(rel)), ino(&copy.join(rel)), "{rel}");
        }
    }

    #[test]
    fn a_tree_on_which_linking_fails_is_copied() {
        let src = snapshot();
        let dest = tempfile::tempdir().unwrap();
        let tree = dest.path().join("repo");
        let tried = std::cell::Cell::new(0);
        let cross_device = |_: &Path, _: &Path| {
            tried.set(tried.get() + 1);
            Err(io::Error::from_raw_os_error(18)) // EXDEV
        };
        populate_with(src.path(), &tree, Some(&cross_device)).unwrap();
        for rel in ["pkg/mod.py", "tests/test_a.py", "pkg/data.json", "README.md"] {
            assert_ne!(ino(&src.path().join(rel)), ino(&tree.join(rel)), "{rel}");
            assert_eq!(fs::read(src.path().join(rel)).unwrap(), fs::read(tree.join(rel)).unwrap(), "{rel}");
        }
        assert_eq!(tried.get(), 1, "after one failure the rest is copied without trying");
    }

    #[test]
    fn a_tree_with_a_symbolic_link_to_code_is_copied() {
        for (link, target) in [("notes.txt", "pkg/mod.py"), ("pkg/alias.py", "data.json"), ("cache", "pkg/__pycache__"), ("pkg/__pycache__", "/elsewhere")] {
            let src = snapshot();
            if link == "pkg/__pycache__" {
                fs::remove_dir_all(src.path().join(link)).unwrap();
            }
            std::os::unix::fs::symlink(target, src.path().join(link)).unwrap();
            let dest = tempfile::tempdir().unwrap();
            let tree = dest.path().join("repo");
            populate(src.path(), &tree, true).unwrap();
            assert_ne!(ino(&src.path().join("pkg/mod.py")), ino(&tree.join("pkg/mod.py")), "{link} -> {target}");
            assert_eq!(fs::read_link(tree.join(link)).unwrap(), Path::new(target), "the link itself is kept");
        }
        // A link between data files changes nothing.
        let src = snapshot();
        std::os::unix::fs::symlink("README.md", src.path().join("README.txt")).unwrap();
        let dest = tempfile::tempdir().unwrap();
        populate(src.path(), &dest.path().join("repo"), true).unwrap();
        assert_eq!(ino(&src.path().join("pkg/mod.py")), ino(&dest.path().join("repo/pkg/mod.py")));
    }

    #[test]
    fn writes_replace_a_linked_file_and_never_write_through_it() {
        let dir = tempfile::tempdir().unwrap();
        let original = dir.path().join("snapshot.py");
        fs::write(&original, "x = 1\n").unwrap();
        fs::set_permissions(&original, fs::Permissions::from_mode(0o755)).unwrap();
        let linked = dir.path().join("tree.py");
        assert!(link(&original, &linked).unwrap());
        write(&linked, b"x = 2\n").unwrap();
        assert_eq!(fs::read_to_string(&original).unwrap(), "x = 1\n");
        assert_eq!(fs::read_to_string(&linked).unwrap(), "x = 2\n");
        assert_ne!(ino(&original), ino(&linked));
        assert_eq!(fs::metadata(&linked).unwrap().permissions().mode() & 0o777, 0o755, "the replaced file's permissions are kept");
        // A copy onto a linked file replaces it too, as does linking onto a taken name.
        let other = dir.path().join("other.py");
        fs::write(&other, "y = 1\n").unwrap();
        assert!(link(&original, &linked.with_file_name("again.py")).unwrap());
        copy(&other, &dir.path().join("again.py")).unwrap();
        assert!(!link(&original, &dir.path().join("again.py")).unwrap(), "a taken name is not linked over");
        assert_eq!(fs::read_to_string(&original).unwrap(), "x = 1\n");
        // A new file is created where the name is free, and nothing is left beside it.
        write(&dir.path().join("new.txt"), b"new").unwrap();
        let names: Vec<String> = fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        assert!(names.iter().all(|n| !n.starts_with(".sweperf-")), "{names:?}");
    }
}
