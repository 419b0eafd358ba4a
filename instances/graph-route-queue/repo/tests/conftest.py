"""Shared fixtures: small hand-written graphs and a synthetic monorepo."""

from __future__ import annotations

import random

import pytest

from depgraph import DependencyGraph, parse_manifest

AREAS = ["core", "net", "storage", "auth", "billing", "search", "ui", "ml", "infra", "mobile"]
WORDS = ["util", "codec", "cache", "client", "server", "model", "proto", "schema", "index",
         "queue", "retry", "metrics", "config", "io", "crypto", "http", "sql", "rpc", "log", "time"]


def synthetic_manifest(seed: int = 2024, third_party: int = 120, protos: int = 200,
                       libs: int = 1200, services: int = 120, binaries: int = 50) -> str:
    """A realistic monorepo manifest.

    Layers: third-party packages and generated protos (leaves), libraries that
    depend on earlier libraries, services built from libraries, deployable
    binaries, and finally one test target per library and service.
    """
    rng = random.Random(seed)
    lines = ["# synthetic monorepo, generated for the test-suite"]
    tp = [f"third_party/{w}{i}" for i, w in enumerate(rng.choices(WORDS, k=third_party))]
    for name in tp:
        lines.append(f"{name} ; cost={rng.randint(5, 90)} owner=vendor")
    pr = [f"proto/{rng.choice(AREAS)}/{w}{i}" for i, w in enumerate(rng.choices(WORDS, k=protos))]
    for name in pr:
        lines.append(f"{name} ; cost={rng.randint(1, 4)}")
    lines.append("third_party/testkit ; cost=30 owner=vendor")
    lib_names: list[str] = []
    test_lines: list[str] = []
    for i in range(libs):
        name = f"lib/{rng.choice(AREAS)}/{rng.choice(WORDS)}_{i}"
        deps = rng.sample(tp, rng.randint(0, 2)) + rng.sample(pr, rng.randint(0, 2))
        if lib_names:
            # libraries mostly build on recent neighbours plus a few core ones
            window = lib_names[-60:]
            deps += rng.sample(window, min(len(window), rng.randint(1, 4)))
            deps += rng.sample(lib_names[:40], min(len(lib_names[:40]), rng.randint(0, 2)))
        deps = list(dict.fromkeys(deps))
        lines.append(f"{name}: {' '.join(deps)} ; cost={rng.randint(2, 40)}")
        test_lines.append(f"{name}_test: {name} third_party/testkit ; cost={rng.randint(1, 25)} kind=test")
        lib_names.append(name)
    svc_names = []
    for i in range(services):
        name = f"svc/{rng.choice(AREAS)}-{rng.choice(WORDS)}-{i}"
        deps = list(dict.fromkeys(rng.sample(lib_names, rng.randint(3, 9)) + rng.sample(pr, 2)))
        lines.append(f"{name}: {' '.join(deps)} ; cost={rng.randint(10, 60)}")
        test_lines.append(f"{name}_test: {name} third_party/testkit ; cost={rng.randint(5, 50)} kind=test")
        svc_names.append(name)
    for i in range(binaries):
        name = f"bin/{rng.choice(AREAS)}_{i}"
        deps = rng.sample(svc_names, rng.randint(1, 4))
        lines.append(f"{name}: {' '.join(deps)} ; cost={rng.randint(20, 120)}")
    lines.append("# tests")
    lines.extend(test_lines)
    return "\n".join(lines) + "\n"


@pytest.fixture
def diamond() -> DependencyGraph:
    """app -> (net, storage) -> core; app also uses log directly."""
    return DependencyGraph.from_mapping({
        "app": ["net", "storage", "log"],
        "net": ["core"],
        "storage": ["core", "log"],
        "core": [],
        "log": [],
    })


@pytest.fixture(scope="session")
def monorepo_text() -> str:
    return synthetic_manifest()


@pytest.fixture(scope="session")
def monorepo(monorepo_text) -> DependencyGraph:
    return parse_manifest(monorepo_text)
