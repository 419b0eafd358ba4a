#!/usr/bin/env python3
"""Regenerates datasets/real-dev.jsonl from git mirrors, the way SWE-Perf built its records.

    real_dev.py search --mirrors DIR [--repo OWNER/NAME] [--since DATE] [--until DATE]
        Lists candidate performance commits (commit messages about speed) for the repositories
        of datasets/real-dev.commits.toml, or for --repo.

    real_dev.py correctness --mirrors DIR [--only ID ...] [--out FILE]
        Recomputes the records' `correctness_test` (one native run of the files on the base).

    real_dev.py build --mirrors DIR [--only ID ...] [--rounds N] [--out FILE]
        For every commit listed in datasets/real-dev.commits.toml: splits its diff into the
        expert `patch` (non-test files) and the `test_patch`, unpacks the parent (plus the test
        patch) and the commit with `git archive`, runs the candidate test files natively with
        the host's CPython and the environment's pinned requirements, and keeps as
        `efficiency_test` the tests whose call-phase duration drops clearly with the commit
        (median gain >= --min-gain over N interleaved rounds, and a one-sided exact Mann-Whitney
        U test of patched < base at p < 0.1, SWE-Perf's test and threshold), then confirms the
        final list the way SWE-Perf times it (see `confirm`). A commit with no such test is left
        out, with the reason printed.

    real_dev.py confirm --mirrors DIR [--only ID ...] [--rounds N] [--out FILE]
        Re-measures the records already in --out the way SWE-Perf's harness times them: one
        pytest process given only the record's `efficiency_test` node ids, in the record's
        order (`pytest ... 'id1' 'id2' ...`), a warm-up per side, then base and commit
        interleaved for N rounds. Tests
        that are not clearly faster there are dropped from the record (the others keep their
        order, and the shorter list is measured again, as its first test changes); a record
        left with none is removed. The `native` figures become those of this measurement.

A mirror of OWNER/NAME is found under DIR as OWNER+NAME/repo (the layout of this project's
mirror cache), OWNER__NAME or OWNER/NAME, bare or not. Mirrors are only read. Repository code is
never written into this repository: trees and virtual environments go under --work (default
/tmp/real-dev). Nothing here reaches the network except `pip install` of the pinned
requirements into those virtual environments.
"""
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATASETS = HERE.parent
ROOT = DATASETS.parent
COMMITS = DATASETS / "real-dev.commits.toml"
ENV_TABLE = ROOT / "runtimes" / "environments.toml"
TOOLCHAIN = ROOT / "runtimes" / "toolchain.toml"
LAYERS = ROOT / "runtimes" / "layers"

# Layers of an environment that are pytest plugins and work natively as they do in the sandbox:
# the native run loads them too, so that both sides accept the same configuration (xarray's
# `addopts` and `asyncio_*` ini keys name plugins the sandbox lacks) without installing those
# plugins natively, which would run tests (async ones) the sandbox cannot. Set per record.
NATIVE_PYTEST_LAYERS = {"pytest-absent-plugins": "_sweperf_pytest_absent_plugins"}
native_plugins: list = []  # [(folder, plugin module)] for the record being measured

PERF_WORDS = r"(faster|speed ?up|speedup|performance|perf[(:]|optimi[sz]|quadratic|slow|cache)"


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def mirror(mirrors: Path, repo: str) -> Path:
    owner, name = repo.split("/")
    for c in (mirrors / f"{owner}+{name}" / "repo", mirrors / f"{owner}__{name}", mirrors / owner / name):
        if (c / "HEAD").is_file() or (c / ".git").exists():
            return c
    raise SystemExit(f"no mirror of {repo} under {mirrors} (looked for {owner}+{name}/repo, {owner}__{name}, {owner}/{name})")


def git(m: Path, *args: str, text=True) -> str:
    out = subprocess.run(["git", f"--git-dir={m}" if (m / "HEAD").is_file() else f"--git-dir={m / '.git'}", *args],
                         capture_output=True, text=text, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)}: {out.stderr.strip()}")
    return out.stdout


