//! Golden fuel: the exact fuel of the bundled gold run and of fixed `sweperf python` programs,
//! committed in `tests/golden/fuel.toml` and compared with a fresh run. CI runs on other
//! machines, so every CI run is a cross-machine determinism check. README's figures for the
//! bundled benchmark are checked against the same table.
//!
//! A change that moves fuel updates the table in the same commit, and says why:
//! `SWEPERF_BLESS=1 cargo test --test integration golden` rewrites the table and README's figures.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sweperf::evaluate::gain;

use crate::util::*;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Golden {
    /// The bundled gold run, per instance.
    instances: BTreeMap<String, GoldenInstance>,
    /// `sweperf python` programs, per runtime, per program name.
    programs: BTreeMap<String, BTreeMap<String, u64>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct GoldenInstance {
    runtime: String,
    /// Efficiency test node id -> [base fuel, patched fuel] of its call phase.
    tests: BTreeMap<String, [u64; 2]>,
}

impl GoldenInstance {
    fn performance(&self) -> f64 {
        self.tests.values().map(|[b, p]| gain(*b, *p)).sum::<f64>() / self.tests.len() as f64
    }
}

/// Programs whose fuel is pinned on every runtime: start-up, a compute loop, and pytest's import.
const PROGRAMS: &[(&str, &str)] = &[
    ("pass", "pass"),
    ("compute", "d = {}\nfor i in range(20000):\n    d[i % 997] = d.get(i % 997, 0) + i * i\nprint(sum(d.values()))"),
    ("import-pytest", "import pytest"),
];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn golden_path() -> PathBuf {
    root().join("tests/golden/fuel.toml")
}

fn blessing() -> bool {
    std::env::var_os("SWEPERF_BLESS").is_some_and(|v| v == "1")
}

fn read_golden() -> Golden {
    let text = std::fs::read_to_string(golden_path()).unwrap_or_else(|e| panic!("{}: {e}; create it with SWEPERF_BLESS=1", golden_path().display()));
    toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", golden_path().display()))
}

fn write_golden(g: &Golden) {
    let header = "# Exact fuel of the bundled gold run ([instances.<id>.tests]: [base, patched] call-phase fuel per\n# efficiency test) and of fixed `sweperf python` programs ([programs.<runtime>]). Checked by\n# tests/integration/golden.rs on every machine CI runs on. A change that moves fuel updates this\n# file in the same commit (SWEPERF_BLESS=1 cargo test --test integration golden) and says why.\n\n";
    std::fs::create_dir_all(golden_path().parent().unwrap()).unwrap();
    std::fs::write(golden_path(), format!("{header}{}", toml::to_string(g).unwrap())).unwrap();
}

/// Lists every difference, naming the instance, test and side.
fn differences(expected: &Golden, found: &Golden, what: &str) -> Vec<String> {
    let mut out = Vec::new();
    if what == "instances" {
        for id in expected.instances.keys().chain(found.instances.keys()).collect::<std::collections::BTreeSet<_>>() {
            match (expected.instances.get(id), found.instances.get(id)) {
                (Some(e), Some(f)) => {
                    for (t, ef) in &e.tests {
                        match f.tests.get(t) {
                            Some(ff) if ff == ef => {}
                            Some(ff) => out.push(format!("{id} {t}: golden [base, patched] {ef:?}, now {ff:?}")),
                            None => out.push(format!("{id} {t}: in the golden table, not measured now")),
                        }
                    }
                    for t in f.tests.keys().filter(|t| !e.tests.contains_key(*t)) {
                        out.push(format!("{id} {t}: measured now, not in the golden table"));
                    }
                }
                (Some(_), None) => out.push(format!("{id}: in the golden table, not evaluated now")),
                (None, Some(_)) => out.push(format!("{id}: evaluated now, not in the golden table")),
                (None, None) => {}
            }
        }
    } else {
        for (rt, programs) in &found.programs {
            for (name, fuel) in programs {
                let golden = expected.programs.get(rt).and_then(|p| p.get(name));
                if golden != Some(fuel) {
                    out.push(format!("{rt} `{name}`: golden {golden:?}, now {fuel}"));
                }
            }
        }
    }
    out
}

fn check_or_bless(found_part: impl FnOnce(&mut Golden), what: &str) {
    // The two parts of the table are blessed by two tests: one at a time.
    static TABLE: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _guard = TABLE.lock().unwrap_or_else(|e| e.into_inner());
    let mut golden = if golden_path().exists() { read_golden() } else { Golden { instances: BTreeMap::new(), programs: BTreeMap::new() } };
    let mut found = golden.clone();
    found_part(&mut found);
    if blessing() {
        golden = found;
        write_golden(&golden);
        bless_readme(&golden);
        return;
    }
    let diffs = differences(&golden, &found, what);
    assert!(
        diffs.is_empty(),
        "fuel differs from tests/golden/fuel.toml ({} difference(s)); if the change that moved it is intended, rerun with SWEPERF_BLESS=1 and say why in the commit:\n  {}",
        diffs.len(),
        diffs.join("\n  ")
    );
}

/// One pass over the bundled set checks it three ways: `sweperf validate` (every instance valid,
/// the expert patch gaining enough, fuel identical across two measurements in this process),
/// and the golden table (the same fuel as on the machine that blessed it).
#[test]
fn every_bundled_instance_validates_with_the_golden_fuel() {
    let out = sweperf_cmd().args(["validate", "--json", "--instances"]).arg(root().join("instances")).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let count = std::fs::read_dir(root().join("instances")).unwrap().filter(|e| e.as_ref().unwrap().path().join("instance.toml").exists()).count();
    assert!(count >= 10, "the benchmark bundles at least 10 instances, found {count}");
    assert!(stderr.contains(&format!("{count} of {count} instance(s) valid")), "{stderr}");
    let validations: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let reports: Vec<sweperf::InstanceReport> = validations.iter().map(|v| serde_json::from_value(v["report"].clone()).unwrap()).collect();
    check_or_bless(
        |g| {
            g.instances = reports
                .iter()
                .map(|r| {
                    let runtime = r.fingerprint.as_ref().unwrap().runtime.name.clone();
                    let tests = r.efficiency_tests.iter().map(|t| (t.nodeid.clone(), [t.base_fuel.unwrap(), t.patched_fuel.unwrap()])).collect();
                    (r.instance_id.clone(), GoldenInstance { runtime, tests })
                })
                .collect();
        },
        "instances",
    );
    // The reports' own figures are the golden ones.
    let golden = read_golden();
    for r in &reports {
        assert_eq!(r.performance, golden.instances[&r.instance_id].performance(), "{}", r.instance_id);
    }

    // A fresh gold report of every bundled instance verifies in a new process (the bases come
    // from the cache validate just filled; verify measures everything afresh).
    let output = tempfile::tempdir().unwrap();
    let out = sweperf_cmd()
        .args(["eval", "--predictions", "gold", "--run-id", "audit", "--instances"])
        .arg(root().join("instances"))
        .arg("--output-dir")
        .arg(output.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let summary = output.path().join("gold.audit.json");
    let out = sweperf_cmd().arg("verify").arg(&summary).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains(&format!("verified: {count} instance(s)")), "{stderr}");
}

#[test]
fn fixed_programs_match_the_golden_fuel_table() {
    let mut found: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
    // Every runtime, the ones built and shipped by this repository included (on the snapshot
    // runtime, each program starts from the snapshot: pytest is already imported).
    for rt in ALL_RUNTIMES.into_iter().chain([PY313_O2, PY311_O2_FULL, PY313_O2_FULL, PY313_O2_PYTEST]) {
        for (name, code) in PROGRAMS {
            let o = Guest::new(rt).code(code).run_ok();
            found.entry(rt.to_string()).or_default().insert(name.to_string(), o.fuel);
        }
    }
    check_or_bless(|g| g.programs = found, "programs");
}

const README_TABLE_ROW: &str = "| `";

/// README's bundled-benchmark rows (`| `id` | runtime | text | gain |`) and the set's line.
fn bless_readme(g: &Golden) {
    let path = root().join("README.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut out = Vec::new();
    for line in text.lines() {
        out.push(rewrite_readme_line(line, g).unwrap_or_else(|| line.to_string()));
    }
    std::fs::write(&path, out.join("\n") + "\n").unwrap();
}

fn set_performance(g: &Golden) -> f64 {
    g.instances.values().map(GoldenInstance::performance).sum::<f64>() / g.instances.len() as f64
}

const SET_LINE: &str = "Gold over the set: Apply 100%, Correctness 100%, Performance ";

/// The line as the golden table says it should read, if it is a line the table governs.
fn rewrite_readme_line(line: &str, g: &Golden) -> Option<String> {
    if let Some(rest) = line.strip_prefix(SET_LINE) {
        let tail = rest.split_once('%').map(|(_, t)| t).unwrap_or("");
        return Some(format!("{SET_LINE}{:.2}%{tail}", set_performance(g) * 100.0));
    }
    let id = line.strip_prefix(README_TABLE_ROW)?.split('`').next()?;
    let inst = g.instances.get(id)?;
    let mut cells: Vec<&str> = line.split(" | ").collect();
    if cells.len() < 4 {
        return None;
    }
    let gain = format!("{:.1}% |", inst.performance() * 100.0);
    let runtime = inst.runtime.clone();
    cells[1] = &runtime;
    let n = cells.len();
    cells[n - 1] = &gain;
    Some(cells.join(" | "))
}

#[test]
fn readme_figures_come_from_the_golden_table() {
    if blessing() {
        // The blessing rewrites README from the table it writes; run again without it to check.
        return;
    }
    let g = read_golden();
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let mut rows = 0;
    let mut set_line = false;
    for line in readme.lines() {
        if let Some(expected) = rewrite_readme_line(line, &g) {
            assert_eq!(line, expected, "README.md disagrees with tests/golden/fuel.toml; run SWEPERF_BLESS=1 cargo test --test integration golden");
            if line.starts_with(SET_LINE) {
                set_line = true;
            } else {
                rows += 1;
            }
        }
    }
    assert_eq!(rows, g.instances.len(), "README lists every bundled instance once");
    assert!(set_line, "README states the set's gold performance");
}

/// Opens (with a note after it) and closes the benchmark table README copies.
const PROTOCOL_MARK: &str = "<!-- protocol-bench";

/// The lines between the marks in `path`, which must hold exactly one marked block.
fn marked_block(path: &str) -> String {
    let text = std::fs::read_to_string(root().join(path)).unwrap();
    let starts: Vec<usize> = text.match_indices(PROTOCOL_MARK).map(|(i, _)| i).collect();
    assert_eq!(starts.len(), 2, "{path}: one `{PROTOCOL_MARK}: ... -->` line, then one closing `{PROTOCOL_MARK} -->`");
    let body = &text[starts[0]..starts[1]];
    body.split_once('\n').map_or("", |(_, rest)| rest).trim().to_string()
}

#[test]
fn readme_cost_figures_are_the_committed_benchmark_output() {
    // README's cost table is machine-dependent, so no test can recompute it: it must be the
    // benchmark's output as committed in benches/results/protocol.md (which names the commit,
    // machine and command), copied, not retyped.
    let readme = marked_block("README.md");
    assert_eq!(readme, marked_block("benches/results/protocol.md"), "README's cost table differs from benches/results/protocol.md's marked one");
    let rows: Vec<&str> = readme.lines().filter(|l| l.starts_with(README_TABLE_ROW)).collect();
    assert!(rows.len() >= 3, "the table has a row per instance: {readme}");
    let header = readme.lines().next().unwrap();
    for column in ["SWE-Perf protocol, 46 runs (s)", "session / native run", "protocol / sweperf cold", "protocol / sweperf warm"] {
        assert!(header.contains(column), "README's cost table lacks `{column}`: {header}");
    }
}
