//! The disk quota: a guest may write at most [`super::Limits::disk_bytes`] to files during one
//! run, whichever writable folder they are in (`/tmp`, `/dev`, a read-write mount).
//!
//! What is counted is bytes written (`fd_write`, `fd_pwrite`), not bytes kept: rewriting a file
//! counts again. Creating a file, folder or link (`path_open` with `O_CREAT`,
//! `path_create_directory`, `path_symlink`, `path_link`) costs [`ENTRY_CHARGE`], so a
//! flood of empty files is bounded too. Writes to stdout and stderr are not counted (they go to
//! capped in-memory pipes), but only while fds 1 and 2 still are stdout and stderr: closing or
//! renumbering onto them makes them ordinary, counted fds. Past the quota the call fails with
//! `ENOSPC`, as a full disk would, and the store remembers it so that a run that then fails is
//! reported as [`super::Status::DiskLimit`].
//!
//! The same shims enforce the code guard (see `guard`), which they ask before each call,
//! unshare a data file linked from the instance before a call that would change it (see
//! `unshare`): a shared file's times are left as they are on the host, and tell the determinism
//! shims which regular file a successful call created, wrote, truncated or set the times of, for
//! the virtual times the guest sees (see `shims`).
//!
//! The originals are reached through a wasm trampoline (see `shims`), and every call through it
//! gives back the fuel the trampoline used: the quota must not move a fuel count. This module
//! must not change what a successful call does, only refuse calls past the quota.

use wasmtime::{Caller, Engine, Extern, Instance, Linker, Module, Store, TypedFunc, WasmParams, WasmResults};

use super::GuestState;
use super::guard::ERRNO_ACCES;
use super::shims::{FILESTAT_SIZE, FILETYPE_REGULAR_FILE, FileChange, u64_at};

const WASI: &str = "wasi_snapshot_preview1";

const ERRNO_SUCCESS: i32 = 0;
const ERRNO_NOSPC: i32 = 51;
const OFLAGS_CREAT: i32 = 1;
const OFLAGS_EXCL: i32 = 4;
const OFLAGS_TRUNC: i32 = 8;
const FSTFLAGS_ATIM: i32 = 1;
const FSTFLAGS_ATIM_NOW: i32 = 2;
const FSTFLAGS_MTIM: i32 = 4;
const FSTFLAGS_MTIM_NOW: i32 = 8;
const LOOKUPFLAGS_SYMLINK_FOLLOW: i32 = 1;
const IOVEC_SIZE: usize = 8;

/// What creating one file, folder or link costs against the quota: one file-system block.
pub const ENTRY_CHARGE: u64 = 4096;
/// Fuel lent to the trampoline for one call and taken back after.
const TRAMPOLINE_FUEL: u64 = 1_000;

