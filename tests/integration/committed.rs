//! The runtimes sweperf builds itself (`python-3.11-o2` and `python-3.13-o2`, recipes in
//! runtimes/build/cpython-3.11/ and cpython-3.13/; `python-3.11-o2-full` and
//! `python-3.13-o2-full` with zlib, bz2, lzma and sqlite3, recipe in cpython-full/): each comes
//! from the repository's compressed files with no download, runs, runs pytest, gives the same
//! fuel twice, and a damaged or different artifact is refused.

use std::fs;
use std::sync::Mutex;

use sweperf::runtime::{self, Progress, committed};
use sweperf::{Error, Home, Sandbox};

use crate::util::*;

const O2: &str = PY311_O2;
const O2_313: &str = PY313_O2;
const FULL: [&str; 2] = [PY311_O2_FULL, PY313_O2_FULL];

/// `rt` starts from its own standard library (both landmarks found, so nothing on stderr), with
/// the build date its recipe pins and the compiler it names.
fn runs_with_its_own_standard_library(rt: &str, version: &str, imports: &str, built: &str) {
    let o = Guest::new(rt)
        .code(&format!("import sys, sysconfig, json, decimal{imports}; print('hello', sys.version_info[:3], sys.platform, sysconfig.get_config_var('HOST_GNU_TYPE'), sys.flags.optimize)"))
        .env("PYTHONWARNINGS", "ignore")
        .run_ok();
    let dotted = version.replace('.', ", ");
    assert_eq!(o.stdout, format!("hello ({dotted}) wasi wasm32-unknown-wasi 0\n"), "{}", o.stderr);
    // The standard library comes from the committed archive, unpacked and mounted.
    let o = Guest::new(rt).code("import json, sys; print(json.__file__); print(sys.version)").run_ok();
    let minor = version.rsplit_once('.').unwrap().0;
    assert!(o.stdout.starts_with(&format!("/usr/local/lib/python{minor}/json/__init__.py\n")), "{}", o.stdout);
    // Both landmarks are found: no "Could not find platform ... libraries" on stderr.
    assert_eq!(o.stderr, "");
    assert!(o.stdout.contains(built) && o.stdout.contains("Clang 16.0.6"), "{}", o.stdout);
}

#[test]
fn hello_world_with_its_own_standard_library() {
    runs_with_its_own_standard_library(O2, "3.11.2", ", distutils", "Feb  7 2023, 13:37:00");
    // 3.13's C decimal module is the bundled libmpdec's (there is no system one for WASI).
    runs_with_its_own_standard_library(O2_313, "3.13.5", ", _decimal", "Jun 11 2025, 15:36:57");
    // The full builds: the same sources and pins, so the same build dates.
    runs_with_its_own_standard_library(PY311_O2_FULL, "3.11.2", ", distutils, zlib, _bz2, _lzma, _sqlite3", "Feb  7 2023, 13:37:00");
    runs_with_its_own_standard_library(PY313_O2_FULL, "3.13.5", ", _decimal, zlib, _bz2, _lzma, _sqlite3", "Jun 11 2025, 15:36:57");
}

/// What the full builds add, used the way libraries use it: the compression modules round-trip
/// (zlib through gzip and zipfile's deflate, bz2 and lzma through tarfile), `binascii.crc32` is
/// zlib's, and sqlite3 works in memory and on a file in the guest's /tmp (SQLite's default VFS is
/// the lock-free "unix-none": WASI has no file locks). The libraries are the pinned Debian
/// bookworm releases, and the runtimes without them still lack them.
#[test]
fn the_full_builds_compress_and_run_sqlite() {
    let code = r#"
import binascii, bz2, gzip, io, lzma, sqlite3, tarfile, zipfile, zlib
data = b"sweperf " * 5000 + bytes(range(256))
assert zlib.decompress(zlib.compress(data, 9)) == data
assert gzip.decompress(gzip.compress(data)) == data
assert bz2.decompress(bz2.compress(data)) == data
assert lzma.decompress(lzma.compress(data)) == data
assert lzma.decompress(lzma.compress(data, format=lzma.FORMAT_ALONE)) == data
assert binascii.crc32(data) == zlib.crc32(data)
buf = io.BytesIO()
with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as z:
    z.writestr("a.txt", data)
assert zipfile.ZipFile(buf).read("a.txt") == data
for mode in ("gz", "bz2", "xz"):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:" + mode) as t:
        info = tarfile.TarInfo("a.bin"); info.size = len(data)
        t.addfile(info, io.BytesIO(data))
    buf.seek(0)
    with tarfile.open(fileobj=buf, mode="r:" + mode) as t:
        assert t.extractfile("a.bin").read() == data
for path in (":memory:", "/tmp/t.db"):
    con = sqlite3.connect(path)
    con.execute("create table t (k integer primary key, v text)")
    con.executemany("insert into t (v) values (?)", [(str(i),) for i in range(1000)])
    con.commit()
    assert con.execute("select count(*), sum(length(v)) from t").fetchone() == (1000, 2890)
    con.close()
con = sqlite3.connect("/tmp/t.db")
assert con.execute("select max(k) from t").fetchone() == (1000,)
print(zlib.ZLIB_VERSION, sqlite3.sqlite_version, "ok")
"#;
    for rt in FULL {
        let o = Guest::new(rt).code(code).run_ok();
        assert_eq!(o.stdout, "1.2.13 3.40.1 ok\n", "{rt}: {}", o.stderr);
    }
    for rt in [O2, O2_313] {
        let o = Guest::new(rt).code("import zlib").run();
        assert!(o.stderr.contains("No module named 'zlib'"), "{rt}: {}", o.stderr);
    }
}

