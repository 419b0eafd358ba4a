#!/usr/bin/env bash
# Builds CPython 3.11.2 for WASI (wasm32-wasi, preview 1 command) at -O2, byte-for-byte
# reproducibly, from Debian bookworm's source package and toolchain. This script is the source
# of truth for the `python-3.11-o2` runtime: its outputs' SHA-256 are pinned in
# runtimes/python-3.11-o2.toml, and a rebuild that yields other bytes is refused by sweperf.
#
#   build.sh BUILD_DIR [DIST_DIR]
#
# BUILD_DIR (absolute, outside the repository) holds the sources, the native and the WASI
# builds and `out/`: python.wasm and stdlib.zip (the standard library folder the guest sees at
# /usr/local/lib/python3.11, as a stored zip).
# DIST_DIR, if given, receives the zstd-compressed copies that the repository commits.
#
# Environment: SKIP_APT=1 skips installing the toolchain (it is still checked); JOBS (default 2);
# DOWNLOADS (default BUILD_DIR/downloads) caches the source package.
#
# What is pinned, and why (each was a difference between two builds, or would be on another
# machine):
#   - the source: the orig tarball of Debian's python3.11 (upstream Python-3.11.2.tgz), by SHA-256;
#   - the toolchain: exact Debian versions of clang-16, lld-16, libclang-rt-16-dev-wasm32 and
#     wasi-libc, checked before building (another compiler makes other bytes);
#   - __DATE__/__TIME__ in Modules/getbuildinfo.c (sys.version): DATE/TIME are defined from
#     SOURCE_DATE_EPOCH (the release's file times) by patching the file's defaults;
#   - build paths: -ffile-prefix-map maps BUILD_DIR to /build; configure runs as ../src/configure
#     because its VPATH (the source folder) is compiled into Modules/getpath.o with -DVPATH=;
#     the sysconfig data, which records the configure command line and build folders, has
#     BUILD_DIR rewritten to /build too;
#   - no debug info: -g is dropped from OPT, and the link strips the DWARF that Debian's
#     wasi-libc carries (--strip-debug); the `name` section stays for readable traps;
#   - the hash seed (PYTHONHASHSEED=0) for every Python the build runs (frozen and deep-frozen
#     modules, .pyc files), the locale and the time zone;
#   - the standard library archive: sorted members, fixed times (SOURCE_DATE_EPOCH), fixed
#     permissions, stored; .pyc files compiled as unchecked-hash (no timestamps) with the
#     guest's paths as their file names;
#   - compression: zstd -19, single-threaded, so the committed files are the same too (sweperf
#     checks the decompressed bytes, so another zstd changes nothing that matters).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BUILD=${1:?usage: build.sh BUILD_DIR [DIST_DIR]}
DIST=${2:-}
case $BUILD in /*) ;; *) echo "BUILD_DIR must be absolute" >&2; exit 2 ;; esac
JOBS=${JOBS:-2}
DOWNLOADS=${DOWNLOADS:-$BUILD/downloads}

PY_VERSION=3.11.2
ORIG_TARBALL=python3.11_${PY_VERSION}.orig.tar.gz
ORIG_SHA256=2411c74bda5bbcfcddaf4531f66d1adc73f247f529aee981b029513aefdbf849
LLVM_DEB_VERSION=1:16.0.6-15~deb12u1
WASI_LIBC_DEB_VERSION=0.0~git20220510.9886d3d-2
# The modification time of the files in the release tarball (2023-02-07 13:37:00 UTC).
SOURCE_DATE_EPOCH=1675777020
OPT_FLAGS="-O2"
# configure turns pymalloc off for WASI by default; with it, a compute benchmark takes 17% less
# fuel and `import pytest` 7.5% less (README.md has the figures).

export SOURCE_DATE_EPOCH
export LC_ALL=C TZ=UTC PYTHONHASHSEED=0 PYTHONDONTWRITEBYTECODE=1 ZERO_AR_DATE=1
unset CFLAGS CPPFLAGS LDFLAGS CC CPP AR RANLIB PYTHONPATH PYTHONHOME MAKEFLAGS || true
umask 022

log() { printf '\n=== %s\n' "$*" >&2; }

# --- 1. toolchain ---------------------------------------------------------------------------
PACKAGES=(
  "clang-16=$LLVM_DEB_VERSION"
  "lld-16=$LLVM_DEB_VERSION"
  "llvm-16=$LLVM_DEB_VERSION"
  "libclang-rt-16-dev-wasm32=$LLVM_DEB_VERSION"
  "wasi-libc=$WASI_LIBC_DEB_VERSION"
)
if [ "${SKIP_APT:-0}" != 1 ]; then
  log "installing the toolchain from Debian"
  if ! grep -rqs '^Types: deb-src' /etc/apt/sources.list.d/ && ! grep -qs '^deb-src' /etc/apt/sources.list; then
    cat > /etc/apt/sources.list.d/sweperf-bookworm-src.sources <<'EOF'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  fi
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    "${PACKAGES[@]}" dpkg-dev zstd make gcc libc6-dev
fi
for spec in "${PACKAGES[@]}"; do
  pkg=${spec%%=*} want=${spec#*=}
  have=$(dpkg-query -W -f '${Version}' "$pkg" 2>/dev/null || true)
  if [ "$have" != "$want" ]; then
    echo "error: $pkg is '$have', this build is pinned to '$want' (other versions make other bytes)" >&2
    exit 1
  fi
done

# --- 2. source ------------------------------------------------------------------------------
mkdir -p "$DOWNLOADS"
if [ ! -f "$DOWNLOADS/$ORIG_TARBALL" ]; then
  log "fetching the python3.11 source package"
  (cd "$DOWNLOADS" && apt-get source --download-only python3.11)
fi
echo "$ORIG_SHA256  $DOWNLOADS/$ORIG_TARBALL" | sha256sum -c --quiet -

SRC=$BUILD/src
NATIVE_PY=$BUILD/native/python
if [ "${REUSE_NATIVE:-0}" = 1 ] && [ -x "$NATIVE_PY" ] && [ -f "$BUILD/native/.complete" ]; then
  # For iterating on the WASI stage only: keeps src/ and native/ from a finished run.
  log "reusing $BUILD/src and $BUILD/native"
  rm -rf "$BUILD/wasi" "$BUILD/out"
  mkdir -p "$BUILD/wasi" "$BUILD/out"
else
log "unpacking into $BUILD/src"
rm -rf "$BUILD/src" "$BUILD/native" "$BUILD/wasi" "$BUILD/out"
mkdir -p "$BUILD/src" "$BUILD/native" "$BUILD/wasi" "$BUILD/out"
tar -xzf "$DOWNLOADS/$ORIG_TARBALL" -C "$BUILD/src" --strip-components=1 --no-same-owner

# sys.version's build date: from SOURCE_DATE_EPOCH instead of the compiler's clock.
BUILD_DATE=$(date -u -d "@$SOURCE_DATE_EPOCH" '+%b %e %Y')
BUILD_TIME=$(date -u -d "@$SOURCE_DATE_EPOCH" '+%H:%M:%S')
sed -i "s|^#define DATE __DATE__\$|#define DATE \"$BUILD_DATE\"|; s|^#define TIME __TIME__\$|#define TIME \"$BUILD_TIME\"|" \
  "$SRC/Modules/getbuildinfo.c"
grep -q "#define DATE \"$BUILD_DATE\"" "$SRC/Modules/getbuildinfo.c"
grep -q "#define TIME \"$BUILD_TIME\"" "$SRC/Modules/getbuildinfo.c"
# Keep the patched file's time so make's view of what is up to date does not change.
touch -d "@$SOURCE_DATE_EPOCH" "$SRC/Modules/getbuildinfo.c"

# --- 3. native build (the build Python: freezes modules, compiles .pyc) ----------------------
log "native build"
(
  cd "$BUILD/native"
  "$SRC/configure" -q --without-ensurepip
  make -s -j"$JOBS"
) > "$BUILD/native.log" 2>&1 || { tail -40 "$BUILD/native.log" >&2; exit 1; }
touch "$BUILD/native/.complete"
fi
"$NATIVE_PY" -c 'import sys; assert sys.version_info[:3] == (3, 11, 2), sys.version'

# --- 4. WASI build --------------------------------------------------------------------------
log "WASI build ($OPT_FLAGS)"
PREFIX_MAP="-ffile-prefix-map=$BUILD=/build -fdebug-prefix-map=$BUILD=/build -fmacro-prefix-map=$BUILD=/build"
(
  cd "$BUILD/wasi"
  # configure runs from a relative source folder: its VPATH is compiled into getpath.o.
  CONFIG_SITE="$SRC/Tools/wasm/config.site-wasm32-wasi" \
  CC="clang-16 --target=wasm32-wasi" \
  CPP="clang-cpp-16 --target=wasm32-wasi" \
  AR=llvm-ar-16 RANLIB=llvm-ranlib-16 READELF=true \
  LDSHARED=wasm-ld-16 \
  PKG_CONFIG_LIBDIR=/nonexistent PKG_CONFIG_PATH= \
  OPT="-fwrapv $OPT_FLAGS -Wall" \
  CFLAGS="-Wno-int-conversion -Wno-incompatible-function-pointer-types $PREFIX_MAP" \
  LDFLAGS="-Wl,--strip-debug" \
  ../src/configure -q -C \
    --host=wasm32-unknown-wasi \
    --build="$("$SRC/config.guess")" \
    --with-build-python="$NATIVE_PY" \
    --prefix=/usr/local \
    --without-ensurepip \
    --disable-test-modules \
    --with-pymalloc
  make -s -j"$JOBS"
) > "$BUILD/wasi.log" 2>&1 || { tail -40 "$BUILD/wasi.log" >&2; exit 1; }
grep -q -- "-O2" "$BUILD/wasi/Makefile"

# --- 5. outputs -----------------------------------------------------------------------------
log "assembling the outputs"
OUT=$BUILD/out
cp "$BUILD/wasi/python.wasm" "$OUT/python.wasm"
PYBUILDDIR=$(cat "$BUILD/wasi/pybuilddir.txt")
"$NATIVE_PY" -s "$HERE/stdlib.py" \
  --lib "$SRC/Lib" \
  --sysconfig "$BUILD/wasi/$PYBUILDDIR" \
  --build-root "$BUILD" \
  --epoch "$SOURCE_DATE_EPOCH" \
  --out "$OUT/stdlib.zip"
touch -d "@$SOURCE_DATE_EPOCH" "$OUT/python.wasm" "$OUT/stdlib.zip"

if [ -n "$DIST" ]; then
  mkdir -p "$DIST"
  for f in python.wasm stdlib.zip; do
    zstd -19 --single-thread --quiet --force --stdout "$OUT/$f" > "$DIST/$f.zst"
  done
fi

log "done"
(cd "$OUT" && sha256sum python.wasm stdlib.zip && ls -l python.wasm stdlib.zip)
if [ -n "$DIST" ]; then (cd "$DIST" && sha256sum ./*.zst && ls -l ./*.zst); fi