const TRAMPOLINE_WAT: &str = r#"
(module
  (import "wasi" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi" "fd_pwrite" (func $fd_pwrite (param i32 i32 i32 i64 i32) (result i32)))
  (import "wasi" "path_open" (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi" "path_create_directory" (func $path_create_directory (param i32 i32 i32) (result i32)))
  (import "wasi" "path_symlink" (func $path_symlink (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasi" "path_link" (func $path_link (param i32 i32 i32 i32 i32 i32 i32) (result i32)))
  (import "wasi" "fd_close" (func $fd_close (param i32) (result i32)))
  (import "wasi" "fd_renumber" (func $fd_renumber (param i32 i32) (result i32)))
  (import "wasi" "path_rename" (func $path_rename (param i32 i32 i32 i32 i32 i32) (result i32)))
  (import "wasi" "path_filestat_set_times" (func $path_filestat_set_times (param i32 i32 i32 i32 i64 i64 i32) (result i32)))
  (import "wasi" "fd_filestat_set_times" (func $fd_filestat_set_times (param i32 i64 i64 i32) (result i32)))
  (import "wasi" "fd_filestat_set_size" (func $fd_filestat_set_size (param i32 i64) (result i32)))
  (import "guest" "memory" (memory 0))
  (export "memory" (memory 0))
  (func (export "fd_write") (param i32 i32 i32 i32) (result i32)
    local.get 0 local.get 1 local.get 2 local.get 3 call $fd_write)
  (func (export "fd_pwrite") (param i32 i32 i32 i64 i32) (result i32)
    local.get 0 local.get 1 local.get 2 local.get 3 local.get 4 call $fd_pwrite)
  (func (export "path_open") (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)
    local.get 0 local.get 1 local.get 2 local.get 3 local.get 4 local.get 5 local.get 6 local.get 7 local.get 8 call $path_open)
  (func (export "path_create_directory") (param i32 i32 i32) (result i32)
    local.get 0 local.get 1 local.get 2 call $path_create_directory)
  (func (export "path_symlink") (param i32 i32 i32 i32 i32) (result i32)
    local.get 0 local.get 1 local.get 2 local.get 3 local.get 4 call $path_symlink)
  (func (export "path_link") (param i32 i32 i32 i32 i32 i32 i32) (result i32)
    local.get 0 local.get 1 local.get 2 local.get 3 local.get 4 local.get 5 local.get 6 call $path_link)
  (func (export "fd_close") (param i32) (result i32)
    local.get 0 call $fd_close)
  (func (export "fd_renumber") (param i32 i32) (result i32)
    local.get 0 local.get 1 call $fd_renumber)
  (func (export "path_rename") (param i32 i32 i32 i32 i32 i32) (result i32)
    local.get 0 local.get 1 local.get 2 local.get 3 local.get 4 local.get 5 call $path_rename)
  (func (export "path_filestat_set_times") (param i32 i32 i32 i32 i64 i64 i32) (result i32)
    local.get 0 local.get 1 local.get 2 local.get 3 local.get 4 local.get 5 local.get 6 call $path_filestat_set_times)
  (func (export "fd_filestat_set_times") (param i32 i64 i64 i32) (result i32)
    local.get 0 local.get 1 local.get 2 local.get 3 call $fd_filestat_set_times)
  (func (export "fd_filestat_set_size") (param i32 i64) (result i32)
    local.get 0 local.get 1 call $fd_filestat_set_size)
)
"#;

const SHADOWED: [&str; 12] = [
    "fd_write",
    "fd_pwrite",
    "path_open",
    "path_create_directory",
    "path_symlink",
    "path_link",
    "fd_close",
    "fd_renumber",
    "path_rename",
    "path_filestat_set_times",
    "fd_filestat_set_times",
    "fd_filestat_set_size",
];

type PathOpenParams = (i32, i32, i32, i32, i32, i64, i64, i32, i32);

#[derive(Clone)]
struct Originals {
    fd_write: TypedFunc<(i32, i32, i32, i32), i32>,
    fd_pwrite: TypedFunc<(i32, i32, i32, i64, i32), i32>,
    path_open: TypedFunc<PathOpenParams, i32>,
    path_create_directory: TypedFunc<(i32, i32, i32), i32>,
    path_symlink: TypedFunc<(i32, i32, i32, i32, i32), i32>,
    path_link: TypedFunc<(i32, i32, i32, i32, i32, i32, i32), i32>,
    fd_close: TypedFunc<i32, i32>,
    fd_renumber: TypedFunc<(i32, i32), i32>,
    path_rename: TypedFunc<(i32, i32, i32, i32, i32, i32), i32>,
    path_filestat_set_times: TypedFunc<(i32, i32, i32, i32, i64, i64, i32), i32>,
    fd_filestat_set_times: TypedFunc<(i32, i64, i64, i32), i32>,
    fd_filestat_set_size: TypedFunc<(i32, i64), i32>,
}

/// Per-store state of the quota.
pub(super) struct DiskQuota {
    limit: u64,
    used: u64,
    /// Whether a call was refused for the quota.
    pub hit: bool,
    /// Whether fds 0, 1 and 2 are still the original stdio streams (not counted).
    stdio: [bool; 3],
    originals: Option<Originals>,
}

impl DiskQuota {
    pub fn new(limit: u64) -> Self {
        DiskQuota {
            limit,
            used: 0,
            hit: false,
            stdio: [true; 3],
            originals: None,
        }
    }

    fn counts(&self, fd: i32) -> bool {
        !usize::try_from(fd).ok().and_then(|i| self.stdio.get(i)).is_some_and(|s| *s)
    }

    /// Whether `bytes` more fit; a refusal is remembered.
    fn admit(&mut self, bytes: u64) -> bool {
        let fits = self.used.checked_add(bytes).is_some_and(|total| total <= self.limit);
        if !fits {
            self.hit = true;
        }
        fits
    }

    fn charge(&mut self, bytes: u64) {
        self.used = self.used.saturating_add(bytes);
    }

    /// The fd no longer is (or never again will be) an original stdio stream.
    fn forget_stdio(&mut self, fd: i32) {
        if let Some(s) = usize::try_from(fd).ok().and_then(|i| self.stdio.get_mut(i)) {
            *s = false;
        }
    }
}

/// Builds this store's trampoline to the unshadowed functions in `plain`.
pub(super) fn install_originals(
    store: &mut Store<GuestState>,
    plain: &Linker<GuestState>,
    trampoline: &Module,
    guest: &Instance,
) -> wasmtime::Result<()> {
    let instance = super::shims::instantiate_trampoline(store, plain, trampoline, guest, &SHADOWED)?;
    let originals = Originals {
        fd_write: instance.get_typed_func(&mut *store, "fd_write")?,
        fd_pwrite: instance.get_typed_func(&mut *store, "fd_pwrite")?,
        path_open: instance.get_typed_func(&mut *store, "path_open")?,
        path_create_directory: instance.get_typed_func(&mut *store, "path_create_directory")?,
        path_symlink: instance.get_typed_func(&mut *store, "path_symlink")?,
        path_link: instance.get_typed_func(&mut *store, "path_link")?,
        fd_close: instance.get_typed_func(&mut *store, "fd_close")?,
        fd_renumber: instance.get_typed_func(&mut *store, "fd_renumber")?,
        path_rename: instance.get_typed_func(&mut *store, "path_rename")?,
        path_filestat_set_times: instance.get_typed_func(&mut *store, "path_filestat_set_times")?,
        fd_filestat_set_times: instance.get_typed_func(&mut *store, "fd_filestat_set_times")?,
        fd_filestat_set_size: instance.get_typed_func(&mut *store, "fd_filestat_set_size")?,
    };
    store.data_mut().quota.originals = Some(originals);
    Ok(())
}

pub(super) fn compile_trampoline(engine: &Engine) -> wasmtime::Result<Module> {
    Module::new(engine, TRAMPOLINE_WAT)
}

fn originals(caller: &Caller<'_, GuestState>) -> wasmtime::Result<Originals> {
    caller
        .data()
        .quota
        .originals
        .clone()
        .ok_or_else(|| wasmtime::format_err!("WASI called before the sandbox finished setting up"))
}

/// Calls an original through the trampoline without charging the guest for the trampoline.
fn call<P: WasmParams, R: WasmResults>(caller: &mut Caller<'_, GuestState>, f: &TypedFunc<P, R>, params: P) -> wasmtime::Result<R> {
    let fuel = caller.get_fuel()?;
    caller.set_fuel(fuel.saturating_add(TRAMPOLINE_FUEL))?;
    let result = f.call(&mut *caller, params);
    caller.set_fuel(fuel)?;
    result
}

fn read_u32(caller: &mut Caller<'_, GuestState>, ptr: i32) -> Option<u32> {
    let memory = caller.get_export("memory").and_then(Extern::into_memory)?;
    let start = ptr as u32 as usize;
    let bytes = memory.data(&*caller).get(start..start.checked_add(4)?)?;
    Some(u32::from_le_bytes(bytes.try_into().ok()?))
}

/// A path the guest passes (`ptr`, `len`), read only when the code guard covers one of `fds`
/// (most calls are elsewhere: no copy for them); empty if it is not in memory or not UTF-8 (the
/// original then reports the fault, or finds no such file).
fn guarded_path(caller: &mut Caller<'_, GuestState>, fds: &[i32], ptr: i32, len: i32) -> String {
    if !fds.iter().any(|fd| caller.data().guard.covers(*fd)) {
        return String::new();
    }
    let Some(memory) = caller.get_export("memory").and_then(Extern::into_memory) else { return String::new() };
    let start = ptr as u32 as usize;
    let bytes = start.checked_add(len as u32 as usize).and_then(|end| memory.data(&*caller).get(start..end));
    bytes.and_then(|b| String::from_utf8(b.to_vec()).ok()).unwrap_or_default()
}

/// The bytes an iovec array asks to write; `None` if it is not in memory (the original then
/// reports the fault).
fn requested(caller: &mut Caller<'_, GuestState>, iovs: i32, iovs_len: i32) -> Option<u64> {
    let memory = caller.get_export("memory").and_then(Extern::into_memory)?;
    let start = iovs as u32 as usize;
    let len = (iovs_len as u32 as usize).checked_mul(IOVEC_SIZE)?;
    let table = memory.data(&*caller).get(start..start.checked_add(len)?)?;
    Some(table.chunks(IOVEC_SIZE).map(|iov| u64::from(u32::from_le_bytes(iov[4..8].try_into().unwrap()))).sum())
}

/// A write to `fd`: refused past the quota, else done and its bytes counted.
fn write(
    caller: &mut Caller<'_, GuestState>,
    fd: i32,
    (iovs, iovs_len, nwritten): (i32, i32, i32),
    original: impl FnOnce(&mut Caller<'_, GuestState>) -> wasmtime::Result<i32>,
) -> wasmtime::Result<i32> {
    if !caller.data().quota.counts(fd) {
        return original(caller);
    }
    if let Some(bytes) = requested(caller, iovs, iovs_len)
        && !caller.data_mut().quota.admit(bytes)
    {
        return Ok(ERRNO_NOSPC);
    }
    let errno = original(caller)?;
    if errno == ERRNO_SUCCESS
        && let Some(n) = read_u32(caller, nwritten)
    {
        caller.data_mut().quota.charge(u64::from(n));
        if n > 0 {
            let stat = raw_fd_stat(caller, fd)?;
            note_change(caller, stat, FileChange::Written);
        }
    }
    Ok(errno)
}

/// A call that creates one file-system entry (if `creates`): refused past the quota, else
/// done and charged if it succeeded.
fn create(
    caller: &mut Caller<'_, GuestState>,
    creates: bool,
    original: impl FnOnce(&mut Caller<'_, GuestState>) -> wasmtime::Result<i32>,
) -> wasmtime::Result<i32> {
    if creates && !caller.data_mut().quota.admit(ENTRY_CHARGE) {
        return Ok(ERRNO_NOSPC);
    }
    let errno = original(caller)?;
    if creates && errno == ERRNO_SUCCESS {
        caller.data_mut().quota.charge(ENTRY_CHARGE);
    }
    Ok(errno)
}

/// What `unshare` needs of a file, from the original stat (host values, unnormalised).
struct RawStat {
    identity: u64,
    regular: bool,
    nlink: u64,
}

/// Calls an original stat (the determinism shims' trampoline reaches them, unshadowed) that
/// writes a filestat at the pointer it is given, lending it 64 bytes of guest memory (put back after) that do not overlap `avoid` (the path it reads).
/// `None` when the call fails (no such file: what the guest's own call will find too).
fn raw_stat(
    caller: &mut Caller<'_, GuestState>,
    avoid: (u32, u32),
    stat: impl FnOnce(&mut Caller<'_, GuestState>, i32) -> wasmtime::Result<i32>,
) -> wasmtime::Result<Option<RawStat>> {
    let Some(memory) = caller.get_export("memory").and_then(Extern::into_memory) else { return Ok(None) };
    let size = memory.data_size(&*caller) as u64;
    let len = FILESTAT_SIZE as u64;
    let (start, end) = (u64::from(avoid.0), u64::from(avoid.0) + u64::from(avoid.1));
    let buf = [0, end.next_multiple_of(8)].into_iter().find(|&b| b + len <= size && (b + len <= start || b >= end));
    let Some(buf) = buf else { return Ok(None) };
    let at = buf as usize..buf as usize + FILESTAT_SIZE;
    let saved = memory.data(&*caller)[at.clone()].to_vec();
    let errno = stat(caller, buf as i32);
    let bytes = memory.data(&*caller)[at.clone()].to_vec();
    memory.data_mut(&mut *caller)[at].copy_from_slice(&saved);
    if errno? != ERRNO_SUCCESS {
        return Ok(None);
    }
    Ok(Some(RawStat {
        identity: u64_at(&bytes, 8),
        regular: bytes[16] == FILETYPE_REGULAR_FILE,
        nlink: u64_at(&bytes, 24),
    }))
}

fn raw_path_stat(caller: &mut Caller<'_, GuestState>, fd: i32, flags: i32, path: i32, path_len: i32) -> wasmtime::Result<Option<RawStat>> {
    let f = super::shims::originals(caller)?.path_filestat_get;
    raw_stat(caller, (path as u32, path_len as u32), |c, buf| call(c, &f, (fd, flags, path, path_len, buf)))
}

fn raw_fd_stat(caller: &mut Caller<'_, GuestState>, fd: i32) -> wasmtime::Result<Option<RawStat>> {
    let f = super::shims::originals(caller)?.fd_filestat_get;
    raw_stat(caller, (0, 0), |c, buf| call(c, &f, (fd, buf)))
}

/// Tells the determinism shims that the guest just changed what `stat` found, if it is a
/// regular file (folders keep fixed times).
fn note_change(caller: &mut Caller<'_, GuestState>, stat: Option<RawStat>, change: FileChange) {
    if let Some(stat) = stat.filter(|s| s.regular) {
        let now = super::shims::wall_now(caller);
        caller.data_mut().shims.changed(stat.identity, now, change);
    }
}

/// The times a successful `*_filestat_set_times` call sets, at guest time `now`.
fn times_set(now: u64, atim: i64, mtim: i64, fst_flags: i32) -> FileChange {
    let pick = |set: i32, set_now: i32, value: i64| {
        if fst_flags & set_now != 0 {
            Some(now)
        } else if fst_flags & set != 0 {
            Some(value as u64)
        } else {
            None
        }
    };
    FileChange::TimesSet {
        atim: pick(FSTFLAGS_ATIM, FSTFLAGS_ATIM_NOW, atim),
        mtim: pick(FSTFLAGS_MTIM, FSTFLAGS_MTIM_NOW, mtim),
    }
}

/// Whether a stat found a file that may be shared with the instance.
fn shared(caller: &Caller<'_, GuestState>, stat: &Option<RawStat>) -> bool {
    stat.as_ref().is_some_and(|s| s.regular && caller.data().guard.may_share(s.nlink, s.identity))
}

/// Before a call that changes the file `name` (at `path`, `path_len` in guest memory) below the
/// guarded `fd`: makes a file shared with the instance the guest's own (see `unshare`). `Some`
/// errno refuses the call: the file is still shared.
fn unshare_before(caller: &mut Caller<'_, GuestState>, fd: i32, flags: i32, (path, path_len): (i32, i32), name: &str) -> wasmtime::Result<Option<i32>> {
    let before = raw_path_stat(caller, fd, flags, path, path_len)?;
    if !shared(caller, &before) {
        return Ok(None);
    }
    let old = before.map(|s| s.identity).unwrap_or_default();
    let target = caller.data().guard.place(fd).and_then(|p| Some((p.root.clone(), p.below(name)?)));
    let replaced = target.is_some_and(|(root, path)| super::unshare::unshare(&root, &path, flags & LOOKUPFLAGS_SYMLINK_FOLLOW != 0, old).unwrap_or(false));
    let after = raw_path_stat(caller, fd, flags, path, path_len)?;
    if shared(caller, &after) {
        return Ok(Some(ERRNO_ACCES));
    }
    if replaced && let Some(now) = after {
        // The guest's inode numbers stay what they were, as when a copy is written in place.
        caller.data_mut().shims.alias(now.identity, old);
    }
    Ok(None)
}

/// Sets the times of the file `stat` found (below `fd`): on the host through `original`, except
/// for a data file shared with the instance, which keeps its host times (the guest sees virtual
/// times, see `shims`, so it cannot tell); then records the guest's virtual times.
fn set_times(
    caller: &mut Caller<'_, GuestState>,
    fd: i32,
    stat: Option<RawStat>,
    (atim, mtim, fst_flags): (i64, i64, i32),
    original: impl FnOnce(&mut Caller<'_, GuestState>) -> wasmtime::Result<i32>,
) -> wasmtime::Result<i32> {
    let errno = if caller.data().guard.covers(fd) && shared(caller, &stat) {
        ERRNO_SUCCESS
    } else {
        original(caller)?
    };
    if errno == ERRNO_SUCCESS {
        let change = times_set(super::shims::wall_now(caller), atim, mtim, fst_flags);
        note_change(caller, stat, change);
    }
    Ok(errno)
}

/// Shadows the writing WASI functions in `linker` (which must already hold WASI and allow
/// shadowing).
pub(super) fn add_shims(linker: &mut Linker<GuestState>) -> wasmtime::Result<()> {
    linker.func_wrap(
        WASI,
        "fd_write",
        |mut caller: Caller<'_, GuestState>, fd: i32, iovs: i32, iovs_len: i32, nwritten: i32| -> wasmtime::Result<i32> {
            let f = originals(&caller)?.fd_write;
            write(&mut caller, fd, (iovs, iovs_len, nwritten), |c| call(c, &f, (fd, iovs, iovs_len, nwritten)))
        },
    )?;
    linker.func_wrap(
        WASI,
        "fd_pwrite",
        |mut caller: Caller<'_, GuestState>, fd: i32, iovs: i32, iovs_len: i32, offset: i64, nwritten: i32| -> wasmtime::Result<i32> {
            let f = originals(&caller)?.fd_pwrite;
            write(&mut caller, fd, (iovs, iovs_len, nwritten), |c| call(c, &f, (fd, iovs, iovs_len, offset, nwritten)))
        },
    )?;
    linker.func_wrap(
        WASI,
        "path_open",
        |mut caller: Caller<'_, GuestState>,
         fd: i32,
         dirflags: i32,
         path: i32,
         path_len: i32,
         oflags: i32,
         base: i64,
         inheriting: i64,
         fdflags: i32,
         opened: i32|
         -> wasmtime::Result<i32> {
            let f = originals(&caller)?.path_open;
            let params = (fd, dirflags, path, path_len, oflags, base, inheriting, fdflags, opened);
            let name = guarded_path(&mut caller, &[fd], path, path_len);
            if caller.data().guard.refuses_open(fd, &name, oflags, base) {
                return Ok(ERRNO_ACCES);
            }
            let exclusive = oflags & (OFLAGS_CREAT | OFLAGS_EXCL) == OFLAGS_CREAT | OFLAGS_EXCL;
            if caller.data().guard.covers(fd)
                && super::guard::writes(oflags, base)
                && !exclusive
                && let Some(errno) = unshare_before(&mut caller, fd, dirflags, (path, path_len), &name)?
            {
                return Ok(errno);
            }
            let creating = oflags & OFLAGS_CREAT != 0;
            let existed = creating && !exclusive && raw_path_stat(&mut caller, fd, dirflags, path, path_len)?.is_some();
            let errno = create(&mut caller, creating, |c| call(c, &f, params))?;
            if errno == ERRNO_SUCCESS
                && let Some(new_fd) = read_u32(&mut caller, opened)
            {
                caller.data_mut().guard.opened(fd, new_fd as i32, &name);
                let change = if creating && !existed {
                    Some(FileChange::Created)
                } else {
                    (oflags & OFLAGS_TRUNC != 0).then_some(FileChange::Written)
                };
                if let Some(change) = change {
                    let stat = raw_fd_stat(&mut caller, new_fd as i32)?;
                    note_change(&mut caller, stat, change);
                }
            }
            Ok(errno)
        },
    )?;
    linker.func_wrap(
        WASI,
        "path_create_directory",
        |mut caller: Caller<'_, GuestState>, fd: i32, path: i32, path_len: i32| -> wasmtime::Result<i32> {
            let f = originals(&caller)?.path_create_directory;
            create(&mut caller, true, |c| call(c, &f, (fd, path, path_len)))
        },
    )?;
    linker.func_wrap(
        WASI,
        "path_symlink",
        |mut caller: Caller<'_, GuestState>, old: i32, old_len: i32, fd: i32, new: i32, new_len: i32| -> wasmtime::Result<i32> {
            let f = originals(&caller)?.path_symlink;
            let (target, name) = (guarded_path(&mut caller, &[fd], old, old_len), guarded_path(&mut caller, &[fd], new, new_len));
            if caller.data().guard.refuses_link(fd, &target, fd, &name) {
                return Ok(ERRNO_ACCES);
            }
            create(&mut caller, true, |c| call(c, &f, (old, old_len, fd, new, new_len)))
        },
    )?;
    linker.func_wrap(
        WASI,
        "path_link",
        |mut caller: Caller<'_, GuestState>, old_fd: i32, flags: i32, old: i32, old_len: i32, new_fd: i32, new: i32, new_len: i32| -> wasmtime::Result<i32> {
            let f = originals(&caller)?.path_link;
            let (source, name) = (guarded_path(&mut caller, &[old_fd, new_fd], old, old_len), guarded_path(&mut caller, &[old_fd, new_fd], new, new_len));
            if caller.data().guard.refuses_link(old_fd, &source, new_fd, &name) {
                return Ok(ERRNO_ACCES);
            }
            // A file of the guest's own (one name) linked again stays its own: writing it
            // through either name must not unshare it.
            let own = if caller.data().guard.covers(old_fd) {
                raw_path_stat(&mut caller, old_fd, flags, old, old_len)?.filter(|s| s.regular && s.nlink == 1)
            } else {
                None
            };
            let errno = create(&mut caller, true, |c| call(c, &f, (old_fd, flags, old, old_len, new_fd, new, new_len)))?;
            if errno == ERRNO_SUCCESS
                && let Some(own) = own
            {
                caller.data_mut().guard.guest_linked(own.identity);
            }
            Ok(errno)
        },
    )?;
    // A closed stdio fd is reused by the next open: from then on it is a file like any other.
    linker.func_wrap(WASI, "fd_close", |mut caller: Caller<'_, GuestState>, fd: i32| -> wasmtime::Result<i32> {
        let f = originals(&caller)?.fd_close;
        caller.data_mut().quota.forget_stdio(fd);
        let errno = call(&mut caller, &f, fd)?;
        if errno == ERRNO_SUCCESS {
            caller.data_mut().guard.closed(fd);
        }
        Ok(errno)
    })?;
    linker.func_wrap(WASI, "fd_renumber", |mut caller: Caller<'_, GuestState>, from: i32, to: i32| -> wasmtime::Result<i32> {
        let f = originals(&caller)?.fd_renumber;
        caller.data_mut().quota.forget_stdio(from);
        caller.data_mut().quota.forget_stdio(to);
        let errno = call(&mut caller, &f, (from, to))?;
        if errno == ERRNO_SUCCESS {
            caller.data_mut().guard.renumbered(from, to);
        }
        Ok(errno)
    })?;
    linker.func_wrap(
        WASI,
        "path_rename",
        |mut caller: Caller<'_, GuestState>, fd: i32, old: i32, old_len: i32, new_fd: i32, new: i32, new_len: i32| -> wasmtime::Result<i32> {
            let f = originals(&caller)?.path_rename;
            let (from, to) = (guarded_path(&mut caller, &[fd, new_fd], old, old_len), guarded_path(&mut caller, &[fd, new_fd], new, new_len));
            if caller.data().guard.refuses_rename(fd, &from, new_fd, &to) {
                return Ok(ERRNO_ACCES);
            }
            call(&mut caller, &f, (fd, old, old_len, new_fd, new, new_len))
        },
    )?;
    // A code file's times: in a tree whose code is linked from the instance, they are the
    // instance's file's times.
    linker.func_wrap(
        WASI,
        "path_filestat_set_times",
        |mut caller: Caller<'_, GuestState>, fd: i32, flags: i32, path: i32, path_len: i32, atim: i64, mtim: i64, fst_flags: i32| -> wasmtime::Result<i32> {
            let f = originals(&caller)?.path_filestat_set_times;
            let name = guarded_path(&mut caller, &[fd], path, path_len);
            if caller.data().guard.refuses_set_times(fd, &name) {
                return Ok(ERRNO_ACCES);
            }
            let stat = raw_path_stat(&mut caller, fd, flags, path, path_len)?;
            set_times(&mut caller, fd, stat, (atim, mtim, fst_flags), |c| call(c, &f, (fd, flags, path, path_len, atim, mtim, fst_flags)))
        },
    )?;
    linker.func_wrap(
        WASI,
        "fd_filestat_set_times",
        |mut caller: Caller<'_, GuestState>, fd: i32, atim: i64, mtim: i64, fst_flags: i32| -> wasmtime::Result<i32> {
            let f = originals(&caller)?.fd_filestat_set_times;
            if caller.data().guard.refuses_fd_set_times(fd) {
                return Ok(ERRNO_ACCES);
            }
            let stat = raw_fd_stat(&mut caller, fd)?;
            set_times(&mut caller, fd, stat, (atim, mtim, fst_flags), |c| call(c, &f, (fd, atim, mtim, fst_flags)))
        },
    )?;
    linker.func_wrap(
        WASI,
        "fd_filestat_set_size",
        |mut caller: Caller<'_, GuestState>, fd: i32, size: i64| -> wasmtime::Result<i32> {
            let f = originals(&caller)?.fd_filestat_set_size;
            let errno = call(&mut caller, &f, (fd, size))?;
            if errno == ERRNO_SUCCESS {
                let stat = raw_fd_stat(&mut caller, fd)?;
                note_change(&mut caller, stat, FileChange::Written);
            }
            Ok(errno)
        },
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_quota_admits_up_to_its_limit_and_remembers_a_refusal() {
        let mut q = DiskQuota::new(10_000);
        assert!(q.admit(ENTRY_CHARGE));
        q.charge(ENTRY_CHARGE);
        assert!(q.admit(10_000 - ENTRY_CHARGE));
        assert!(!q.hit);
        q.charge(10_000 - ENTRY_CHARGE);
        assert!(q.admit(0));
        assert!(!q.admit(1));
        assert!(q.hit);
        let mut full = DiskQuota::new(u64::MAX);
        full.charge(u64::MAX);
        assert!(!full.admit(1), "no overflow past the largest quota");
    }

    #[test]
    fn set_times_takes_values_now_or_nothing_per_flag() {
        assert_eq!(times_set(9, 1, 2, FSTFLAGS_ATIM | FSTFLAGS_MTIM), FileChange::TimesSet { atim: Some(1), mtim: Some(2) });
        assert_eq!(times_set(9, 1, 2, FSTFLAGS_ATIM_NOW | FSTFLAGS_MTIM_NOW), FileChange::TimesSet { atim: Some(9), mtim: Some(9) });
        assert_eq!(times_set(9, 1, 2, FSTFLAGS_MTIM), FileChange::TimesSet { atim: None, mtim: Some(2) });
        assert_eq!(times_set(9, 1, 2, 0), FileChange::TimesSet { atim: None, mtim: None });
    }

    #[test]
    fn stdio_is_exempt_until_closed_or_renumbered_onto() {
        let mut q = DiskQuota::new(0);
        assert!(!q.counts(1) && !q.counts(2));
        assert!(q.counts(3) && q.counts(-1) && q.counts(i32::MAX));
        q.forget_stdio(1);
        assert!(q.counts(1) && !q.counts(2));
        q.forget_stdio(7);
        assert!(!q.counts(2));
    }
}
