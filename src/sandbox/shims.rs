//! The determinism shims: WASI functions shadowed so that nothing of the host leaks into what a
//! guest computes, and so into its fuel.
//!
//! - clocks read fuel: wall and monotonic time are a fixed base plus fuel consumed (1 fuel = 1 ns)
//!   plus virtual sleep, so `time.perf_counter()` in the guest counts instructions;
//! - `poll_oneoff` on clocks only advances virtual time: nothing really sleeps;
//! - file metadata: inodes are renumbered in first-seen order, device, link counts and directory
//!   sizes are fixed; so are the times of every folder and of every file the guest has not
//!   changed. A regular file the guest creates, writes, truncates or sets the times of has
//!   virtual times ([`FileTimes`]): the guest clock's time of the change, or the times it set. So
//!   code that compares file times (a build that rebuilds what is older than its source) sees
//!   what it would natively, and the host's own times never leak;
//! - directory listings are sorted by name.
//!
//! The originals are reached through a tiny wasm trampoline per store that imports the guest's
//! memory (a host function cannot call another host function that needs the caller's memory).
//! This module must not change what a guest can reach: it only rewrites what the original
//! functions return.

use std::collections::HashMap;

use wasmtime::{Caller, Engine, Extern, Instance, Linker, Memory, Module, Store, TypedFunc};

use super::GuestState;

const WASI: &str = "wasi_snapshot_preview1";

/// 2026-01-01T00:00:00Z: the guest's wall clock when it has consumed no fuel.
pub const WALL_EPOCH_NS: u64 = 1_767_225_600 * 1_000_000_000;
/// The monotonic clock's value when the guest has consumed no fuel.
pub const MONOTONIC_BASE_NS: u64 = 1_000_000_000;
/// The access, modification and change time of every folder, and of every file the guest has
/// not changed.
pub const FIXED_FILE_TIME_NS: u64 = WALL_EPOCH_NS;
const FIXED_DEV: u64 = 1;
const CLOCK_MONOTONIC: i32 = 1;

const ERRNO_SUCCESS: i32 = 0;
const ERRNO_FAULT: i32 = 21;
const ERRNO_INVAL: i32 = 28;

const FILETYPE_DIRECTORY: u8 = 3;
/// WASI's regular-file type in a filestat.
pub(super) const FILETYPE_REGULAR_FILE: u8 = 4;
/// The bytes of a WASI filestat: dev, ino (8), filetype (16), nlink (24), size, times.
pub(super) const FILESTAT_SIZE: usize = 64;
const DIRENT_HEADER: usize = 24;
const SUBSCRIPTION_SIZE: usize = 48;
const EVENT_SIZE: usize = 32;
const EVENTTYPE_CLOCK: u8 = 0;
const SUBCLOCKFLAG_ABSTIME: u16 = 1;

