//! The guest reaches nothing but its mounts and its scratch folder.

use std::net::TcpListener;

use sweperf::Access;

use crate::util::*;

/// Prints one line per attempt: `name: ok ...` if it succeeded, `name: denied <error>` if not.
const ATTEMPT: &str = r#"
def attempt(name, fn):
    try:
        result = fn()
        print(f"{name}: ok {result!r}"[:200])
    except Exception as e:
        print(f"{name}: denied {type(e).__name__}")
"#;

fn attempts(runtime: &str, body: &str, mounts: &[(&std::path::Path, &str, Access)]) -> String {
    let mut g = Guest::new(runtime).code(&format!("{ATTEMPT}\n{body}"));
    for (host, guest, access) in mounts {
        g = g.mount(host, guest, *access);
    }
    let o = g.run_ok();
    o.stdout
}

fn assert_denied(report: &str, names: &[&str]) {
    for name in names {
        let line = report
            .lines()
            .find(|l| l.starts_with(&format!("{name}:")))
            .unwrap_or_else(|| panic!("no attempt `{name}` in:\n{report}"));
        assert!(line.starts_with(&format!("{name}: denied")), "escape `{name}` succeeded: {line}\n{report}");
    }
}

fn assert_allowed(report: &str, name: &str) {
    assert!(report.lines().any(|l| l.starts_with(&format!("{name}: ok"))), "`{name}` should work:\n{report}");
}

#[test]
fn host_files_and_dot_dot_escapes_are_unreachable() {
    let work = tempfile::tempdir().unwrap();
    write_tree(work.path(), &[("inside.txt", "inside")]);
    for rt in ALL_RUNTIMES {
        let report = attempts(
            rt,
            r#"
import os
attempt("inside", lambda: open('/work/inside.txt').read())
attempt("passwd", lambda: open('/etc/passwd').read())
attempt("dotdot", lambda: open('/work/../etc/passwd').read())
attempt("dotdot_deep", lambda: open('/work/../../../../etc/passwd').read())
attempt("dotdot_list", lambda: os.listdir('/work/../..'))
os.chdir('/work')
attempt("relative", lambda: open('../../../etc/passwd').read())
attempt("proc", lambda: open('/proc/self/environ').read())
attempt("root_listing", lambda: [n for n in os.listdir('/') if n in ('etc', 'home', 'root', 'proc')] or 1 / 0)
"#,
            &[(work.path(), "/work", Access::ReadOnly)],
        );
        assert_allowed(&report, "inside");
        assert_denied(&report, &["passwd", "dotdot", "dotdot_deep", "relative", "proc", "root_listing"]);
        // `..` at the top of a mount stays at the guest's own root, which is empty.
        assert!(!report.contains("dotdot_list: ok") || !report.contains("etc"), "{report}");
    }
}

#[test]
fn symlinks_pointing_outside_a_mount_give_no_access() {
    let work = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    write_tree(outside.path(), &[("secret.txt", "secret")]);
    write_tree(work.path(), &[("real.txt", "real")]);
    let link = |target: &std::path::Path, name: &str| std::os::unix::fs::symlink(target, work.path().join(name)).unwrap();
    link(std::path::Path::new("/etc/passwd"), "abs_file");
    link(outside.path(), "abs_dir");
    link(&outside.path().join("secret.txt"), "abs_secret");
    link(std::path::Path::new("../../../../../etc/passwd"), "rel_escape");
    link(std::path::Path::new("real.txt"), "inner_link");
    for rt in ALL_RUNTIMES {
        let report = attempts(
            rt,
            r#"
import os
attempt("inner_link", lambda: open('/work/inner_link').read())
attempt("abs_file", lambda: open('/work/abs_file').read())
attempt("abs_dir", lambda: os.listdir('/work/abs_dir'))
attempt("abs_dir_file", lambda: open('/work/abs_dir/secret.txt').read())
attempt("abs_secret", lambda: open('/work/abs_secret').read())
attempt("rel_escape", lambda: open('/work/rel_escape').read())
"#,
            &[(work.path(), "/work", Access::ReadWrite)],
        );
        assert_allowed(&report, "inner_link");
        assert_denied(&report, &["abs_file", "abs_dir", "abs_dir_file", "abs_secret", "rel_escape"]);
    }
}

#[test]
fn read_only_mounts_refuse_every_write() {
    let work = tempfile::tempdir().unwrap();
    write_tree(work.path(), &[("keep.txt", "original"), ("sub/x.txt", "x")]);
    for rt in ALL_RUNTIMES {
        let report = attempts(
            rt,
            r#"
import os
attempt("read", lambda: open('/work/keep.txt').read())
attempt("overwrite", lambda: open('/work/keep.txt', 'w').write('changed'))
attempt("append", lambda: open('/work/keep.txt', 'a').write('more'))
attempt("create", lambda: open('/work/new.txt', 'w').write('new'))
attempt("mkdir", lambda: os.mkdir('/work/newdir'))
attempt("unlink", lambda: os.unlink('/work/keep.txt'))
attempt("rename", lambda: os.rename('/work/sub/x.txt', '/work/y.txt'))
attempt("rmdir", lambda: os.rmdir('/work/sub'))
attempt("scratch", lambda: open('/tmp/ok.txt', 'w').write('scratch is writable'))
"#,
            &[(work.path(), "/work", Access::ReadOnly)],
        );
        assert_allowed(&report, "read");
        assert_allowed(&report, "scratch");
        assert_denied(&report, &["overwrite", "append", "create", "mkdir", "unlink", "rename", "rmdir"]);
        assert_eq!(std::fs::read_to_string(work.path().join("keep.txt")).unwrap(), "original");
        assert!(work.path().join("sub/x.txt").exists() && !work.path().join("new.txt").exists());
    }
}