fn pytest_runs(rt: &str, test_file: &str) {
    let o = Guest::new(rt).code("import pytest; print(pytest.__version__, pytest.__file__)").run_ok();
    assert!(o.stdout.starts_with("9.2.0 /sweperf/site/pytest/"), "{}", o.stdout);
    let repo = tempfile::tempdir().unwrap();
    write_tree(repo.path(), &[("test_it.py", test_file)]);
    let o = Guest::new(rt)
        .mount(repo.path(), "/repo", sweperf::Access::ReadOnly)
        .cwd("/repo")
        .args(&["-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:faulthandler", "--capture=sys", "--basetemp=/tmp/bt", "/repo/test_it.py"])
        .run_ok();
    assert!(o.stdout.contains("1 passed"), "{}", o.stdout);
}

#[test]
fn pytest_imports_and_runs_from_the_toolchain_mount() {
    pytest_runs(O2, "import distutils.version\n\ndef test_one():\n    assert sorted({3, 1, 2}) == [1, 2, 3]\n");
    pytest_runs(O2_313, "import decimal\n\ndef test_one():\n    assert sorted({3, 1, 2}) == [1, 2, 3]\n");
    for rt in FULL {
        pytest_runs(rt, "import gzip\n\ndef test_one(tmp_path):\n    (tmp_path / 'a.gz').write_bytes(gzip.compress(b'x' * 100))\n    assert gzip.decompress((tmp_path / 'a.gz').read_bytes()) == b'x' * 100\n");
    }
}

#[test]
fn same_fuel_twice() {
    let code = "d = {i: i * i for i in range(20000)}\nprint(sum(d.values()), sorted(set('sweperf')))";
    for rt in [O2, O2_313].into_iter().chain(FULL) {
        let a = Guest::new(rt).code(code).run_ok();
        let b = Guest::new(rt).code(code).run_ok();
        assert_eq!(a.stdout, b.stdout);
        assert_eq!(a.fuel, b.fuel);
        assert!(a.fuel > 0);
    }
}

/// The committed bytes are the contract: a damaged compressed file, or one that decompresses
/// to anything but the pinned bytes (another machine's rebuild), never reaches the cache.
#[test]
fn a_damaged_or_different_artifact_is_refused() {
    let manifest = runtime::find_runtime(O2).unwrap();
    let c = manifest.committed.as_ref().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("python.wasm");
    let good = committed::compressed(c, &manifest.module.member).unwrap();

    // One byte flipped in the middle of the compressed stream.
    let mut damaged = good.to_vec();
    let mid = damaged.len() / 2;
    damaged[mid] ^= 0x55;
    let err = committed::unpack(&damaged[..], &dest, &manifest.module.sha256).unwrap_err();
    assert!(matches!(err, Error::HashMismatch { .. } | Error::BadInput { .. }), "{err}");
    assert!(!dest.exists());

    // A well-formed file with other content: the standard library where the module should be.
    let other = committed::compressed(c, &manifest.mounts[0].member).unwrap();
    let err = committed::unpack(other, &dest, &manifest.module.sha256).unwrap_err();
    assert!(matches!(err, Error::HashMismatch { .. }), "{err}");
    assert!(!dest.exists());

    // The real one passes.
    committed::unpack(good, &dest, &manifest.module.sha256).unwrap();
    assert_eq!(runtime::sha256_file(&dest).unwrap(), manifest.module.sha256);
}

/// A file of the unpacked standard library damaged in the cache is detected and unpacked again
/// from the repository's copy; nothing of the runtime is downloaded.
#[test]
fn a_damaged_cache_copy_is_replaced_from_the_repository() {
    // A private home with only the toolchain's wheels (pytest is mounted into every runtime).
    runtime(O2);
    let shared = Home::from_env().unwrap();
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("downloads")).unwrap();
    for w in runtime::toolchain().unwrap().wheels {
        fs::copy(shared.root().join("downloads").join(&w.wheel), dir.path().join("downloads").join(&w.wheel)).unwrap();
    }
    // And the compiled module, so the test does not compile the runtime again.
    fs::create_dir_all(dir.path().join("modules")).unwrap();
    for entry in fs::read_dir(shared.root().join("modules")).unwrap() {
        let entry = entry.unwrap();
        if entry.file_name().to_string_lossy().starts_with(&format!("{O2}-")) {
            fs::copy(entry.path(), dir.path().join("modules").join(entry.file_name())).unwrap();
        }
    }
    let home = Home::new(dir.path());
    let run = |home: &Home| {
        runtime::forget_verified();
        let events = Mutex::new(Vec::new());
        let sandbox = Sandbox::new(home.clone()).unwrap();
        let rt = sandbox.runtime(O2, &|p: &Progress| events.lock().unwrap().push(format!("{p:?}"))).unwrap();
        let o = sandbox.run(&rt, &sweperf::RunRequest::new(["-c", "import json; print(json.dumps([6 * 7]))"])).unwrap();
        assert_eq!(o.stdout, "[42]\n", "{}", o.stderr);
        (events.into_inner().unwrap(), rt.provisioned.clone())
    };
    let (events, provisioned) = run(&home);
    assert!(!events.iter().any(|e| e.starts_with("Downloading")), "{events:?}");
    assert!(events.iter().any(|e| e.contains("stdlib.zip.zst")), "{events:?}");
    let (tree, guest) = &provisioned.mounts[0];
    assert_eq!(guest, "/usr/local/lib/python3.11");
    let json = tree.join("json/__init__.py");
    let original = fs::read_to_string(&json).unwrap();
    fs::write(&json, "raise SystemExit('tampered')\n").unwrap();
    let (events, _) = run(&home);
    assert!(events.iter().any(|e| e.contains("stdlib.zip.zst")), "{events:?}");
    assert_eq!(fs::read_to_string(&json).unwrap(), original);
}