/// The trampoline: wasm functions that call the original WASI functions, so that the originals
/// see a caller with the guest's memory exported.
pub(super) const TRAMPOLINE_WAT: &str = r#"
(module
  (import "wasi" "fd_filestat_get" (func $fd_filestat_get (param i32 i32) (result i32)))
  (import "wasi" "path_filestat_get" (func $path_filestat_get (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasi" "fd_readdir" (func $fd_readdir (param i32 i32 i32 i64 i32) (result i32)))
  (import "wasi" "poll_oneoff" (func $poll_oneoff (param i32 i32 i32 i32) (result i32)))
  (import "guest" "memory" (memory 0))
  (export "memory" (memory 0))
  (func (export "fd_filestat_get") (param i32 i32) (result i32)
    local.get 0 local.get 1 call $fd_filestat_get)
  (func (export "path_filestat_get") (param i32 i32 i32 i32 i32) (result i32)
    local.get 0 local.get 1 local.get 2 local.get 3 local.get 4 call $path_filestat_get)
  (func (export "fd_readdir") (param i32 i32 i32 i64 i32) (result i32)
    local.get 0 local.get 1 local.get 2 local.get 3 local.get 4 call $fd_readdir)
  (func (export "poll_oneoff") (param i32 i32 i32 i32) (result i32)
    local.get 0 local.get 1 local.get 2 local.get 3 call $poll_oneoff)
)
"#;

const SHADOWED: [&str; 4] = ["fd_filestat_get", "path_filestat_get", "fd_readdir", "poll_oneoff"];

/// The original WASI functions, reached through the trampoline.
#[derive(Clone)]
pub(super) struct Originals {
    pub fd_filestat_get: TypedFunc<(i32, i32), i32>,
    pub path_filestat_get: TypedFunc<(i32, i32, i32, i32, i32), i32>,
    fd_readdir: TypedFunc<(i32, i32, i32, i64, i32), i32>,
    poll_oneoff: TypedFunc<(i32, i32, i32, i32), i32>,
}

/// The most monotonic-clock values one run keeps for the host's checks (128 MiB).
pub const CLOCK_LOG_CAP: usize = 1 << 24;

/// Every value the monotonic clock returned to the guest, in order (so non-decreasing): the
/// host checks the measurements a guest reports against it. Past [`CLOCK_LOG_CAP`] values the
/// log stops and says so.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClockLog {
    /// The values, in the order returned.
    pub values: Vec<u64>,
    /// Whether values were dropped past [`CLOCK_LOG_CAP`].
    pub overflowed: bool,
}

impl ClockLog {
    fn push(&mut self, value: u64) {
        if self.values.len() < CLOCK_LOG_CAP {
            self.values.push(value);
        } else {
            self.overflowed = true;
        }
    }

    /// Whether the clock returned `value` to the guest at some point.
    pub fn contains(&self, value: u64) -> bool {
        self.values.binary_search(&value).is_ok()
    }
}

/// Per-store state of the shims.
#[derive(Default)]
pub(super) struct ShimState {
    pub fuel_budget: u64,
    pub slept_ns: u64,
    pub clock_log: ClockLog,
    inodes: HashMap<u64, u64>,
    /// Host inodes that stand for another (a file unshared: see `unshare`).
    aliases: HashMap<u64, u64>,
    /// The virtual times of the regular files the guest changed, by host inode (after aliases).
    times: HashMap<u64, FileTimes>,
    listings: HashMap<i32, Vec<DirEntry>>,
    pub originals: Option<Originals>,
}

/// A regular file's access, modification and status-change times as the guest sees them (ns
/// since the Unix epoch).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct FileTimes {
    pub atim: u64,
    pub mtim: u64,
    pub ctim: u64,
}

impl FileTimes {
    /// A file the guest has not changed.
    pub const FIXED: FileTimes = FileTimes {
        atim: FIXED_FILE_TIME_NS,
        mtim: FIXED_FILE_TIME_NS,
        ctim: FIXED_FILE_TIME_NS,
    };
}

/// How the guest changed a regular file, for its virtual times.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum FileChange {
    /// Created (by `path_open` with `O_CREAT`, the file not there before): all three times.
    Created,
    /// Content written or truncated: modification and change time.
    Written,
    /// Times set (`utime`); `None` leaves that time as it was. The change time moves too.
    TimesSet { atim: Option<u64>, mtim: Option<u64> },
}

#[derive(Clone)]
struct DirEntry {
    ino: u64,
    kind: u8,
    name: Vec<u8>,
}

impl ShimState {
    pub fn new(fuel_budget: u64) -> Self {
        ShimState {
            fuel_budget,
            ..Default::default()
        }
    }

    /// The guest's inode for a host inode hash: 1, 2, 3... in the order the guest first sees them.
    fn inode(&mut self, host: u64) -> u64 {
        let host = self.aliases.get(&host).copied().unwrap_or(host);
        let next = self.inodes.len() as u64 + 1;
        *self.inodes.entry(host).or_insert(next)
    }

