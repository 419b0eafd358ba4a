//! Runaway guests end with a named outcome and never take the host down.

use sweperf::Status;

use crate::util::*;

#[test]
fn an_infinite_loop_runs_out_of_fuel() {
    for rt in [PY312, PY315] {
        let o = Guest::new(rt).code("while True: pass").fuel(2_000_000_000).run();
        assert_eq!(o.status, Status::OutOfFuel, "{rt}: {}", o.stderr);
        assert_eq!(o.fuel, 2_000_000_000);
    }
}

#[test]
fn an_infinite_loop_meets_the_deadline() {
    let mut g = Guest::new(PY312).code("while True: pass").fuel(u64::MAX / 2);
    g.request.limits.timeout_ms = 1_000;
    let o = g.run();
    assert_eq!(o.status, Status::Deadline, "{}", o.stderr);
    assert!(o.wall_ms < 10_000.0, "the deadline took {} ms", o.wall_ms);
    assert!(!o.fuel_is_exact(), "a deadline's fuel is a lower bound");
}

/// Why a deadline's fuel is not a measurement: the loop makes no calls, so Wasmtime never
/// stores its fuel counter, and twice the deadline reports the very same, stale figure,
/// less than a whole `-c pass` costs.
#[test]
fn a_deadline_stops_the_fuel_count_where_it_was_last_stored() {
    let deadline_fuel = |ms: u64| {
        let mut g = Guest::new(PY312).code("while True: pass").fuel(u64::MAX / 2);
        g.request.limits.timeout_ms = ms;
        let o = g.run();
        assert_eq!(o.status, Status::Deadline);
        o.fuel
    };
    let pass = Guest::new(PY312).code("pass").run_ok();
    assert!(pass.fuel_is_exact());
    // Long enough for start-up to finish even on a loaded machine (start-up makes host calls).
    let (short, long) = (deadline_fuel(1_500), deadline_fuel(3_000));
    assert_eq!(short, long, "the count did not move while the loop ran");
    assert!(short < pass.fuel, "{short} is less than `pass` ({}): stale", pass.fuel);
}

#[test]
fn a_disk_flood_hits_the_quota_quickly() {
    // 1 GiB in 1 MiB writes against the default 512 MiB quota.
    let o = Guest::new(PY312)
        .code("chunk = b'x' * (1 << 20)\nwith open('/tmp/flood', 'wb') as f:\n    for _ in range(1024):\n        f.write(chunk)")
        .run();
    assert_eq!(o.status, Status::DiskLimit, "{}", o.stderr);
    assert!(o.stderr.contains("No space left on device"), "the guest saw ENOSPC: {}", o.stderr);
    assert!(o.wall_ms < 60_000.0, "took {} ms", o.wall_ms);
    assert_eq!(sweperf::Limits::default().disk_bytes, 512 << 20);
}

#[test]
fn the_disk_quota_leaves_ordinary_runs_alone() {
    // 1 MiB written and read back, a few files and folders, and more than the quota to stdout
    // (which is not disk).
    let mut g = Guest::new(PY312).code(
        "import os\nos.makedirs('/tmp/a/b')\ndata = os.urandom(1 << 20)\nwith open('/tmp/a/b/f', 'wb') as f:\n    f.write(data)\n\
         assert open('/tmp/a/b/f', 'rb').read() == data\nfor i in range(20):\n    open(f'/tmp/a/{i}', 'w').write('x')\n\
         import sys\nsys.stdout.write('y' * (3 << 20))",
    );
    g.request.limits.disk_bytes = 2 << 20;
    g.request.limits.output_bytes = 16;
    let o = g.run();
    assert_eq!(o.status, Status::Exited { code: 0 }, "{}", o.stderr);
}

#[test]
fn the_disk_quota_counts_every_writable_folder_and_created_entry() {
    let quota = |code: &str, mount: Option<&std::path::Path>| {
        let mut g = Guest::new(PY312).code(code);
        if let Some(dir) = mount {
            g = g.mount(dir, "/work", sweperf::Access::ReadWrite);
        }
        g.request.limits.disk_bytes = 1 << 20;
        g.run()
    };
    let two_mib = "open('{dir}/big', 'wb').write(b'x' * (2 << 20))";
    let work = tempfile::tempdir().unwrap();
    for (code, mount) in [
        (two_mib.replace("{dir}", "/tmp"), None),
        (two_mib.replace("{dir}", "/dev"), None),
        (two_mib.replace("{dir}", "/work"), Some(work.path())),
        // 300 empty files at 4 KiB each is more than 1 MiB.
        ("for i in range(300):\n    open(f'/tmp/{i}', 'w').close()".to_string(), None),
        ("import os\nfor i in range(300):\n    os.mkdir(f'/tmp/{i}')".to_string(), None),
    ] {
        let o = quota(&code, mount);
        assert_eq!(o.status, Status::DiskLimit, "`{code}`: {}", o.stderr);
    }
    let big = work.path().join("big");
    assert!(!big.exists() || std::fs::metadata(&big).unwrap().len() == 0, "the refused write left nothing behind");
}

#[test]
fn a_guest_that_handles_a_full_disk_is_not_failed_for_it() {
    let mut g = Guest::new(PY312).code("import errno\ntry:\n    open('/tmp/big', 'wb').write(b'x' * (2 << 20))\nexcept OSError as e:\n    print(errno.errorcode[e.errno])");
    g.request.limits.disk_bytes = 1 << 20;
    let o = g.run();
    assert_eq!(o.status, Status::Exited { code: 0 }, "{}", o.stderr);
    assert_eq!(o.stdout, "ENOSPC\n");
}

#[test]
fn a_memory_bomb_hits_the_limit() {
    for (rt, code) in [
        (PY312, "b = bytearray(1 << 30)"),
        (PY312, "l = []\nwhile True: l.append(' ' * 10**6)"),
        (PY315, "import numpy as np\na = np.ones(40_000_000)"),
    ] {
        let mut g = Guest::new(rt).code(code);
        g.request.limits.memory_bytes = 256 << 20;
        let o = g.run();
        assert_eq!(o.status, Status::MemoryLimit, "{rt} `{code}`: {}", o.stderr);
        assert!(o.memory_limit_hit);
    }
}

#[test]
fn an_output_flood_is_capped_and_flagged() {
    let mut g = Guest::new(PY312).code("import sys\nfor i in range(20000):\n    print('x' * 500)\nsys.stderr.write('e' * 100000)");
    g.request.limits.output_bytes = 64 << 10;
    let o = g.run();
    assert_eq!(o.status, Status::Exited { code: 0 }, "a capped guest keeps running normally");
    assert_eq!(o.stdout.len(), 64 << 10);
    assert_eq!(o.stderr.len(), 64 << 10);
    assert!(o.stdout_truncated && o.stderr_truncated);
}

#[test]
fn runaway_recursion_is_an_outcome_not_a_crash() {
    let o = Guest::new(PY312)
        .code("import sys\nsys.setrecursionlimit(10**7)\ndef f(n): return f(n + 1) + 1\nf(0)")
        .run();
    assert!(!o.status.success(), "{:?}", o.status);
    // And the host is still fine: another run works.
    Guest::new(PY312).code("print(1)").run_ok();
}

#[test]
fn exit_codes_pass_through() {
    let o = Guest::new(PY312).code("raise SystemExit(7)").run();
    assert_eq!(o.status, Status::Exited { code: 7 });
    let o = Guest::new(PY315).code("raise SystemExit(9)").run();
    assert_eq!(o.status, Status::Exited { code: 9 });
}
