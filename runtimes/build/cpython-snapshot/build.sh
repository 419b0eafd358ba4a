#!/usr/bin/env bash
# Builds the reactor the `python-3.13-o2-pytest` runtime pre-initialises: CPython 3.13.5 for WASI
# exactly as runtimes/build/cpython-full/build.sh builds python-3.13-o2-full (that script runs
# first, unchanged, and its python.wasm and stdlib.zip are the runtime's plain interpreter and
# standard library), then the same objects linked a second time as a WASI reactor, with
# snapshot.c in place of Programs/python.o (reactor.mk). The reactor's SHA-256 is pinned in
# runtimes/python-3.13-o2-pytest.toml (`snapshot.sha256`): a rebuild that yields other bytes is
# refused. The snapshot itself is made by sweperf when it provisions the runtime (see
# src/sandbox/snapshot.rs), and its SHA-256 is pinned beside.
#
#   build.sh BUILD_DIR [DIST_DIR]
#
# BUILD_DIR and the environment as for ../cpython-full/build.sh (REUSE_NATIVE=1 and SKIP_APT=1
# work the same); DIST_DIR, if given, receives dist/python-reactor.wasm.zst (zstd -19).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BUILD=${1:?usage: build.sh BUILD_DIR [DIST_DIR]}
DIST=${2:-}
case $BUILD in /*) ;; *) echo "BUILD_DIR must be absolute" >&2; exit 2 ;; esac

"$HERE/../cpython-full/build.sh" 3.13 "$BUILD"

# As the full build pins them (see its header): the build date, locale, time zone, hash seed.
export SOURCE_DATE_EPOCH=1749656217
export LC_ALL=C TZ=UTC PYTHONHASHSEED=0 PYTHONDONTWRITEBYTECODE=1 ZERO_AR_DATE=1
unset CFLAGS CPPFLAGS LDFLAGS CC CPP AR RANLIB PYTHONPATH PYTHONHOME MAKEFLAGS || true
umask 022

printf '\n=== %s\n' "reactor link (snapshot.c)" >&2
# snapshot.c is copied into the build folder, so its path (like every other source's) is under
# BUILD_DIR, which the build's -ffile-prefix-map maps to /build.
cp "$HERE/snapshot.c" "$BUILD/wasi/sweperf_snapshot.c"
rm -f "$BUILD/wasi/Programs/sweperf_snapshot.o" "$BUILD/wasi/python-reactor.wasm"
make -s -C "$BUILD/wasi" -f Makefile -f "$HERE/reactor.mk" SWEPERF_SNAPSHOT_C=sweperf_snapshot.c python-reactor.wasm \
  > "$BUILD/reactor.log" 2>&1 || { tail -40 "$BUILD/reactor.log" >&2; exit 1; }
cp "$BUILD/wasi/python-reactor.wasm" "$BUILD/out/python-reactor.wasm"
touch -d "@$SOURCE_DATE_EPOCH" "$BUILD/out/python-reactor.wasm"

if [ -n "$DIST" ]; then
  mkdir -p "$DIST"
  zstd -19 --single-thread --quiet --force --stdout "$BUILD/out/python-reactor.wasm" > "$DIST/python-reactor.wasm.zst"
fi
(cd "$BUILD/out" && sha256sum python.wasm stdlib.zip python-reactor.wasm)
if [ -n "$DIST" ]; then (cd "$DIST" && sha256sum ./*.zst && ls -l ./*.zst); fi