    /// The host inode hash `new` now stands for `old`: the guest sees one inode, as it would
    /// have had the file been written in place.
    pub fn alias(&mut self, new: u64, old: u64) {
        let old = self.canonical(old);
        self.aliases.insert(new, old);
    }

    fn canonical(&self, host: u64) -> u64 {
        self.aliases.get(&host).copied().unwrap_or(host)
    }

    /// The times the guest sees for the regular file with host inode hash `host`.
    pub fn file_times(&self, host: u64) -> FileTimes {
        self.times.get(&self.canonical(host)).copied().unwrap_or(FileTimes::FIXED)
    }

    /// The guest changed the regular file `host` at guest wall-clock time `now`.
    pub fn changed(&mut self, host: u64, now: u64, change: FileChange) {
        let key = self.canonical(host);
        let old = self.file_times(key);
        let new = match change {
            FileChange::Created => FileTimes { atim: now, mtim: now, ctim: now },
            FileChange::Written => FileTimes { mtim: now, ctim: now, ..old },
            FileChange::TimesSet { atim, mtim } => FileTimes {
                atim: atim.unwrap_or(old.atim),
                mtim: mtim.unwrap_or(old.mtim),
                ctim: now,
            },
        };
        self.times.insert(key, new);
    }
}

/// Instantiates a trampoline module in `store`: it imports the unshadowed WASI functions
/// `names` from `plain` and the memory of the guest instance `guest`, and exports the same
/// names, so a host function can reach an original with the guest's memory in scope. Shared by
/// the determinism shims and the disk quota.
pub(super) fn instantiate_trampoline(
    store: &mut Store<GuestState>,
    plain: &Linker<GuestState>,
    trampoline: &Module,
    guest: &Instance,
    names: &[&str],
) -> wasmtime::Result<Instance> {
    let memory = guest
        .get_memory(&mut *store, "memory")
        .ok_or_else(|| wasmtime::format_err!("the runtime module exports no `memory`"))?;
    let mut imports: Vec<Extern> = Vec::new();
    for name in names {
        imports.push(plain.get(&mut *store, WASI, name)?);
    }
    imports.push(memory.into());
    Instance::new(&mut *store, trampoline, &imports)
}

/// Builds the trampoline for a store whose guest instance is `guest`, from the unshadowed WASI
/// functions in `plain`.
pub(super) fn install_originals(
    store: &mut Store<GuestState>,
    plain: &Linker<GuestState>,
    trampoline: &Module,
    guest: &Instance,
) -> wasmtime::Result<()> {
    let instance = instantiate_trampoline(store, plain, trampoline, guest, &SHADOWED)?;
    let originals = Originals {
        fd_filestat_get: instance.get_typed_func(&mut *store, "fd_filestat_get")?,
        path_filestat_get: instance.get_typed_func(&mut *store, "path_filestat_get")?,
        fd_readdir: instance.get_typed_func(&mut *store, "fd_readdir")?,
        poll_oneoff: instance.get_typed_func(&mut *store, "poll_oneoff")?,
    };
    store.data_mut().shims.originals = Some(originals);
    Ok(())
}

pub(super) fn compile_trampoline(engine: &Engine) -> wasmtime::Result<Module> {
    Module::new(engine, TRAMPOLINE_WAT)
}

pub(super) fn originals(caller: &Caller<'_, GuestState>) -> wasmtime::Result<Originals> {
    caller
        .data()
        .shims
        .originals
        .clone()
        .ok_or_else(|| wasmtime::format_err!("WASI called before the sandbox finished setting up"))
}

fn guest_memory(caller: &mut Caller<'_, GuestState>) -> wasmtime::Result<Memory> {
    caller
        .get_export("memory")
        .and_then(Extern::into_memory)
        .ok_or_else(|| wasmtime::format_err!("the guest exports no `memory`"))
}

fn slice(data: &[u8], ptr: u32, len: usize) -> Option<&[u8]> {
    data.get(ptr as usize..(ptr as usize).checked_add(len)?)
}