def is_test_path(path: str) -> bool:
    parts = path.split("/")
    name = parts[-1]
    return (any(p in ("tests", "test", "testing") for p in parts[:-1])
            or name.startswith("test_") or name.endswith("_test.py") or name == "conftest.py")


# ---- environments: the same choice sweperf makes (src/environment.rs) ------------------------

def version_le(a: str, b: str) -> bool:
    def parse(v):
        out = []
        for p in v.split("."):
            try:
                out.append(int(p.strip()))
            except ValueError:
                out.append(0)
        return out
    x, y = parse(a), parse(b)
    n = max(len(x), len(y))
    return x + [0] * (n - len(x)) <= y + [0] * (n - len(y))


def choose_environment(table: dict, repo: str, version, created_at) -> str:
    day = (created_at or "")[:10]
    for rule in table.get("repositories", []):
        if rule["repo"].lower() != repo.lower():
            continue
        if "max_version" in rule and (version is None or not version_le(version, rule["max_version"])):
            continue
        if "before" in rule and (not day or not day < rule["before"]):
            continue
        return rule["environment"]
    for rule in table.get("by_date", []):
        if "before" in rule and (not day or not day < rule["before"]):
            continue
        return rule["environment"]
    return "python-3.12"


def use_native_layers(table: dict, env: str):
    """Makes the following pytest runs load the environment's NATIVE_PYTEST_LAYERS."""
    layers = next((e.get("layers", []) for e in table.get("environments", []) if e["name"] == env), [])
    native_plugins[:] = [(LAYERS / l, NATIVE_PYTEST_LAYERS[l]) for l in layers if l in NATIVE_PYTEST_LAYERS]


def requirements(table: dict, env: str) -> list:
    for e in table.get("environments", []):
        if e["name"] == env:
            if e.get("extends") and not e.get("requirements"):  # as sweperf expands `extends`
                return requirements(table, e["extends"])
            out = []
            for r in e.get("requirements", []):
                if "==" in r:
                    out.append(r)
                else:
                    out.append(next(f"{w['name']}=={w['version']}" for w in table["wheels"] if w["name"] == r))
            return out
    return []


def with_native(env_reqs: list, native: list) -> list:
    """The environment's pins, with a `native_requirements` pin of the same project replacing
    the environment's (e.g. the astroid of a pylint commit's era, when the table has no
    environment with it); other native pins are added."""
    key = lambda r: re.split(r"[=<>!~\[; ]", r, 1)[0].strip().lower().replace("_", "-")
    replaced = {key(r) for r in native}
    return [r for r in env_reqs if key(r) not in replaced] + list(native)


def venv_for(work: Path, env: str, reqs: list) -> Path:
    """A native virtual environment with the toolchain and the environment's requirements."""
    toolchain = tomllib.loads(TOOLCHAIN.read_text())
    pins = [f"{w['name']}=={w['version']}" for w in toolchain["wheels"]] + reqs
    d = work / "venv" / env
    stamp = d / "sweperf-pins.txt"
    if stamp.exists() and stamp.read_text() == "\n".join(pins):
        return d / "bin" / "python"
    shutil.rmtree(d, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "venv", str(d)], check=True)
    subprocess.run([str(d / "bin" / "pip"), "install", "-q", *pins], check=True)
    stamp.write_text("\n".join(pins))
    return d / "bin" / "python"


# ---- trees ------------------------------------------------------------------------------------

def unpack(m: Path, commit: str, dest: Path):
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    data = git(m, "archive", "--format=tar", commit, text=False)
    subprocess.run(["tar", "-x", "-C", str(dest)], input=data, check=True)


def apply_patch(tree: Path, patch: str):
    if patch.strip():
        subprocess.run(["git", "apply", "--whitespace=nowarn", "-"], cwd=tree, input=patch.encode(), check=True)


def diff(m: Path, a: str, b: str, paths: list) -> str:
    return git(m, "diff", "--no-color", "--no-ext-diff", "--no-renames", a, b, "--", *paths) if paths else ""


# ---- native measurement -----------------------------------------------------------------------

