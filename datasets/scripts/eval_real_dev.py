#!/usr/bin/env python3
"""Evaluates the expert patches of datasets/real-dev.jsonl with sweperf, given a folder of mirrors,
and prints per repository: records, valid, gold correct, mean fuel gain (and the mean native
gain the dataset recorded for the same tests, for comparison).

    eval_real_dev.py --mirrors DIR [--dataset FILE] [--sweperf PATH] [--run-id ID]
                     [--output-dir DIR] [--jobs N] [--repo OWNER/NAME ...] [--report-only]

A mirror of OWNER/NAME is found under DIR as OWNER+NAME/repo (this project's mirror cache),
OWNER__NAME or OWNER/NAME, bare or not; the script links them into a --repos-dir for sweperf
(which only reads them). Without --report-only it runs

    sweperf eval --dataset FILE --repos-dir LINKS --predictions gold --run-id ID --jobs N

(resumable: the same --run-id continues where it stopped), then reads every instance's
report.json. Records that sweperf could not import (malformed, commit missing) count as not
valid.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections import OrderedDict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def find_mirror(mirrors: Path, repo: str):
    owner, name = repo.split("/")
    for c in (mirrors / f"{owner}+{name}" / "repo", mirrors / f"{owner}__{name}", mirrors / owner / name):
        if (c / "HEAD").is_file() or (c / ".git").exists():
            return c.resolve()
    return None


def spearman(xs, ys):
    def ranks(v):
        order = sorted(range(len(v)), key=lambda i: v[i])
        r = [0.0] * len(v)
        i = 0
        while i < len(v):
            j = i
            while j + 1 < len(v) and v[order[j + 1]] == v[order[i]]:
                j += 1
            for k in range(i, j + 1):
                r[order[k]] = (i + j) / 2
            i = j + 1
        return r
    if len(xs) < 3:
        return None
    rx, ry = ranks(xs), ranks(ys)
    mx, my = statistics.mean(rx), statistics.mean(ry)
    num = sum((a - mx) * (b - my) for a, b in zip(rx, ry))
    den = (sum((a - mx) ** 2 for a in rx) * sum((b - my) ** 2 for b in ry)) ** 0.5
    return num / den if den else None


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--mirrors", required=True)
    p.add_argument("--dataset", default=str(ROOT / "datasets" / "real-dev.jsonl"))
    p.add_argument("--sweperf", default=str(ROOT / "target" / "release" / "sweperf"))
    p.add_argument("--run-id", default="real-dev")
    p.add_argument("--output-dir", default="sweperf-runs")
    p.add_argument("--jobs", default="1")
    p.add_argument("--repo", nargs="*", help="only these repositories")
    p.add_argument("--report-only", action="store_true", help="do not run sweperf, only read the reports")
    p.add_argument("--verbose", action="store_true", help="one line per instance and test")
    args = p.parse_args()

    records = [json.loads(l) for l in Path(args.dataset).read_text().splitlines() if l.strip()]
    if args.repo:
        records = [r for r in records if r.get("repo") in args.repo]
    dataset = Path(args.dataset)
    links = Path(tempfile.mkdtemp(prefix="real-dev-repos-"))
    try:
        if args.repo:
            dataset = links / "subset.jsonl"
            dataset.write_text("".join(json.dumps(r) + "\n" for r in records))
        for repo in sorted({r.get("repo", "") for r in records if "/" in r.get("repo", "")}):
            m = find_mirror(Path(args.mirrors), repo)
            if m is None:
                print(f"no mirror of {repo} under {args.mirrors}; its records will not be evaluated", file=sys.stderr)
                continue
            owner, name = repo.split("/")
            os.symlink(m, links / f"{owner}__{name}")
        if not args.report_only:
            cmd = [args.sweperf, "eval", "--dataset", str(dataset), "--repos-dir", str(links), "--predictions", "gold",
                   "--run-id", args.run_id, "--output-dir", args.output_dir, "--jobs", args.jobs]
            print("running: " + " ".join(cmd), file=sys.stderr)
            subprocess.run(cmd, check=False)
    finally:
        shutil.rmtree(links, ignore_errors=True)

    run_dir = Path(args.output_dir) / args.run_id / "gold"
    rows = OrderedDict()
    pairs = []
    for r in records:
        repo = r.get("repo", "?")
        row = rows.setdefault(repo, {"records": 0, "valid": 0, "correct": 0, "fuel": [], "native": [], "statuses": {}})
        row["records"] += 1
        report_path = run_dir / r.get("instance_id", "?") / "report.json"
        if not report_path.exists():
            row["statuses"]["not evaluated"] = row["statuses"].get("not evaluated", 0) + 1
            continue
        rep = json.loads(report_path.read_text())
        status = rep.get("status", "?")
        row["statuses"][status] = row["statuses"].get(status, 0) + 1
        if status in ("invalid", "unsupported", "error"):
            if args.verbose:
                print(f"{r['instance_id']}: {status}: {(rep.get('detail') or '')[:300]}")
            continue
        row["valid"] += 1
        row["correct"] += int(bool(rep.get("correct")))
        row["fuel"].append(rep.get("performance", 0.0))
        native = (r.get("native") or {}).get("tests", {})
        row["native"].append(statistics.mean(v["gain"] for v in native.values()) if native else 0.0)
        for t in rep.get("efficiency_tests", []):
            if t.get("nodeid") in native and rep.get("correct"):
                pairs.append((repo, t["nodeid"], t.get("gain", 0.0), native[t["nodeid"]]["gain"]))
        if args.verbose:
            print(f"{r['instance_id']}: {status} fuel {rep.get('performance', 0):.1%} native {row['native'][-1]:.1%} "
                  f"{(rep.get('detail') or '')[:200]}")

    print(f"\n{'repository':<32} {'records':>7} {'valid':>5} {'gold correct':>12} {'mean fuel gain':>14} {'mean native gain':>16}  statuses")
    for repo, row in rows.items():
        fuel = f"{statistics.mean(row['fuel']):.1%}" if row["fuel"] else "-"
        native = f"{statistics.mean(row['native']):.1%}" if row["native"] else "-"
        statuses = ", ".join(f"{k} {v}" for k, v in sorted(row["statuses"].items()))
        print(f"{repo:<32} {row['records']:>7} {row['valid']:>5} {row['correct']:>12} {fuel:>14} {native:>16}  {statuses}")
    if pairs:
        agree = sum(1 for *_, f, n in pairs if (f > 0.01) == (n > 0.01))
        rho = spearman([f for *_, f, n in pairs], [n for *_, f, n in pairs])
        gap = statistics.mean(abs(f - n) for *_, f, n in pairs)
        print(f"\nper test (gold correct): {len(pairs)} tests, fuel and native gain agree in sign on {agree}, "
              f"Spearman {rho:.2f}" if rho is not None else f"\nper test: {len(pairs)} tests, sign agreement {agree}",
              end="")
        print(f", mean |fuel - native| {gap:.1%}")
        if args.verbose:
            for repo, node, f, n in pairs:
                print(f"  {node}: fuel {f:.1%} native {n:.1%}")


if __name__ == "__main__":
    main()