fn slice_mut(data: &mut [u8], ptr: u32, len: usize) -> Option<&mut [u8]> {
    data.get_mut(ptr as usize..(ptr as usize).checked_add(len)?)
}

pub(super) fn u64_at(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(b[at..at + 8].try_into().unwrap())
}

fn put_u64(b: &mut [u8], at: usize, v: u64) {
    b[at..at + 8].copy_from_slice(&v.to_le_bytes());
}

/// The guest's wall-clock time (ns since the Unix epoch): what `time.time_ns()` would return now.
pub(super) fn wall_now(caller: &Caller<'_, GuestState>) -> u64 {
    clock_now(caller, 0).unwrap_or(WALL_EPOCH_NS)
}

/// The guest's time on `clock_id`, or `None` for an unknown clock.
fn clock_now(caller: &Caller<'_, GuestState>, clock_id: u32) -> Option<u64> {
    let state = &caller.data().shims;
    let remaining = caller.get_fuel().unwrap_or(0);
    let consumed = state.fuel_budget.saturating_sub(remaining);
    match clock_id {
        0 => Some(WALL_EPOCH_NS + consumed + state.slept_ns),
        1 => Some(MONOTONIC_BASE_NS + consumed + state.slept_ns),
        // Process and thread CPU time: work done, not time slept.
        2 | 3 => Some(consumed),
        _ => None,
    }
}

/// Rewrites a filestat the original wrote at `ptr`.
fn normalize_filestat(caller: &mut Caller<'_, GuestState>, ptr: u32) -> wasmtime::Result<i32> {
    let memory = guest_memory(caller)?;
    let (data, state) = memory.data_and_store_mut(caller);
    let Some(stat) = slice_mut(data, ptr, FILESTAT_SIZE) else {
        return Ok(ERRNO_FAULT);
    };
    let host = u64_at(stat, 8);
    let ino = state.shims.inode(host);
    put_u64(stat, 0, FIXED_DEV);
    put_u64(stat, 8, ino);
    put_u64(stat, 24, 1); // nlink: directories count their subfolders differently per file system
    if stat[16] == FILETYPE_DIRECTORY {
        put_u64(stat, 32, 0); // a directory's size is the file system's business
    }
    let times = if stat[16] == FILETYPE_REGULAR_FILE { state.shims.file_times(host) } else { FileTimes::FIXED };
    put_u64(stat, 40, times.atim);
    put_u64(stat, 48, times.mtim);
    put_u64(stat, 56, times.ctim);
    Ok(ERRNO_SUCCESS)
}

/// Reads every entry of directory `fd` through the original, using the guest's buffer as
/// scratch. `None` when the buffer cannot hold even one entry (the guest will retry bigger).
fn read_whole_directory(
    caller: &mut Caller<'_, GuestState>,
    original: &TypedFunc<(i32, i32, i32, i64, i32), i32>,
    (fd, buf, buf_len, bufused_ptr): (i32, i32, i32, i32),
) -> wasmtime::Result<Result<Option<Vec<DirEntry>>, i32>> {
    let memory = guest_memory(caller)?;
    let mut entries = Vec::new();
    let mut cookie: u64 = 0;
    loop {
        let errno = original.call(&mut *caller, (fd, buf, buf_len, cookie as i64, bufused_ptr))?;
        if errno != ERRNO_SUCCESS {
            return Ok(Err(errno));
        }
        let data = memory.data(&*caller);
        let Some(used) = slice(data, bufused_ptr as u32, 4) else {
            return Ok(Err(ERRNO_FAULT));
        };
        let used = u32::from_le_bytes(used.try_into().unwrap()) as usize;
        let Some(bytes) = slice(data, buf as u32, used) else {
            return Ok(Err(ERRNO_FAULT));
        };
        let before = entries.len();
        let mut at = 0;
        while at + DIRENT_HEADER <= bytes.len() {
            let namlen = u32::from_le_bytes(bytes[at + 16..at + 20].try_into().unwrap()) as usize;
            if at + DIRENT_HEADER + namlen > bytes.len() {
                break;
            }
            cookie = u64_at(bytes, at);
            entries.push(DirEntry {
                ino: u64_at(bytes, at + 8),
                kind: bytes[at + 20],
                name: bytes[at + DIRENT_HEADER..at + DIRENT_HEADER + namlen].to_vec(),
            });
            at += DIRENT_HEADER + namlen;
        }
        if used < buf_len as usize {
            return Ok(Ok(Some(entries)));
        }
        if entries.len() == before {
            return Ok(Ok(None));
        }
    }
}

