//! The code guard: in a mount marked [`super::Access::ReadWriteData`], the guest may write data
//! but not Python code. A measured session needs this: the tree under test is writable (test
//! suites write files where they run), but code that rewrote a test module that is still to be
//! imported, or planted the `.pyc` pytest would load for it (pytest reads a cached rewritten
//! module whenever its source hash matches, even with `PYTHONDONTWRITEBYTECODE`), would change
//! what is measured from inside the measurement. It also keeps the instance intact: a tree's
//! code files are hard links to the instance's snapshot (and its restored bytecode to the host's
//! bytecode cache), so a write to one would reach every later evaluation.
//!
//! Code is a name ending in `.py`, `.pyc` or `.pyo`, or any path through a `__pycache__`
//! folder. Within a guarded mount (and every fd opened through it) the guest cannot open code
//! for writing, create or truncate it, rename anything to or from it, rename across the
//! mount's boundary, make a link whose target or source is code, or set a code file's times
//! (by path, or through an fd it opened on code: in a tree whose code is hard-linked from the
//! instance, those are the instance's file's times). Those calls fail with `EACCES`, as a
//! read-only file would. Reading, and writing anything else, is unchanged.
//!
//! The guard also remembers where each guarded fd is (its mount's host folder and its path
//! below it) and which files the guest linked itself, for `unshare`, which gives the guest its
//! own copy of a data file linked from the instance before the guest writes it.
//!
//! The calls are shadowed with the disk quota's (see `quota`), which asks this module first.
//! This module decides; it must not call WASI itself.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

/// WASI's `EACCES`.
pub(super) const ERRNO_ACCES: i32 = 2;

const OFLAGS_CREAT: i32 = 1;
const OFLAGS_TRUNC: i32 = 8;
/// `fd_datasync`, `fd_write`, `fd_allocate`, `fd_filestat_set_size`: the rights that change a file.
const WRITE_RIGHTS: i64 = (1 << 0) | (1 << 6) | (1 << 8) | (1 << 22);

/// Whether `path_open` with `oflags` and `rights` may change the file it opens.
pub(super) fn writes(oflags: i32, rights: i64) -> bool {
    oflags & (OFLAGS_CREAT | OFLAGS_TRUNC) != 0 || rights & WRITE_RIGHTS != 0
}

/// Whether a guest path names Python code (source or bytecode).
pub fn is_code(path: &str) -> bool {
    let name = path.trim_end_matches('/').rsplit('/').next().unwrap_or(path);
    name.ends_with(".py") || name.ends_with(".pyc") || name.ends_with(".pyo") || path.split('/').any(|c| c == "__pycache__")
}

/// The longest path below its mount the guard keeps for an fd: past it (a guest walking in
/// circles) the fd's place is unknown, and a shared file under it is not unshared but refused.
const MAX_PLACE: usize = 4096;

/// Where a guarded fd is: its mount's host folder, and the path the guest opened it by, from the
/// mount (`None` when too long to keep). The path is as the guest wrote it (`..`, links and all):
/// resolved again on the host, it names the same thing unless the guest renamed a folder on the
/// way since, which `unshare` detects.
#[derive(Debug, Clone)]
pub(super) struct Place {
    pub root: Arc<PathBuf>,
    pub rel: Option<String>,
}

impl Place {
    /// `path` (as the guest passed it to a call on this fd) from the mount; `None` when the
    /// place is unknown or the result too long to keep.
    pub fn below(&self, path: &str) -> Option<String> {
        let rel = self.rel.as_deref()?;
        Some(if rel.is_empty() { path.to_string() } else { format!("{rel}/{path}") }).filter(|r| r.len() <= MAX_PLACE)
    }
}

/// The fds through which the guest reaches a guarded mount.
#[derive(Debug, Default)]
pub(super) struct CodeGuard {
    guarded: HashSet<i32>,
    /// The guarded fds opened on code (a file or folder named as code).
    code: HashSet<i32>,
    places: HashMap<i32, Place>,
    /// The identities of files the guest hard-linked while they were its own (one name): they
    /// have several names but share nothing with the instance.
    guest_links: HashSet<u64>,
}

impl CodeGuard {
    /// A guard over the preopened fds `fds`, each the mount of a host folder.
    pub fn new(fds: impl IntoIterator<Item = (i32, PathBuf)>) -> Self {
        let mut guard = CodeGuard::default();
        for (fd, root) in fds {
            guard.guarded.insert(fd);
            guard.places.insert(
                fd,
                Place {
                    root: Arc::new(root),
                    rel: Some(String::new()),
                },
            );
        }
        guard
    }

    /// Where the guarded `fd` is.
    pub fn place(&self, fd: i32) -> Option<&Place> {
        self.places.get(&fd)
    }

