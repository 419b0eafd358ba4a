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