fn sort_entries(entries: &mut [DirEntry]) {
    entries.sort_by(|a, b| {
        let rank = |e: &DirEntry| match e.name.as_slice() {
            b"." => 0,
            b".." => 1,
            _ => 2,
        };
        rank(a).cmp(&rank(b)).then_with(|| a.name.cmp(&b.name))
    });
}

fn fd_readdir(
    mut caller: Caller<'_, GuestState>,
    fd: i32,
    buf: i32,
    buf_len: i32,
    cookie: i64,
    bufused_ptr: i32,
) -> wasmtime::Result<i32> {
    let original = originals(&caller)?.fd_readdir;
    let cookie = cookie as u64;
    let cached = cookie != 0 && caller.data().shims.listings.contains_key(&fd);
    if !cached {
        match read_whole_directory(&mut caller, &original, (fd, buf, buf_len, bufused_ptr))? {
            Err(errno) => return Ok(errno),
            Ok(None) => {
                // Too small a buffer for one entry: let the original say so, as it would.
                caller.data_mut().shims.listings.remove(&fd);
                return original.call(&mut caller, (fd, buf, buf_len, cookie as i64, bufused_ptr));
            }
            Ok(Some(mut entries)) => {
                sort_entries(&mut entries);
                let shims = &mut caller.data_mut().shims;
                for e in &mut entries {
                    e.ino = shims.inode(e.ino);
                }
                shims.listings.insert(fd, entries);
            }
        }
    }
    let memory = guest_memory(&mut caller)?;
    let (data, state) = memory.data_and_store_mut(&mut caller);
    let entries = &state.shims.listings[&fd];
    let Some(out) = slice_mut(data, buf as u32, buf_len as usize) else {
        return Ok(ERRNO_FAULT);
    };
    let mut written = 0usize;
    for (i, e) in entries.iter().enumerate().skip(cookie as usize) {
        let mut record = Vec::with_capacity(DIRENT_HEADER + e.name.len());
        record.extend_from_slice(&(i as u64 + 1).to_le_bytes());
        record.extend_from_slice(&e.ino.to_le_bytes());
        record.extend_from_slice(&(e.name.len() as u32).to_le_bytes());
        record.extend_from_slice(&[e.kind, 0, 0, 0]);
        record.extend_from_slice(&e.name);
        let room = out.len() - written;
        let n = record.len().min(room);
        out[written..written + n].copy_from_slice(&record[..n]);
        written += n;
        if n < record.len() {
            break;
        }
    }
    let Some(used) = slice_mut(data, bufused_ptr as u32, 4) else {
        return Ok(ERRNO_FAULT);
    };
    used.copy_from_slice(&(written as u32).to_le_bytes());
    Ok(ERRNO_SUCCESS)
}