    /// The guest linked a file that was its own (identity `identity`).
    pub fn guest_linked(&mut self, identity: u64) {
        self.guest_links.insert(identity);
    }

    /// Whether a regular file with `nlink` names and identity `identity` may be shared with the
    /// instance (a link sweperf made), rather than the guest's own.
    pub fn may_share(&self, nlink: u64, identity: u64) -> bool {
        nlink > 1 && !self.guest_links.contains(&identity)
    }

    /// Whether `fd` reaches a guarded mount.
    pub fn covers(&self, fd: i32) -> bool {
        self.guarded.contains(&fd)
    }

    /// Whether `path_open(fd, path, oflags, rights)` must be refused.
    pub fn refuses_open(&self, fd: i32, path: &str, oflags: i32, rights: i64) -> bool {
        self.covers(fd) && is_code(path) && writes(oflags, rights)
    }

    /// Whether a rename from `(old_fd, old)` to `(new_fd, new)` must be refused.
    pub fn refuses_rename(&self, old_fd: i32, old: &str, new_fd: i32, new: &str) -> bool {
        let (a, b) = (self.covers(old_fd), self.covers(new_fd));
        a != b || (a && (is_code(old) || is_code(new)))
    }

    /// Whether a link (symbolic: `source` is its target text) at `(fd, _)` must be refused. A
    /// hard link across the mount's boundary is, as a rename is: a tree's file linked out of the
    /// mount could be written there, where nothing unshares it first.
    pub fn refuses_link(&self, source_fd: i32, source: &str, fd: i32, new: &str) -> bool {
        let (a, b) = (self.covers(source_fd), self.covers(fd));
        a != b || (a && (is_code(source) || is_code(new)))
    }

    /// Whether setting the times of `path` under `fd` must be refused.
    pub fn refuses_set_times(&self, fd: i32, path: &str) -> bool {
        self.covers(fd) && is_code(path)
    }

    /// Whether setting the times of the file open as `fd` must be refused.
    pub fn refuses_fd_set_times(&self, fd: i32) -> bool {
        self.code.contains(&fd)
    }

    /// `opened` was opened through `dir` as `path`: it reaches what `dir` reaches, and is code
    /// if `path` names code in a guarded mount.
    pub fn opened(&mut self, dir: i32, opened: i32, path: &str) {
        if self.covers(dir) {
            self.guarded.insert(opened);
            if is_code(path) {
                self.code.insert(opened);
            } else {
                self.code.remove(&opened);
            }
            let place = self.places.get(&dir).map(|p| Place {
                root: p.root.clone(),
                rel: p.below(path),
            });
            match place {
                Some(place) => self.places.insert(opened, place),
                None => self.places.remove(&opened),
            };
        } else {
            self.closed(opened);
        }
    }

    pub fn closed(&mut self, fd: i32) {
        self.guarded.remove(&fd);
        self.code.remove(&fd);
        self.places.remove(&fd);
    }

