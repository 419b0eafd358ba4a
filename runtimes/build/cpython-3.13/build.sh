#!/usr/bin/env bash
# Builds CPython 3.13.5 for WASI (wasm32-wasi, preview 1 command) at -O2, byte-for-byte
# reproducibly: the source from Debian trixie's python3.13 source package, the C library from
# trixie's architecture-independent wasi-libc package (unpacked into the build folder, not
# installed), the compiler from Debian bookworm (clang-16, the one the 3.11 recipe uses). This
# script is the source of truth for the `python-3.13-o2` runtime: its outputs' SHA-256 are pinned
# in runtimes/python-3.13-o2.toml, and a rebuild that yields other bytes is refused by sweperf.
#
#   build.sh BUILD_DIR [DIST_DIR]
#
# BUILD_DIR (absolute, outside the repository) holds the sources, the sysroot, the native and
# the WASI builds and `out/`: python.wasm and stdlib.zip (the standard library folder the guest
# sees at /usr/local/lib/python3.13, as a stored zip).
# DIST_DIR, if given, receives the zstd-compressed copies that the repository commits.
#
# Environment: SKIP_APT=1 skips installing bookworm's toolchain (it is still checked); JOBS
# (default 2); DOWNLOADS (default BUILD_DIR/downloads) caches the two trixie files.
#
# Trixie is reached through an apt configuration of its own in DOWNLOADS/apt (its own source
# list, package lists and cache, an empty status file): the machine's apt sources and installed
# packages are not touched, and nothing from trixie is installed.
#
# What is pinned, and why (as for 3.11, runtimes/build/cpython-3.11/build.sh, which this follows;
# each was a difference between two builds, or would be on another machine):
#   - the source: the orig tarball of Debian trixie's python3.13 (upstream Python-3.13.5.tar.xz),
#     by SHA-256;
#   - the C library: trixie's wasi-libc .deb, by version and SHA-256 (CPython 3.13 wants a
#     WASI SDK of 2024 or later; bookworm's wasi-libc of 2022 is too old for it);
#   - the compiler: exact bookworm versions of clang-16, lld-16, llvm-16 and
#     libclang-rt-16-dev-wasm32, checked before building;
#   - __DATE__/__TIME__ in Modules/getbuildinfo.c (sys.version): from SOURCE_DATE_EPOCH;
#   - build paths: -ffile-prefix-map maps BUILD_DIR (sources and sysroot) to /build; configure
#     runs as ../src/configure (its VPATH reaches Modules/getpath.o); the sysconfig data has
#     BUILD_DIR rewritten to /build;
#   - no debug info: -g is dropped from OPT, the link strips the DWARF (--strip-debug); the
#     `name` section stays for readable traps;
#   - PYTHONHASHSEED=0 for every Python the build runs, LC_ALL=C, TZ=UTC, umask 022;
#   - the standard library archive: see stdlib.py;
#   - compression: zstd -19, single-threaded.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BUILD=${1:?usage: build.sh BUILD_DIR [DIST_DIR]}
DIST=${2:-}
case $BUILD in /*) ;; *) echo "BUILD_DIR must be absolute" >&2; exit 2 ;; esac
JOBS=${JOBS:-2}
DOWNLOADS=${DOWNLOADS:-$BUILD/downloads}

PY_VERSION=3.13.5
ORIG_TARBALL=python3.13_${PY_VERSION}.orig.tar.xz
ORIG_SHA256=93e583f243454e6e9e4588ca2c2662206ad961659863277afcdb96801647d640
WASI_LIBC_VERSION=0.0~git20241209.574b88d-2
WASI_LIBC_DEB=wasi-libc_${WASI_LIBC_VERSION}_all.deb
WASI_LIBC_SHA256=b7716260051d289248b7667f81fa2792c125d888ff51da3fa09c6272cc0bd11d
LLVM_DEB_VERSION=1:16.0.6-15~deb12u1
# The modification time of the files in the release tarball (2025-06-11 15:36:57 UTC).
SOURCE_DATE_EPOCH=1749656217
OPT_FLAGS="-O2"

export SOURCE_DATE_EPOCH
export LC_ALL=C TZ=UTC PYTHONHASHSEED=0 PYTHONDONTWRITEBYTECODE=1 ZERO_AR_DATE=1
unset CFLAGS CPPFLAGS LDFLAGS CC CPP AR RANLIB PYTHONPATH PYTHONHOME MAKEFLAGS || true
umask 022

log() { printf '\n=== %s\n' "$*" >&2; }

# --- 1. compiler (bookworm) -----------------------------------------------------------------
PACKAGES=(
  "clang-16=$LLVM_DEB_VERSION"
  "lld-16=$LLVM_DEB_VERSION"
  "llvm-16=$LLVM_DEB_VERSION"
  "libclang-rt-16-dev-wasm32=$LLVM_DEB_VERSION"
)
if [ "${SKIP_APT:-0}" != 1 ]; then
  log "installing the compiler from Debian"
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    "${PACKAGES[@]}" dpkg-dev zstd make gcc libc6-dev xz-utils ca-certificates
fi
for spec in "${PACKAGES[@]}"; do
  pkg=${spec%%=*} want=${spec#*=}
  have=$(dpkg-query -W -f '${Version}' "$pkg" 2>/dev/null || true)
  if [ "$have" != "$want" ]; then
    echo "error: $pkg is '$have', this build is pinned to '$want' (other versions make other bytes)" >&2
    exit 1
  fi
done

# --- 2. source and C library (trixie, through a private apt configuration) -------------------
mkdir -p "$DOWNLOADS"
if [ ! -f "$DOWNLOADS/$ORIG_TARBALL" ] || [ ! -f "$DOWNLOADS/$WASI_LIBC_DEB" ]; then
  log "fetching python3.13's source and wasi-libc from trixie"
  APT=$DOWNLOADS/apt
  mkdir -p "$APT/lists/partial" "$APT/cache/archives/partial"
  cat > "$APT/sources.list" <<'SOURCES'
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main
deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main
SOURCES
  : > "$APT/status"
  apt_trixie() {
    apt-get -q -o Dir::Etc::SourceList="$APT/sources.list" -o Dir::Etc::SourceParts=/nonexistent \
      -o Dir::State::Lists="$APT/lists" -o Dir::Cache="$APT/cache" -o Dir::State::Status="$APT/status" \
      -o APT::Sandbox::User=root "$@"
  }
  apt_trixie update
  # The Debian revision of the source package may move with trixie's point releases; the orig
  # tarball (upstream's release) does not, and it is what is checked.
  (cd "$DOWNLOADS" && apt_trixie source --download-only python3.13)
  (cd "$DOWNLOADS" && apt_trixie download "wasi-libc=$WASI_LIBC_VERSION")
fi
echo "$ORIG_SHA256  $DOWNLOADS/$ORIG_TARBALL" | sha256sum -c --quiet -
echo "$WASI_LIBC_SHA256  $DOWNLOADS/$WASI_LIBC_DEB" | sha256sum -c --quiet -

SRC=$BUILD/src
SYSROOT=$BUILD/sysroot/usr
NATIVE_PY=$BUILD/native/python
if [ "${REUSE_NATIVE:-0}" = 1 ] && [ -x "$NATIVE_PY" ] && [ -f "$BUILD/native/.complete" ]; then
  # For iterating on the WASI stage only: keeps src/, sysroot/ and native/ from a finished run.
  log "reusing $BUILD/src, $BUILD/sysroot and $BUILD/native"
  rm -rf "$BUILD/wasi" "$BUILD/out"
  mkdir -p "$BUILD/wasi" "$BUILD/out"
else
log "unpacking into $BUILD/src and $BUILD/sysroot"
rm -rf "$BUILD/src" "$BUILD/sysroot" "$BUILD/native" "$BUILD/wasi" "$BUILD/out"
mkdir -p "$BUILD/src" "$BUILD/sysroot" "$BUILD/native" "$BUILD/wasi" "$BUILD/out"
tar -xJf "$DOWNLOADS/$ORIG_TARBALL" -C "$SRC" --strip-components=1 --no-same-owner
dpkg-deb -x "$DOWNLOADS/$WASI_LIBC_DEB" "$BUILD/sysroot"

# sys.version's build date: from SOURCE_DATE_EPOCH instead of the compiler's clock.
BUILD_DATE=$(date -u -d "@$SOURCE_DATE_EPOCH" '+%b %e %Y')
BUILD_TIME=$(date -u -d "@$SOURCE_DATE_EPOCH" '+%H:%M:%S')
sed -i "s|^#define DATE __DATE__\$|#define DATE \"$BUILD_DATE\"|; s|^#define TIME __TIME__\$|#define TIME \"$BUILD_TIME\"|" \
  "$SRC/Modules/getbuildinfo.c"
grep -q "#define DATE \"$BUILD_DATE\"" "$SRC/Modules/getbuildinfo.c"
grep -q "#define TIME \"$BUILD_TIME\"" "$SRC/Modules/getbuildinfo.c"
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
"$NATIVE_PY" -c 'import sys; assert sys.version_info[:3] == (3, 13, 5), sys.version'

# --- 4. WASI build --------------------------------------------------------------------------
log "WASI build ($OPT_FLAGS)"
PREFIX_MAP="-ffile-prefix-map=$BUILD=/build -fdebug-prefix-map=$BUILD=/build -fmacro-prefix-map=$BUILD=/build"
(
  cd "$BUILD/wasi"
  # configure runs from a relative source folder: its VPATH is compiled into getpath.o.
  CONFIG_SITE="$SRC/Tools/wasm/config.site-wasm32-wasi" \
  CC="clang-16 --target=wasm32-wasi --sysroot=$SYSROOT" \
  CPP="clang-cpp-16 --target=wasm32-wasi --sysroot=$SYSROOT" \
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
    --without-system-libmpdec \
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