def src_layout(tree: Path) -> list:
    """[tree/src] when the project keeps its package there (the `src/` layout, e.g. requests
    from 2024): the tree is not installed, so its package must be put on the path."""
    src = tree / "src"
    return [str(src)] if src.is_dir() and any(p.is_dir() and (p / "__init__.py").exists() for p in src.iterdir()) else []


def run_pytest(python: Path, tree: Path, targets: list, work: Path, timeout: int, not_passed=None) -> dict:
    """{nodeid: call seconds} of the tests that passed; the others' ids go into `not_passed`."""
    out = work / "timings.json"
    out.unlink(missing_ok=True)
    other = work / "not-passed.json"
    other.unlink(missing_ok=True)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(work),
        "PYTHONPATH": os.pathsep.join([str(HERE), *(str(d) for d, _ in native_plugins), str(tree), *src_layout(tree)]),
        "PYTHONHASHSEED": "0",
        # Bytecode is written into the unpacked trees (as SWE-Perf's warm-up runs leave it behind),
        # so a test's call phase does not pay for compiling a module it imports lazily.
        "REAL_DEV_TIMINGS": str(out),
        "REAL_DEV_NOT_PASSED": str(other),
        "MPLBACKEND": "Agg",
        # No network for the measured code: proxies that go nowhere.
        "http_proxy": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9", "no_proxy": "",
    }
    cmd = [str(python), "-m", "pytest", "-p", "timing_plugin", *(a for _, m in native_plugins for a in ("-p", m)),
           "-p", "no:cacheprovider", "-q",
           "--no-header", "-rN", *targets]
    try:
        run = subprocess.run(cmd, cwd=tree, env=env, capture_output=True, text=True, errors="replace",
                             timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        log(f"    timed out after {timeout}s: {' '.join(targets)[:120]}")
        return {}
    if not out.exists() or not json.loads(out.read_text()):
        # Say why nothing passed (a node id pytest cannot find stops the whole run, an import
        # error in a conftest, ...): the last lines pytest printed.
        tail = [l for l in (run.stdout + run.stderr).splitlines() if l.strip()][-3:]
        log(f"    no test passed in {tree.name}: " + " | ".join(l.strip()[:160] for l in tail))
    if not out.exists():
        return {}
    if not_passed is not None and other.exists():
        not_passed.update(json.loads(other.read_text()))
    return json.loads(out.read_text())


def candidate_test_files(entry: dict, tree: Path, changed: list, test_files: list) -> list:
    if entry.get("tests"):
        return [t for t in entry["tests"] if (tree / t.split("::")[0]).exists()]
    def collectable(t):  # test modules, not helpers (pylint names its unit tests unittest_*.py)
        name = Path(t).name
        return name.endswith(".py") and (name.startswith(("test_", "unittest_")) or name.endswith("_test.py"))
    files = [t for t in test_files if collectable(t) and (tree / t).exists()]
    if files:
        return files
    wanted = {f"test_{Path(c).stem}.py" for c in changed if c.endswith(".py")}
    found = []
    for p in tree.rglob("test_*.py"):
        if p.name in wanted:
            found.append(str(p.relative_to(tree)))
    return sorted(found)


MAX_BASE_S = 2.0          # longest native call phase for an efficiency test
CORRECTNESS_BUDGET_S = 8.0  # longest native run of the correctness tests (call phases)


def correctness_tests(efficiency, base_times, not_passed, measured=None, work=None):
    """None when the efficiency tests' files pass natively and fit the budget (sweperf then runs
    the files); else the efficiency tests plus the files' quickest passing tests, up to the
    budget (a file with tests that fail or error natively, e.g. for want of a network server,
    would make the base look broken). `measured`, the candidate tests as named: a file only
    some node ids of which were run (pylint's `test_functional.py::test_functional[name]`) was
    not timed whole, so its tests are always listed (sweperf would otherwise run the file).
    A test whose id holds a path under `work` (a parameter made from the tree's absolute path,
    as pylint's `test_stdin[...]`) is not listed: the sandbox's tree is elsewhere."""
    files = {t.split("::")[0] for t in efficiency}
    in_files = {t: d for t, d in base_times.items() if t.split("::")[0] in files
                and (work is None or str(work) not in t)}
    failing = [t for t in not_passed if t.split("::")[0] in files]
    partial = measured is not None and any(f not in measured for f in files)
    if not failing and not partial and sum(in_files.values()) <= CORRECTNESS_BUDGET_S:
        return None
    chosen, spent = list(efficiency), sum(base_times.get(t, 0) for t in efficiency)
    for t, d in sorted(in_files.items(), key=lambda kv: kv[1]):
        if t in chosen:
            continue
        if spent + d > CORRECTNESS_BUDGET_S:
            break
        chosen.append(t)
        spent += d
    return sorted(chosen)


def mann_whitney_p(base, patched):
    """One-sided exact Mann-Whitney U test that `patched` runs are shorter than `base` runs:
    the probability of a U at least this large if both came from one distribution."""
    m, n = len(base), len(patched)
    u = sum(1.0 if y < x else 0.5 if y == x else 0.0 for x in base for y in patched)
    # counts[k] = number of orderings of m base and n patched runs with U = k (no ties).
    from functools import lru_cache

    @lru_cache(maxsize=None)
    def ways(i, j, k):
        if k < 0:
            return 0
        if i == 0 or j == 0:
            return 1 if k == 0 else 0
        return ways(i - 1, j, k - j) + ways(i, j - 1, k)

    total = sum(ways(m, n, k) for k in range(m * n + 1))
    at_least = sum(ways(m, n, k) for k in range(int(-(-u // 1)), m * n + 1))
    return at_least / total


def interleaved(python, base, head, tests, work, rounds):
    """{nodeid: ([base seconds], [head seconds])}: `rounds` runs of `tests` per side, base then
    head in each round (a test missing from a run has no sample for it)."""
    samples = {t: ([], []) for t in tests}
    for _ in range(rounds):
        for side, tree in ((0, base), (1, head)):
            got = run_pytest(python, tree, tests, work, 600)
            for t in tests:
                if t in got:
                    samples[t][side].append(got[t])
    return samples


def measure(entry, python, base, head, files, work, rounds, min_gain):
    """{nodeid: (base medians, head medians)} for tests that got clearly faster."""
    not_passed = set()
    first_base = run_pytest(python, base, files, work, entry.get("timeout", 900), not_passed)
    first_head = run_pytest(python, head, files, work, entry.get("timeout", 900))
    # The sandbox runs 5-20x slower than native CPython: a test over max_base_s would take minutes.
    shortlist = [t for t in first_base if t in first_head and first_base[t] >= entry.get("min_base_s", 0.0005)
                 and first_base[t] <= entry.get("max_base_s", MAX_BASE_S)
                 and first_head[t] <= (1 - min_gain * 0.75) * first_base[t]]
    shortlist.sort(key=lambda t: first_head[t] / first_base[t])
    shortlist = shortlist[:24]
    log(f"    {len(first_base)} tests passed on base, {len(first_head)} on the commit; shortlist {len(shortlist)}; "
        f"files take {sum(first_base.values()):.2f}s (call phases, base)")
    if not shortlist:
        return {}, first_base, not_passed
    samples = interleaved(python, base, head, shortlist, work, rounds)
    # SWE-Perf's threshold is p < 0.1 per test; with a shortlist of many tests that admits noise
    # (a tenth of unchanged tests pass it), so --bonferroni divides it by the shortlist's size.
    alpha = 0.1 / len(shortlist) if entry.get("bonferroni") else 0.1
    ranked = sorted(((1 - statistics.median(h) / statistics.median(b), t) for t, (b, h) in samples.items()
                     if len(b) == rounds and len(h) == rounds), reverse=True)
    log("    best measured: " + "; ".join(f"{t.split('::')[-1][:40]} {g:.0%}" for g, t in ranked[:4]))
    return significant(samples, rounds, min_gain, alpha), first_base, not_passed


# How the `native` figures of a record were timed (absent in records made before `confirm`).
TIMED = "efficiency_test alone, in order"


def significant(samples, rounds, min_gain, alpha):
    """{nodeid: figures} of the tests whose `rounds` samples per side show a clear gain."""
    kept = {}
    for t, (b, h) in samples.items():
        if len(b) < rounds or len(h) < rounds:
            continue
        gain = 1 - statistics.median(h) / statistics.median(b)
        if gain >= min_gain and mann_whitney_p(b, h) < alpha:
            kept[t] = {"base_s": round(statistics.median(b), 6), "patched_s": round(statistics.median(h), 6),
                       "gain": round(gain, 4)}
    return kept


def confirm(python, base, head, candidates, work, rounds, min_gain, max_tests):
    """The efficiency tests, from `candidates` (best first), that are clearly faster when timed
    as SWE-Perf's harness times a record: one pytest process given only the record's node ids,
    in order, so the first of them pays what the code under test does on first use (a lexer
    built, a cache filled, a lazy import), and no test of the file runs before them.

    The shortlist above is timed in another context (up to 24 tests, best first), where a test
    can gain only because another one paid that first-use cost, or lose because it pays it:
    records chosen there alone showed gains of 80-95% natively that neither a native run of the
    record's tests nor fuel reproduces. Takes the first `max_tests` candidates, measures them
    together for `rounds` interleaved rounds, drops those not clearly faster and refills from
    the remaining candidates, until a list passes whole. Returns ({nodeid: figures} in order,
    [(nodeid, why) dropped])."""
    remaining = list(candidates)
    dropped = []
    while remaining:
        trial = remaining[:max_tests]
        for tree in (base, head):  # a warm-up per side, as SWE-Perf's (bytecode written, not timed)
            run_pytest(python, tree, trial, work, 600)
        samples = interleaved(python, base, head, trial, work, rounds)
        kept = significant(samples, rounds, min_gain, 0.1)
        for t in trial:
            b, h = samples[t]
            if t not in kept:
                gain = (1 - statistics.median(h) / statistics.median(b)) if b and h else None
                dropped.append((t, "did not run on both sides" if gain is None else f"gain {gain:.0%}, not clear"))
        log("    confirmed: " + ("; ".join(f"{t.split('::')[-1][:40]} {kept[t]['gain']:.0%}" for t in kept) or "none")
            + (f" (of {len(trial)})" if len(kept) < len(trial) else ""))
        if len(kept) == len(trial):
            return {t: kept[t] for t in trial}, dropped
        remaining = [t for t in remaining if t in kept or t not in trial]
    return {}, dropped


# Where a repository writes its own version, when tags do not tell (sympy tags its releases on
# release branches, so `git describe` on master finds an old one).
VERSION_FILES = {"sympy/sympy": "sympy/release.py"}


def version_of(m: Path, commit: str, entry: dict):
    if entry.get("version"):
        return str(entry["version"])
    if entry["repo"] in VERSION_FILES:
        try:
            text = git(m, "show", f"{commit}:{VERSION_FILES[entry['repo']]}")
            found = re.search(r"(\d+)\.(\d+)", text)
            if found:
                return f"{found.group(1)}.{found.group(2)}"
        except RuntimeError:
            pass
    try:
        tag = git(m, "describe", "--tags", "--abbrev=0", commit).strip()
    except RuntimeError:
        return None
    found = re.search(r"(\d+)\.(\d+)", tag)
    return f"{found.group(1)}.{found.group(2)}" if found else None


def build_record(entry, mirrors, work, table, rounds, min_gain, max_tests):
    repo = entry["repo"]
    m = mirror(mirrors, repo)
    commit = git(m, "rev-parse", entry["commit"] + "^{commit}").strip()
    parent = git(m, "rev-parse", commit + "^1").strip()
    owner, name = repo.split("/")
    instance_id = entry.get("id") or f"{owner}__{name}-{commit[:8]}"
    log(f"== {instance_id} ({repo} {commit[:10]})")
    numstat = git(m, "diff", "--numstat", "--no-renames", parent, commit).splitlines()
    changed, binary = [], []
    for line in numstat:
        added, _removed, path = line.split("\t", 2)
        (binary if added == "-" else changed).append(path)
    tests = [p for p in changed if is_test_path(p)]
    code = [p for p in changed if not is_test_path(p)]
    patch = diff(m, parent, commit, code)
    test_patch = diff(m, parent, commit, tests)
    if not patch.strip():
        return None, "the commit changes no non-test file"
    created_at = git(m, "show", "-s", "--format=%cI", commit).strip()
    message = git(m, "show", "-s", "--format=%B", commit).strip()
    version = version_of(m, commit, dict(entry, repo=repo))
    env = entry.get("environment") or choose_environment(table, repo, version, created_at)
    use_native_layers(table, env)
    python = venv_for(work, env, with_native(requirements(table, env), entry.get("native_requirements", [])))
    base, head = work / "trees" / instance_id / "base", work / "trees" / instance_id / "head"
    unpack(m, parent, base)
    apply_patch(base, test_patch)
    unpack(m, commit, head)
    files = candidate_test_files(entry, head, code, tests)
    if not files:
        return None, "no candidate test file (name them with `tests` in real-dev.commits.toml)"
    log(f"    environment {env}; measuring {', '.join(files)}")
    chosen, base_times, not_passed = measure(entry, python, base, head, files, work, rounds, min_gain)
    file_seconds = sum(base_times.values())
    if not chosen:
        return None, f"no test got clearly faster (median gain >= {min_gain:.0%} and Mann-Whitney p < 0.1 over {rounds} rounds)"
    ranked = sorted(chosen, key=lambda t: -chosen[t]["gain"])
    confirmed, dropped = confirm(python, base, head, ranked, work, rounds, min_gain, max_tests)
    for t, why in dropped:
        log(f"    not confirmed: {t} ({why})")
    if not confirmed:
        return None, (f"{len(chosen)} test(s) got faster in the shortlist, none when timed as SWE-Perf times "
                      f"a record (only its efficiency tests, in order)")
    best = list(confirmed)
    chosen = confirmed
    correctness = correctness_tests(best, base_times, not_passed, files, work.resolve())
    shutil.rmtree(work / "trees" / instance_id, ignore_errors=True)
    subject = message.splitlines()[0] if message else ""
    body = entry.get("problem_statement") or message
    record = {
        "instance_id": instance_id,
        "repo": repo,
        "base_commit": parent,
        "patch": patch,
        "test_patch": test_patch,
        "efficiency_test": best,
        "created_at": created_at,
        "version": version,
        "problem_statement": body + ("\n" if not body.endswith("\n") else ""),
        # sweperf's extension: the tests run for correctness, when the efficiency tests' whole
        # files would take too long in the sandbox (default: those files).
        **({"correctness_test": correctness} if correctness else {}),
        # Not SWE-Perf fields (sweperf ignores them): where the record came from and what the
        # native measurement found, for comparing fuel gains with wall-clock gains.
        "commit": commit,
        "subject": subject,
        "environment": env,
        "native": {"python": sys.version.split()[0], "rounds": rounds, "timed": TIMED, "tests": {t: chosen[t] for t in best},
                   "test_files_seconds": round(file_seconds, 3)},
    }
    if binary:
        log(f"    left out binary files: {', '.join(binary)}")
    return record, None


def write_records(out: Path, by_commit: dict) -> list:
    """Writes the records in the order of real-dev.commits.toml."""
    order = [e["commit"] for e in tomllib.loads(COMMITS.read_text())["commit"]]
    rank = lambda r: next((i for i, c in enumerate(order) if r["commit"].startswith(c)), len(order))
    records = sorted(by_commit.values(), key=rank)
    save_records(out, records)
    return records


def save_records(out: Path, records: list):
    """Writes `records` to `out`, one JSON object per line, replacing it whole (an interrupted
    write leaves the old file)."""
    tmp = out.with_suffix(".tmp")
    tmp.write_text("".join(json.dumps(r) + "\n" for r in records))
    tmp.replace(out)


def selected(only, ident: str, commit: str) -> bool:
    """Whether `--only` names this commit entry or record: part of its id, or a prefix of its
    commit (or the commit, written short, a prefix of the argument)."""
    return any(o in ident or commit.startswith(o) or o.startswith(commit) for o in only)


def record_base(r, mirrors: Path, work: Path, table: dict, entries: list):
    """(mirror, native python, base tree) for record `r`: the venv of the environment it was
    measured in (plus its commit entry's `native_requirements`), and its base commit unpacked
    under `work` with the test patch applied."""
    m = mirror(mirrors, r["repo"])
    env = r.get("environment") or choose_environment(table, r["repo"], r.get("version"), r.get("created_at"))
    entry = next((e for e in entries if r["commit"].startswith(e["commit"])), {})
    use_native_layers(table, env)
    python = venv_for(work, env, with_native(requirements(table, env), entry.get("native_requirements", [])))
    base = work / "trees" / r["instance_id"] / "base"
    unpack(m, r["base_commit"], base)
    apply_patch(base, r["test_patch"])
    return m, python, base


def cmd_build(args):
    table = tomllib.loads(ENV_TABLE.read_text())
    entries = tomllib.loads(COMMITS.read_text())["commit"]
    if args.only:
        entries = [e for e in entries if selected(args.only, e.get("id") or "", e["commit"])]
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    out = Path(args.out)
    existing = {}
    if out.exists() and (args.only or args.keep):
        for line in out.read_text().splitlines():
            if line.strip():
                r = json.loads(line)
                existing[r["commit"]] = r
    skipped = []
    for e in entries:
        try:
            if args.bonferroni:
                e = dict(e, bonferroni=True)
            rec, why = build_record(e, Path(args.mirrors), work, table, args.rounds, args.min_gain, args.max_tests)
        except Exception as exc:  # one bad commit must not stop the others
            rec, why = None, f"{type(exc).__name__}: {exc}"
        if rec is None:
            log(f"    SKIPPED: {why}")
            skipped.append((e["repo"], e["commit"], why))
            continue
        gains = ", ".join(f"{v['gain']:.0%}" for v in rec["native"]["tests"].values())
        log(f"    kept {len(rec['efficiency_test'])} test(s), native gains {gains}")
        existing[rec["commit"]] = rec
        write_records(out, existing)  # after each record: a long build can be interrupted
    records = write_records(out, existing)
    log(f"wrote {len(records)} record(s) to {out}; {len(skipped)} commit(s) left out")
    for repo, c, why in skipped:
        log(f"  left out {repo} {c}: {why}")


def cmd_correctness(args):
    """Recomputes `correctness_test` of the records in --out: one native run of the efficiency
    tests' files on the base (plus test_patch)."""
    table = tomllib.loads(ENV_TABLE.read_text())
    entries = tomllib.loads(COMMITS.read_text())["commit"]
    out = Path(args.out)
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    records = [json.loads(l) for l in out.read_text().splitlines() if l.strip()]
    for r in records:
        if args.only and not selected(args.only, r["instance_id"], r["commit"]):
            continue
        m, python, base = record_base(r, Path(args.mirrors), work, table, entries)
        files = sorted({t.split("::")[0] for t in r["efficiency_test"]})
        not_passed = set()
        times = run_pytest(python, base, files, work, 900, not_passed)
        c = correctness_tests(r["efficiency_test"], times, not_passed, work=work.resolve())
        r.pop("correctness_test", None)
        if c:
            r["correctness_test"] = c
        log(f"{r['instance_id']}: {len(times)} passed, {len(not_passed)} not; correctness_test "
            f"{'= the files' if c is None else f'{len(c)} tests'}")
        shutil.rmtree(work / "trees" / r["instance_id"], ignore_errors=True)
    save_records(out, records)


def cmd_confirm(args):
    """Re-times the records in --out as SWE-Perf's harness does (see `confirm`), drops the tests
    it does not confirm and the records left with none."""
    table = tomllib.loads(ENV_TABLE.read_text())
    entries = tomllib.loads(COMMITS.read_text())["commit"]
    out = Path(args.out)
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    records = [json.loads(l) for l in out.read_text().splitlines() if l.strip()]
    removed, changed = [], []
    for r in list(records):
        if args.only and not selected(args.only, r["instance_id"], r["commit"]):
            continue
        log(f"== {r['instance_id']}: {len(r['efficiency_test'])} efficiency test(s)")
        try:
            m, python, base = record_base(r, Path(args.mirrors), work, table, entries)
            head = base.parent / "head"
            unpack(m, r["commit"], head)
            tests = list(r["efficiency_test"])
            confirmed, dropped = confirm(python, base, head, tests, work, args.rounds, args.min_gain, len(tests))
        except Exception as exc:  # one bad record must not stop the others
            log(f"    ERROR {type(exc).__name__}: {exc} (record left as it was)")
            continue
        finally:
            shutil.rmtree(work / "trees" / r["instance_id"], ignore_errors=True)
        for t, why in dropped:
            log(f"    not confirmed: {t} ({why})")
        if not confirmed:
            records.remove(r)
            removed.append(r["instance_id"])
        else:
            if list(confirmed) != tests:
                changed.append(r["instance_id"])
            r["efficiency_test"] = list(confirmed)
            r["native"] = dict(r.get("native", {}), python=sys.version.split()[0], rounds=args.rounds, timed=TIMED,
                               tests=confirmed)
        save_records(out, records)  # after each record: a long run can be interrupted
    log(f"{len(records)} record(s) in {out}; fewer efficiency tests: {', '.join(changed) or 'none'}; "
        f"removed (none confirmed): {', '.join(removed) or 'none'}")
    if removed:
        log("  to choose their tests again from the start: real_dev.py build --only " + " ".join(
            i.rsplit("-", 1)[-1] for i in removed))


def cmd_search(args):
    repos = [args.repo] if args.repo else sorted({e["repo"] for e in tomllib.loads(COMMITS.read_text())["commit"]})
    for repo in repos:
        m = mirror(Path(args.mirrors), repo)
        print(f"== {repo}")
        # Merges of pull requests (first parent) and plain commits both count.
        out = git(m, "log", "--first-parent", f"--since={args.since}", f"--until={args.until}", "-i", "-E",
                  f"--grep={PERF_WORDS}", "--format=%h %cs %s", "--", "*.py")
        for line in out.splitlines():
            if not re.search(r"revert|typo|\bdocs?\b|\bci\b", line, re.I):
                print("  " + line)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("search")
    s.add_argument("--mirrors", required=True)
    s.add_argument("--repo")
    s.add_argument("--since", default="2019-01-01")
    s.add_argument("--until", default="2026-12-31")
    b = sub.add_parser("build")
    b.add_argument("--mirrors", required=True)
    b.add_argument("--only", nargs="*")
    b.add_argument("--rounds", type=int, default=5)
    b.add_argument("--min-gain", type=float, default=0.1)
    b.add_argument("--max-tests", type=int, default=3)
    b.add_argument("--bonferroni", action="store_true",
                   help="divide the p < 0.1 threshold by the number of shortlisted tests (fewer false positives)")
    b.add_argument("--work", default="/tmp/real-dev")
    b.add_argument("--out", default=str(DATASETS / "real-dev.jsonl"))
    b.add_argument("--keep", action="store_true", help="keep the records already in --out (default with --only)")
    c = sub.add_parser("correctness")
    c.add_argument("--mirrors", required=True)
    c.add_argument("--only", nargs="*")
    c.add_argument("--work", default="/tmp/real-dev")
    c.add_argument("--out", default=str(DATASETS / "real-dev.jsonl"))
    f = sub.add_parser("confirm")
    f.add_argument("--mirrors", required=True)
    f.add_argument("--only", nargs="*")
    f.add_argument("--rounds", type=int, default=7)
    f.add_argument("--min-gain", type=float, default=0.1)
    f.add_argument("--work", default="/tmp/real-dev")
    f.add_argument("--out", default=str(DATASETS / "real-dev.jsonl"))
    args = p.parse_args()
    {"build": cmd_build, "search": cmd_search, "correctness": cmd_correctness, "confirm": cmd_confirm}[args.cmd](args)


if __name__ == "__main__":
    main()