fn poll_oneoff(
    mut caller: Caller<'_, GuestState>,
    in_ptr: i32,
    out_ptr: i32,
    nsubscriptions: i32,
    nevents_ptr: i32,
) -> wasmtime::Result<i32> {
    if nsubscriptions <= 0 {
        return Ok(ERRNO_INVAL);
    }
    let memory = guest_memory(&mut caller)?;
    let n = nsubscriptions as usize;
    let Some(subs) = slice(memory.data(&caller), in_ptr as u32, n * SUBSCRIPTION_SIZE).map(<[u8]>::to_vec) else {
        return Ok(ERRNO_FAULT);
    };
    let all_clocks = subs.chunks(SUBSCRIPTION_SIZE).all(|s| s[8] == EVENTTYPE_CLOCK);
    if !all_clocks {
        // Readiness of files and stdio: nothing here waits on the outside world.
        let original = originals(&caller)?.poll_oneoff;
        return original.call(&mut caller, (in_ptr, out_ptr, nsubscriptions, nevents_ptr));
    }
    let mut waits = Vec::with_capacity(n);
    for s in subs.chunks(SUBSCRIPTION_SIZE) {
        let clock_id = u32::from_le_bytes(s[16..20].try_into().unwrap());
        let timeout = u64_at(s, 24);
        let flags = u16::from_le_bytes(s[40..42].try_into().unwrap());
        let Some(now) = clock_now(&caller, clock_id) else {
            return Ok(ERRNO_INVAL);
        };
        let wait = if flags & SUBCLOCKFLAG_ABSTIME != 0 {
            timeout.saturating_sub(now)
        } else {
            timeout
        };
        waits.push((u64_at(s, 0), wait));
    }
    let shortest = waits.iter().map(|w| w.1).min().expect("at least one subscription");
    caller.data_mut().shims.slept_ns += shortest;
    let fired: Vec<u64> = waits.iter().filter(|w| w.1 == shortest).map(|w| w.0).collect();
    let data = memory.data_mut(&mut caller);
    let Some(events) = slice_mut(data, out_ptr as u32, fired.len() * EVENT_SIZE) else {
        return Ok(ERRNO_FAULT);
    };
    events.fill(0);
    for (i, userdata) in fired.iter().enumerate() {
        let e = &mut events[i * EVENT_SIZE..(i + 1) * EVENT_SIZE];
        put_u64(e, 0, *userdata);
        e[10] = EVENTTYPE_CLOCK;
    }
    let Some(nevents) = slice_mut(data, nevents_ptr as u32, 4) else {
        return Ok(ERRNO_FAULT);
    };
    nevents.copy_from_slice(&(fired.len() as u32).to_le_bytes());
    Ok(ERRNO_SUCCESS)
}