    pub fn renumbered(&mut self, from: i32, to: i32) {
        for set in [&mut self.guarded, &mut self.code] {
            if set.remove(&from) {
                set.insert(to);
            } else {
                set.remove(&to);
            }
        }
        match self.places.remove(&from) {
            Some(place) => self.places.insert(to, place),
            None => self.places.remove(&to),
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_is_source_bytecode_and_anything_in_a_pycache() {
        for yes in ["tests/test_a.py", "a.pyc", "pkg/mod.pyo", "tests/__pycache__/x.txt", "__pycache__", "pkg/__pycache__/", "x.py/"] {
            assert!(is_code(yes), "{yes}");
        }
        for no in ["data.txt", "tests/out.json", "py", "notes.pyx.txt", "pycache/x", ""] {
            assert!(!is_code(no), "{no}");
        }
    }

    #[test]
    fn guarded_fds_follow_opens_closes_and_renumbers() {
        let mut g = CodeGuard::new([(5, PathBuf::from("/mount"))]);
        assert!(g.refuses_open(5, "tests/test_a.py", 0, 1 << 6));
        assert!(g.refuses_open(5, "tests/test_a.py", OFLAGS_TRUNC, 0));
        assert!(!g.refuses_open(5, "tests/test_a.py", 0, 1 << 1), "reading is allowed");
        assert!(!g.refuses_open(5, "out.txt", OFLAGS_CREAT, 1 << 6), "data is writable");
        assert!(!g.refuses_open(4, "x.py", OFLAGS_CREAT, 1 << 6), "other mounts are not guarded");
        g.opened(5, 9, "tests");
        assert!(g.refuses_open(9, "test_b.py", OFLAGS_CREAT, 0), "a folder opened inside is guarded too");
        g.renumbered(9, 4);
        assert!(g.refuses_open(4, "x.py", OFLAGS_CREAT, 0) && !g.refuses_open(9, "x.py", OFLAGS_CREAT, 0));
        g.closed(4);
        assert!(!g.refuses_open(4, "x.py", OFLAGS_CREAT, 0));
        g.opened(7, 5, "x.py");
        assert!(!g.refuses_open(5, "x.py", OFLAGS_CREAT, 0), "an fd number reused for an unguarded open");
    }

    #[test]
    fn places_follow_opens_renumbers_and_closes() {
        let mut g = CodeGuard::new([(5, PathBuf::from("/mount"))]);
        let rel = |g: &CodeGuard, fd| g.place(fd).and_then(|p| p.rel.clone());
        assert_eq!(rel(&g, 5).as_deref(), Some(""));
        g.opened(5, 9, "tests");
        g.opened(9, 10, "../data/x.txt");
        assert_eq!(rel(&g, 10).as_deref(), Some("tests/../data/x.txt"), "the path as the guest wrote it, resolved on the host");
        assert_eq!(g.place(10).unwrap().root.as_path(), std::path::Path::new("/mount"));
        g.renumbered(10, 4);
        assert!(g.place(10).is_none() && rel(&g, 4).as_deref() == Some("tests/../data/x.txt"));
        g.opened(7, 4, "elsewhere");
        assert!(g.place(4).is_none(), "an fd number reused outside the mount");
        g.closed(9);
        assert!(g.place(9).is_none());
        // A guest walking in circles: its place is forgotten, not grown without end.
        let mut fd = 5;
        for next in 20..20 + (MAX_PLACE as i32) {
            g.opened(fd, next, "a/..");
            fd = next;
        }
        assert!(g.covers(fd) && rel(&g, fd).is_none());
        g.opened(fd, 99, "x.txt");
        assert!(g.covers(99) && rel(&g, 99).is_none(), "and stays unknown below it");
    }

    #[test]
    fn only_files_the_guest_linked_itself_are_known_not_to_be_shared() {
        let mut g = CodeGuard::new([(5, PathBuf::from("/mount"))]);
        assert!(!g.may_share(1, 42), "one name: nothing else has it");
        assert!(g.may_share(2, 42));
        g.guest_linked(42);
        assert!(!g.may_share(3, 42) && g.may_share(2, 43));
    }

    #[test]
    fn a_code_files_times_cannot_be_set_by_path_or_through_its_fd() {
        let mut g = CodeGuard::new([(5, PathBuf::from("/mount"))]);
        assert!(g.refuses_set_times(5, "pkg/mod.py") && g.refuses_set_times(5, "pkg/__pycache__/mod.cpython-311.pyc"));
        assert!(!g.refuses_set_times(5, "data.json"), "data keeps its times writable");
        assert!(!g.refuses_set_times(4, "mod.py"), "other mounts are not guarded");
        g.opened(5, 9, "pkg/mod.py");
        g.opened(5, 10, "data.json");
        g.opened(4, 11, "mod.py");
        assert!(g.refuses_fd_set_times(9) && !g.refuses_fd_set_times(10) && !g.refuses_fd_set_times(11));
        g.renumbered(9, 12);
        assert!(g.refuses_fd_set_times(12) && !g.refuses_fd_set_times(9), "the mark follows a renumber");
        g.renumbered(10, 12);
        assert!(!g.refuses_fd_set_times(12), "renumbering data onto a code fd replaces it");
        g.opened(5, 13, "x.py");
        g.closed(13);
        g.opened(4, 13, "x.py");
        assert!(!g.refuses_fd_set_times(13), "a closed fd's number reused outside the mount");
    }

    #[test]
    fn renames_and_links_cannot_bring_code_in_or_take_it_out() {
        let g = CodeGuard::new([(5, PathBuf::from("/mount"))]);
        assert!(g.refuses_rename(5, "evil.txt", 5, "tests/test_b.py"));
        assert!(g.refuses_rename(5, "tests/test_b.py", 5, "x.txt"));
        assert!(g.refuses_rename(6, "made", 5, "tests"), "across the mount's boundary");
        assert!(!g.refuses_rename(5, "a.txt", 5, "b.txt"));
        assert!(!g.refuses_rename(6, "a.py", 6, "b.py"));
        assert!(g.refuses_link(5, "tests/test_b.py", 5, "alias.txt"));
        assert!(g.refuses_link(6, "/tmp/x", 5, "tests/test_c.py"));
        assert!(!g.refuses_link(5, "data.txt", 5, "alias.txt"));
        assert!(g.refuses_link(5, "data.txt", 6, "out.txt"), "data linked out of the mount");
        assert!(g.refuses_link(6, "out.txt", 5, "data.txt"), "or into it");
        assert!(!g.refuses_link(6, "a.py", 6, "b.py"), "other mounts are not guarded");
    }
}