/// A measured tree (`Access::ReadWriteData`) takes data but no Python code: a test module still
/// to be imported cannot be rewritten, and no bytecode can be planted for pytest to load, by any
/// route (a direct open, a folder fd, a rename, a link).
#[test]
fn a_measured_tree_takes_data_but_not_code() {
    let work = tempfile::tempdir().unwrap();
    write_tree(work.path(), &[("tests/test_b.py", "def test_b():\n    assert sum(range(10**6))\n"), ("tests/__pycache__/keep.txt", "x"), ("data.txt", "d")]);
    for rt in ALL_RUNTIMES {
        let report = attempts(
            rt,
            r#"
import os
attempt("read code", lambda: open('/work/tests/test_b.py').read()[:3])
attempt("write data", lambda: open('/work/data.txt', 'w').write('changed'))
attempt("new data", lambda: open('/work/out.json', 'w').write('{}'))
attempt("mkdir", lambda: os.mkdir('/work/outdir'))
attempt("overwrite code", lambda: open('/work/tests/test_b.py', 'w').write('def test_b(): pass'))
attempt("append code", lambda: open('/work/tests/test_b.py', 'a').write('# x'))
attempt("update code", lambda: open('/work/tests/test_b.py', 'r+').write('#'))
attempt("new code", lambda: open('/work/tests/test_c.py', 'w').write('def test_c(): pass'))
attempt("plant pyc", lambda: open('/work/tests/__pycache__/test_b.cpython-311-pytest-9.2.0.pyc', 'wb').write(b'x'))
attempt("pycache data", lambda: open('/work/tests/__pycache__/keep.txt', 'w').write('y'))
attempt("via folder fd", lambda: os.open('test_b.py', os.O_WRONLY, dir_fd=os.open('/work/tests', os.O_RDONLY)))
attempt("rename onto code", lambda: os.rename('/work/data.txt', '/work/tests/test_b.py'))
attempt("rename code away", lambda: os.rename('/work/tests/test_b.py', '/work/b.txt'))
attempt("rename in from scratch", lambda: (os.mkdir('/tmp/t'), os.rename('/tmp/t', '/work/t2')))
attempt("link to code", lambda: os.symlink('tests/test_b.py', '/work/alias.txt'))
attempt("link folder then write", lambda: (os.symlink('tests', '/work/tlink'), open('/work/tlink/test_b.py', 'w')))
attempt("scratch code", lambda: open('/tmp/gen.py', 'w').write('x = 1'))
"#,
            &[(work.path(), "/work", Access::ReadWriteData)],
        );
        for ok in ["read code", "write data", "new data", "mkdir", "scratch code"] {
            assert_allowed(&report, ok);
        }
        assert_denied(
            &report,
            &["overwrite code", "append code", "update code", "new code", "plant pyc", "pycache data", "via folder fd", "rename onto code", "rename code away", "rename in from scratch", "link to code", "link folder then write"],
        );
        assert!(std::fs::read_to_string(work.path().join("tests/test_b.py")).unwrap().contains("10**6"), "{rt}");
        assert!(!work.path().join("tests/test_c.py").exists() && !work.path().join("tests/__pycache__/test_b.cpython-311-pytest-9.2.0.pyc").exists());
        std::fs::write(work.path().join("data.txt"), "d").unwrap();
        for leftover in ["out.json", "outdir", "tlink"] {
            let p = work.path().join(leftover);
            let _ = std::fs::remove_dir_all(&p).or_else(|_| std::fs::remove_file(&p));
        }
    }
}

#[test]
fn no_network() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    for rt in [PY312, PY315] {
        let report = attempts(
            rt,
            &format!(
                r#"
import socket
def connect():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.connect(('127.0.0.1', {port}))
    return s
attempt("tcp", connect)
attempt("udp", lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'x', ('127.0.0.1', {port})))
attempt("dns", lambda: socket.getaddrinfo('localhost', 80))
"#
            ),
            &[],
        );
        assert_denied(&report, &["tcp", "udp", "dns"]);
    }
    assert!(listener.accept().is_err(), "the guest reached the host's listener");
}

#[test]
fn host_environment_is_not_inherited() {
    let out = sweperf_cmd()
        .env("SWEPERF_TEST_SECRET", "hunter2")
        .args(["python", "--", "-c", "import os, json; print(json.dumps(dict(os.environ)))"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let env: serde_json::Map<String, serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert!(!env.contains_key("SWEPERF_TEST_SECRET"), "{env:?}");
    assert!(!env.contains_key("PATH"), "{env:?}");
    assert_eq!(env["HOME"], "/tmp");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!stdout.contains("hunter2"));
}