/// Shadows the WASI functions in `linker` (which must already hold WASI and allow shadowing).
pub(super) fn add_shims(linker: &mut Linker<GuestState>) -> wasmtime::Result<()> {
    linker.func_wrap(
        WASI,
        "clock_time_get",
        |mut caller: Caller<'_, GuestState>, clock_id: i32, _precision: i64, out: i32| -> wasmtime::Result<i32> {
            let Some(now) = clock_now(&caller, clock_id as u32) else {
                return Ok(ERRNO_INVAL);
            };
            let memory = guest_memory(&mut caller)?;
            match slice_mut(memory.data_mut(&mut caller), out as u32, 8) {
                Some(dst) => {
                    dst.copy_from_slice(&now.to_le_bytes());
                    if clock_id == CLOCK_MONOTONIC {
                        caller.data_mut().shims.clock_log.push(now);
                    }
                    Ok(ERRNO_SUCCESS)
                }
                None => Ok(ERRNO_FAULT),
            }
        },
    )?;
    linker.func_wrap(
        WASI,
        "clock_res_get",
        |mut caller: Caller<'_, GuestState>, clock_id: i32, out: i32| -> wasmtime::Result<i32> {
            if clock_now(&caller, clock_id as u32).is_none() {
                return Ok(ERRNO_INVAL);
            }
            let memory = guest_memory(&mut caller)?;
            match slice_mut(memory.data_mut(&mut caller), out as u32, 8) {
                Some(dst) => {
                    dst.copy_from_slice(&1u64.to_le_bytes());
                    Ok(ERRNO_SUCCESS)
                }
                None => Ok(ERRNO_FAULT),
            }
        },
    )?;
    linker.func_wrap(
        WASI,
        "fd_filestat_get",
        |mut caller: Caller<'_, GuestState>, fd: i32, buf: i32| -> wasmtime::Result<i32> {
            let original = originals(&caller)?.fd_filestat_get;
            match original.call(&mut caller, (fd, buf))? {
                ERRNO_SUCCESS => normalize_filestat(&mut caller, buf as u32),
                errno => Ok(errno),
            }
        },
    )?;
    linker.func_wrap(
        WASI,
        "path_filestat_get",
        |mut caller: Caller<'_, GuestState>, fd: i32, flags: i32, path: i32, path_len: i32, buf: i32| -> wasmtime::Result<i32> {
            let original = originals(&caller)?.path_filestat_get;
            match original.call(&mut caller, (fd, flags, path, path_len, buf))? {
                ERRNO_SUCCESS => normalize_filestat(&mut caller, buf as u32),
                errno => Ok(errno),
            }
        },
    )?;
    linker.func_wrap(WASI, "fd_readdir", fd_readdir)?;
    linker.func_wrap(WASI, "poll_oneoff", poll_oneoff)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listings_sort_dot_entries_first_then_by_bytes() {
        let mk = |n: &str| DirEntry {
            ino: 0,
            kind: 0,
            name: n.as_bytes().to_vec(),
        };
        let mut v = vec![mk("b"), mk(".."), mk("A"), mk("."), mk(".hidden"), mk("a")];
        sort_entries(&mut v);
        let names: Vec<_> = v.iter().map(|e| String::from_utf8(e.name.clone()).unwrap()).collect();
        assert_eq!(names, [".", "..", ".hidden", "A", "a", "b"]);
    }

    #[test]
    fn inodes_are_numbered_in_first_seen_order() {
        let mut s = ShimState::new(0);
        assert_eq!(s.inode(987), 1);
        assert_eq!(s.inode(5), 2);
        assert_eq!(s.inode(987), 1);
        // An unshared file keeps its number, and takes none of its own.
        s.alias(31, 5);
        s.alias(32, 31);
        assert_eq!((s.inode(31), s.inode(32), s.inode(7)), (2, 2, 3));
        s.alias(40, 8);
        assert_eq!((s.inode(40), s.inode(8), s.inode(9)), (4, 4, 5), "numbered when first seen, under either name");
    }

    #[test]
    fn file_times_follow_the_changes_and_survive_unsharing() {
        let mut s = ShimState::new(0);
        let t = FIXED_FILE_TIME_NS;
        assert_eq!(s.file_times(7), FileTimes::FIXED, "an unchanged file shows the fixed time");
        s.changed(7, t + 10, FileChange::Written);
        assert_eq!(s.file_times(7), FileTimes { atim: t, mtim: t + 10, ctim: t + 10 });
        s.changed(7, t + 20, FileChange::TimesSet { atim: Some(5), mtim: None });
        assert_eq!(s.file_times(7), FileTimes { atim: 5, mtim: t + 10, ctim: t + 20 });
        s.changed(7, t + 30, FileChange::TimesSet { atim: None, mtim: Some(6) });
        assert_eq!(s.file_times(7), FileTimes { atim: 5, mtim: 6, ctim: t + 30 });
        // Unshared: the copy keeps the times, and later changes reach both names.
        s.alias(8, 7);
        assert_eq!(s.file_times(8), FileTimes { atim: 5, mtim: 6, ctim: t + 30 });
        s.changed(8, t + 40, FileChange::Written);
        assert_eq!(s.file_times(7).mtim, t + 40);
        // A new file on a reused inode starts afresh.
        s.changed(9, t + 1, FileChange::Written);
        s.changed(9, t + 50, FileChange::Created);
        assert_eq!(s.file_times(9), FileTimes { atim: t + 50, mtim: t + 50, ctim: t + 50 });
        assert_eq!(s.file_times(10), FileTimes::FIXED);
    }
}
