"""Packs CPython's standard library for the WASI runtime, deterministically.

Run by build.sh with the native build's own Python (same version as the WASI one, so the .pyc
magic matches), under PYTHONHASHSEED=0. Takes `Lib/` minus test suites and what cannot work in
WASI (tkinter, idlelib, turtledemo, ensurepip, msilib), adds the build's sysconfig data with the
build folder rewritten to /build, and compiles every module to an unchecked-hash .pyc in
`__pycache__` whose file names are the guest's paths. The result is the folder the guest sees
at /usr/local/lib/python3.11 (with an empty `lib-dynload/`, so the interpreter finds both of its
landmarks), written as a stored zip: sorted members, fixed times and modes.

A folder rather than zipimport: the interpreter mounts it directly, and start-up is cheaper
(`-c pass` 84 M fuel against 195 M for /usr/local/lib/python311.zip, whose directory zipimport
parses in Python on every start).
"""

import argparse
import importlib.util
import os
import sys
import time
import zipfile
from importlib._bootstrap_external import _code_to_hash_pyc

EXCLUDED_DIRS = {
    "test", "tests", "idle_test", "__pycache__",
    "idlelib", "tkinter", "turtledemo", "ensurepip", "msilib", "__phello__", "site-packages",
}
EXCLUDED_FILES = {"turtle.py"}
GUEST = "/usr/local/lib/python3.11"
EMPTY_DIRS = ["lib-dynload/"]


def library_files(lib):
    """(relative path, bytes) of the library's files, sorted by path."""
    out = []
    for root, dirs, files in os.walk(lib):
        dirs[:] = sorted(d for d in dirs if d not in EXCLUDED_DIRS)
        for name in sorted(files):
            if name in EXCLUDED_FILES or name.endswith((".pyc", ".pyo")):
                continue
            path = os.path.join(root, name)
            rel = os.path.relpath(path, lib).replace(os.sep, "/")
            with open(path, "rb") as f:
                out.append((rel, f.read()))
    return out


def sysconfig_files(builddir, build_root):
    out = []
    for name in sorted(os.listdir(builddir)):
        if not name.endswith(".py"):
            continue
        with open(os.path.join(builddir, name), "rb") as f:
            data = f.read()
        # The sysconfig data records configure's command line and the build folders.
        data = data.replace(build_root.encode(), b"/build")
        out.append((name, data))
    return out


def pyc(source, filename):
    code = compile(source, filename, "exec", dont_inherit=True, optimize=0)
    return bytes(_code_to_hash_pyc(code, importlib.util.source_hash(source), checked=False))


def members(files):
    """The folder's files: sources, data files and each module's .pyc."""
    out = {}
    for rel, data in files:
        out[rel] = data
        if rel.endswith(".py"):
            head, _, base = rel.rpartition("/")
            cache = (head + "/" if head else "") + "__pycache__/" + base[:-3] + f".{sys.implementation.cache_tag}.pyc"
            out[cache] = pyc(data, f"{GUEST}/{rel}")
    return out


def write_zip(entries, out, epoch):
    date_time = time.gmtime(max(epoch, 315532800))[:6]
    dirs = set(EMPTY_DIRS)
    for name in entries:
        parts = name.split("/")[:-1]
        for i in range(1, len(parts) + 1):
            dirs.add("/".join(parts[:i]) + "/")
    tmp = out + ".tmp"
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_STORED) as z:
        for name in sorted(set(entries) | dirs):
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.create_system = 3
            info.compress_type = zipfile.ZIP_STORED
            if name.endswith("/"):
                info.external_attr = (0o40755 << 16) | 0x10
                z.writestr(info, b"")
            else:
                info.external_attr = 0o100644 << 16
                z.writestr(info, entries[name])
    os.replace(tmp, out)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--lib", required=True)
    p.add_argument("--sysconfig", required=True, help="the build's build/lib.wasi-wasm32-3.11")
    p.add_argument("--build-root", required=True)
    p.add_argument("--epoch", type=int, required=True)
    p.add_argument("--out", required=True, help="the zip to write")
    a = p.parse_args()
    if sys.flags.hash_randomization:
        sys.exit("stdlib.py: run with PYTHONHASHSEED=0 (set ordering reaches the .pyc files)")
    files = library_files(a.lib) + sysconfig_files(a.sysconfig, a.build_root)
    names = [rel for rel, _ in files]
    if len(names) != len(set(names)):
        sys.exit("stdlib.py: the sysconfig data collides with a library file")
    entries = members(files)
    write_zip(entries, a.out, a.epoch)
    print(f"{a.out}: {len(entries)} files, {sum(map(len, entries.values()))} bytes", file=sys.stderr)


if __name__ == "__main__":
    main()
