#!/usr/bin/env bash
# Builds CPython 3.11.2 or 3.13.5 for WASI (wasm32-wasi, preview 1 command) at -O2, byte-for-byte
# reproducibly, with zlib, bzip2, xz (liblzma) and SQLite compiled for wasm32-wasi from Debian
# bookworm's source packages and linked in statically, so `zlib`, `_bz2`, `_lzma`, `_sqlite3`
# (and `binascii` with zlib's crc32) are built-in modules. This script is the source of truth for
# the `python-3.11-o2-full` and `python-3.13-o2-full` runtimes: their outputs' SHA-256 are pinned
# in runtimes/python-3.1X-o2-full.toml, and a rebuild that yields other bytes is refused.
#
#   build.sh VERSION BUILD_DIR [DIST_DIR]
#
# VERSION is 3.11 or 3.13. CPython's source and C library are those of the runtime without the
# libraries (python-3.X-o2, runtimes/build/cpython-3.X/, whose recipe this one follows and does
# not change): 3.11.2 from bookworm with bookworm's wasi-libc, 3.13.5 from trixie with trixie's
# wasi-libc (unpacked into the build folder, not installed); the compiler is bookworm's clang-16
# for both, and the libraries are compiled for each version against its C library.
# BUILD_DIR (absolute, outside the repository) holds the sources, the native and the WASI builds
# and `out/`: python.wasm and stdlib.zip (the standard library folder the guest sees at
# /usr/local/lib/python3.X, as a stored zip).
# DIST_DIR, if given, receives the zstd-compressed copies that the repository commits.
#
# Environment: SKIP_APT=1 skips installing bookworm's packages (they are still checked); JOBS
# (default 2); DOWNLOADS (default BUILD_DIR/downloads) caches the source packages.
#
# What is pinned, and why (each was a difference between two builds, or would be on another
# machine; runtimes/build/cpython-3.11/README.md tells how each was found):
#   - the sources: the orig tarballs of CPython and of bookworm's zlib, bzip2, xz-utils and
#     sqlite3 source packages (upstream's releases), by SHA-256; Debian's own patches are not
#     applied (as for CPython), so a new Debian revision changes nothing;
#   - the C library (3.13: trixie's wasi-libc .deb by SHA-256; 3.11: bookworm's installed
#     wasi-libc by version) and the compiler: exact Debian versions, checked before building;
#     tcl8.6 too, which generates SQLite's amalgamation (sqlite3.c) from its source tree;
#   - __DATE__/__TIME__ in Modules/getbuildinfo.c (sys.version): from SOURCE_DATE_EPOCH;
#   - build paths: -ffile-prefix-map maps BUILD_DIR (sources, libraries, sysroot) to /build, for
#     the libraries too; configure runs as ../src/configure (its VPATH reaches getpath.o); the
#     sysconfig data, which records configure's command line (with the libraries' -I and -L
#     folders), has BUILD_DIR rewritten to /build;
#   - no debug info: -g is dropped from OPT, the link strips the DWARF (--strip-debug); the
#     `name` section stays for readable traps;
#   - archives: llvm-ar (deterministic by default: no times, owners or modes), ZERO_AR_DATE;
#   - PYTHONHASHSEED=0 for every Python the build runs, LC_ALL=C, TZ=UTC, umask 022;
#   - the standard library archive: see stdlib.py (sorted, fixed times and modes, stored,
#     unchecked-hash .pyc with the guest's paths);
#   - compression: zstd -19, single-threaded.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
VERSION=${1:?usage: build.sh 3.11|3.13 BUILD_DIR [DIST_DIR]}
BUILD=${2:?usage: build.sh 3.11|3.13 BUILD_DIR [DIST_DIR]}
DIST=${3:-}
case $BUILD in /*) ;; *) echo "BUILD_DIR must be absolute" >&2; exit 2 ;; esac
JOBS=${JOBS:-2}
DOWNLOADS=${DOWNLOADS:-$BUILD/downloads}

LLVM_DEB_VERSION=1:16.0.6-15~deb12u1
TCL_DEB_VERSION=8.6.13+dfsg-2
case $VERSION in
  3.11)
    PY_VERSION=3.11.2
    ORIG_TARBALL=python3.11_${PY_VERSION}.orig.tar.gz
    ORIG_SHA256=2411c74bda5bbcfcddaf4531f66d1adc73f247f529aee981b029513aefdbf849
    # bookworm's wasi-libc, installed (clang-16 finds it without --sysroot).
    WASI_LIBC_VERSION=0.0~git20220510.9886d3d-2
    WASI_LIBC_DEB=
    # The modification time of the files in the release tarball (2023-02-07 13:37:00 UTC).
    SOURCE_DATE_EPOCH=1675777020
    EXTRA_CONFIGURE=()
    ;;
  3.13)
    PY_VERSION=3.13.5
    ORIG_TARBALL=python3.13_${PY_VERSION}.orig.tar.xz
    ORIG_SHA256=93e583f243454e6e9e4588ca2c2662206ad961659863277afcdb96801647d640
    # trixie's wasi-libc, unpacked into BUILD_DIR/sysroot (CPython 3.13 wants a 2024 one).
    WASI_LIBC_VERSION=0.0~git20241209.574b88d-2
    WASI_LIBC_DEB=wasi-libc_${WASI_LIBC_VERSION}_all.deb
    WASI_LIBC_SHA256=b7716260051d289248b7667f81fa2792c125d888ff51da3fa09c6272cc0bd11d
    # The modification time of the files in the release tarball (2025-06-11 15:36:57 UTC).
    SOURCE_DATE_EPOCH=1749656217
    # 3.13 looks for a system libmpdec first; there is none for WASI.
    EXTRA_CONFIGURE=(--without-system-libmpdec)
    ;;
  *) echo "VERSION must be 3.11 or 3.13, not '$VERSION'" >&2; exit 2 ;;
esac

# The libraries: bookworm's source packages (name, orig tarball, SHA-256 of the tarball).
LIBS_SOURCES=(
  "zlib zlib_1.2.13.dfsg.orig.tar.bz2 71feb7947e3c00ef125f83b79a4e529bde31171e5babe48b391f06758d1ab0a1"
  "bzip2 bzip2_1.0.8.orig.tar.gz ab5a03176ee106d3f0fa90e381da478ddae405918153cca248e682cd0c4a2269"
  "xz-utils xz-utils_5.4.1.orig.tar.xz 5d9827aa1875b21c288f78864bb26d2650b436ea8d2cad364e4921eb6266a5a5"
  "sqlite3 sqlite3_3.40.1.orig.tar.xz aaa776260ab4dc976db34aa7891819484c8676b5b2783123ebc6301e2ca5d655"
)
OPT_FLAGS="-O2"
# SQLite for a single-process sandbox without threads, mmap or file locks: the "unix-none" VFS
# by default (sqlite_wasi.h explains), no WAL (it needs shared memory), temporary tables in
# memory unless asked otherwise, no extension loading (WASI has no dlopen); plus the optional
# parts Debian's build enables that need nothing WASI lacks (FTS3/4/5, R*Tree, math, dbstat,
# column metadata).
SQLITE_DEFINES="-DSQLITE_THREADSAFE=0 -DSQLITE_OMIT_LOAD_EXTENSION -DSQLITE_OMIT_WAL \
  -DSQLITE_MAX_MMAP_SIZE=0 -DSQLITE_DEFAULT_UNIX_VFS=\"unix-none\" -DSQLITE_TEMP_STORE=2 \
  -D_WASI_EMULATED_GETPID -DSQLITE_ENABLE_FTS3 -DSQLITE_ENABLE_FTS3_PARENTHESIS \
  -DSQLITE_ENABLE_FTS4 -DSQLITE_ENABLE_FTS5 -DSQLITE_ENABLE_RTREE -DSQLITE_ENABLE_MATH_FUNCTIONS \
  -DSQLITE_ENABLE_DBSTAT_VTAB -DSQLITE_ENABLE_COLUMN_METADATA -DSQLITE_MAX_VARIABLE_NUMBER=250000"

export SOURCE_DATE_EPOCH
export LC_ALL=C TZ=UTC PYTHONHASHSEED=0 PYTHONDONTWRITEBYTECODE=1 ZERO_AR_DATE=1
unset CFLAGS CPPFLAGS LDFLAGS CC CPP AR RANLIB PYTHONPATH PYTHONHOME MAKEFLAGS || true
umask 022

log() { printf '\n=== %s\n' "$*" >&2; }

# --- 1. toolchain (bookworm) ----------------------------------------------------------------
PACKAGES=(
  "clang-16=$LLVM_DEB_VERSION"
  "lld-16=$LLVM_DEB_VERSION"
  "llvm-16=$LLVM_DEB_VERSION"
  "libclang-rt-16-dev-wasm32=$LLVM_DEB_VERSION"
  "tcl8.6=$TCL_DEB_VERSION"
)
[ -z "$WASI_LIBC_DEB" ] && PACKAGES+=("wasi-libc=$WASI_LIBC_VERSION")
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
    "${PACKAGES[@]}" dpkg-dev zstd make gcc libc6-dev xz-utils bzip2 ca-certificates
fi
for spec in "${PACKAGES[@]}"; do
  pkg=${spec%%=*} want=${spec#*=}
  have=$(dpkg-query -W -f '${Version}' "$pkg" 2>/dev/null || true)
  if [ "$have" != "$want" ]; then
    echo "error: $pkg is '$have', this build is pinned to '$want' (other versions make other bytes)" >&2
    exit 1
  fi
done

# --- 2. sources -----------------------------------------------------------------------------
mkdir -p "$DOWNLOADS"
if [ "$VERSION" = 3.11 ]; then
  if [ ! -f "$DOWNLOADS/$ORIG_TARBALL" ]; then
    log "fetching the python3.11 source package (bookworm)"
    (cd "$DOWNLOADS" && apt-get source --download-only python3.11)
  fi
elif [ ! -f "$DOWNLOADS/$ORIG_TARBALL" ] || [ ! -f "$DOWNLOADS/$WASI_LIBC_DEB" ]; then
  # Trixie through an apt configuration of the recipe's own (its source list, package lists,
  # cache and an empty status file): the machine's apt sources are not changed and nothing from
  # trixie can be installed.
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
  (cd "$DOWNLOADS" && apt_trixie source --download-only python3.13)
  (cd "$DOWNLOADS" && apt_trixie download "wasi-libc=$WASI_LIBC_VERSION")
fi
echo "$ORIG_SHA256  $DOWNLOADS/$ORIG_TARBALL" | sha256sum -c --quiet -
[ -z "$WASI_LIBC_DEB" ] || echo "$WASI_LIBC_SHA256  $DOWNLOADS/$WASI_LIBC_DEB" | sha256sum -c --quiet -
for entry in "${LIBS_SOURCES[@]}"; do
  read -r pkg tarball sha <<< "$entry"
  if [ ! -f "$DOWNLOADS/$tarball" ]; then
    log "fetching the $pkg source package (bookworm)"
    (cd "$DOWNLOADS" && apt-get source --download-only "$pkg")
  fi
  echo "$sha  $DOWNLOADS/$tarball" | sha256sum -c --quiet -
done

SRC=$BUILD/src
DEPS=$BUILD/deps
NATIVE_PY=$BUILD/native/python
if [ -n "$WASI_LIBC_DEB" ]; then SYSROOT_FLAG="--sysroot=$BUILD/sysroot/usr"; else SYSROOT_FLAG=; fi
WASI_CC="clang-16 --target=wasm32-wasi $SYSROOT_FLAG"
WASI_CPP="clang-cpp-16 --target=wasm32-wasi $SYSROOT_FLAG"
PREFIX_MAP="-ffile-prefix-map=$BUILD=/build -fdebug-prefix-map=$BUILD=/build -fmacro-prefix-map=$BUILD=/build"

if [ "${REUSE_NATIVE:-0}" = 1 ] && [ -x "$NATIVE_PY" ] && [ -f "$BUILD/native/.complete" ]; then
  # For iterating on the later stages only: keeps src/, sysroot/ and native/ from a finished run.
  log "reusing $BUILD/src and $BUILD/native"
  rm -rf "$DEPS" "$BUILD/wasi" "$BUILD/out"
  mkdir -p "$BUILD/wasi" "$BUILD/out"
else
log "unpacking into $BUILD"
rm -rf "$SRC" "$BUILD/sysroot" "$DEPS" "$BUILD/native" "$BUILD/wasi" "$BUILD/out"
mkdir -p "$SRC" "$BUILD/native" "$BUILD/wasi" "$BUILD/out"
tar -xf "$DOWNLOADS/$ORIG_TARBALL" -C "$SRC" --strip-components=1 --no-same-owner
if [ -n "$WASI_LIBC_DEB" ]; then
  mkdir -p "$BUILD/sysroot"
  dpkg-deb -x "$DOWNLOADS/$WASI_LIBC_DEB" "$BUILD/sysroot"
fi

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
"$NATIVE_PY" -c "import sys; assert sys.version.split()[0] == '$PY_VERSION', sys.version"

# --- 4. the libraries, for wasm32-wasi, static, into deps/prefix ----------------------------
log "libraries for wasm32-wasi: zlib, bzip2, liblzma, sqlite3"
mkdir -p "$DEPS/prefix/include" "$DEPS/prefix/lib"
for entry in "${LIBS_SOURCES[@]}"; do
  read -r pkg tarball sha <<< "$entry"
  mkdir -p "$DEPS/$pkg"
  tar -xf "$DOWNLOADS/$tarball" -C "$DEPS/$pkg" --strip-components=1 --no-same-owner
done
LIB_CFLAGS="$OPT_FLAGS $PREFIX_MAP"
PREFIX=$DEPS/prefix
# In the background and waited for: a subshell on the left of `||` would run with `set -e` off.
(
  set -ex
  # zlib: its own configure (no autoconf); only the static library is built.
  cd "$DEPS/zlib"
  CC="$WASI_CC" AR=llvm-ar-16 RANLIB=llvm-ranlib-16 CFLAGS="$LIB_CFLAGS" CHOST=wasm32-wasi \
    ./configure --static --prefix="$PREFIX"
  make -j"$JOBS" libz.a AR=llvm-ar-16 ARFLAGS=rc RANLIB=llvm-ranlib-16
  cp zlib.h zconf.h "$PREFIX/include/" && cp libz.a "$PREFIX/lib/"

  # bzip2: the library's objects only (its Makefile also builds and runs the programs).
  cd "$DEPS/bzip2"
  make -j"$JOBS" libbz2.a CC="$WASI_CC" AR=llvm-ar-16 RANLIB=llvm-ranlib-16 \
    CFLAGS="$LIB_CFLAGS -D_FILE_OFFSET_BITS=64 -Wall -Winline"
  cp bzlib.h "$PREFIX/include/" && cp libbz2.a "$PREFIX/lib/"

  # liblzma: autoconf, cross; no programs, threads, translations or documentation; xz_wasi.h
  # lets a header meant for xz's programs compile.
  mkdir -p "$DEPS/xz-build" && cd "$DEPS/xz-build"
  CC="$WASI_CC" AR=llvm-ar-16 RANLIB=llvm-ranlib-16 CFLAGS="$LIB_CFLAGS -include $HERE/xz_wasi.h" \
    ../xz-utils/configure -q --host=wasm32-unknown-wasi --build="$("$DEPS/xz-utils/build-aux/config.guess")" \
      --prefix="$PREFIX" --disable-shared --enable-static --disable-threads \
      --disable-xz --disable-xzdec --disable-lzmadec --disable-lzmainfo --disable-lzma-links \
      --disable-scripts --disable-doc --disable-nls --disable-rpath
  make -j"$JOBS" -C src/liblzma
  make -C src/liblzma install-libLTLIBRARIES
  make -C src/liblzma/api install
  rm -f "$PREFIX/lib/liblzma.la"

  # sqlite3: the amalgamation (sqlite3.c, sqlite3.h) is generated from the source tree by native
  # tools and tclsh, then compiled for WASI with sqlite_wasi.h forced in.
  mkdir -p "$DEPS/sqlite3-native" && cd "$DEPS/sqlite3-native"
  ../sqlite3/configure -q --disable-tcl --disable-readline
  make sqlite3.c sqlite3.h
  $WASI_CC $LIB_CFLAGS $SQLITE_DEFINES -include "$HERE/sqlite_wasi.h" -c sqlite3.c -o sqlite3.o
  llvm-ar-16 rc "$PREFIX/lib/libsqlite3.a" sqlite3.o
  cp sqlite3.h sqlite3ext.h "$PREFIX/include/"
) > "$BUILD/deps.log" 2>&1 &
wait $! || { tail -40 "$BUILD/deps.log" >&2; exit 1; }
for lib in libz.a libbz2.a liblzma.a libsqlite3.a; do
  [ -s "$PREFIX/lib/$lib" ] || { echo "error: $lib was not built (see $BUILD/deps.log)" >&2; exit 1; }
done

# --- 5. WASI build --------------------------------------------------------------------------
log "WASI build ($OPT_FLAGS)"
PREFIX=$DEPS/prefix
(
  cd "$BUILD/wasi"
  # configure runs from a relative source folder: its VPATH is compiled into getpath.o.
  CONFIG_SITE="$SRC/Tools/wasm/config.site-wasm32-wasi" \
  CC="$WASI_CC" CPP="$WASI_CPP" \
  AR=llvm-ar-16 RANLIB=llvm-ranlib-16 READELF=true \
  LDSHARED=wasm-ld-16 \
  PKG_CONFIG_LIBDIR=/nonexistent PKG_CONFIG_PATH= \
  OPT="-fwrapv $OPT_FLAGS -Wall" \
  CFLAGS="-Wno-int-conversion -Wno-incompatible-function-pointer-types $PREFIX_MAP" \
  LDFLAGS="-Wl,--strip-debug" \
  ZLIB_CFLAGS="-I$PREFIX/include" ZLIB_LIBS="-L$PREFIX/lib -lz" \
  BZIP2_CFLAGS="-I$PREFIX/include" BZIP2_LIBS="-L$PREFIX/lib -lbz2" \
  LIBLZMA_CFLAGS="-I$PREFIX/include" LIBLZMA_LIBS="-L$PREFIX/lib -llzma" \
  LIBSQLITE3_CFLAGS="-I$PREFIX/include" LIBSQLITE3_LIBS="-L$PREFIX/lib -lsqlite3" \
  ../src/configure -q -C \
    --host=wasm32-unknown-wasi \
    --build="$("$SRC/config.guess")" \
    --with-build-python="$NATIVE_PY" \
    --prefix=/usr/local \
    --without-ensurepip \
    --disable-test-modules \
    "${EXTRA_CONFIGURE[@]}" \
    --with-pymalloc
  make -s -j"$JOBS"
) > "$BUILD/wasi.log" 2>&1 || { tail -40 "$BUILD/wasi.log" >&2; exit 1; }
grep -q -- "-O2" "$BUILD/wasi/Makefile"
# The point of this build: each library's module is built in, and binascii uses zlib's crc32.
for init in PyInit_zlib PyInit__bz2 PyInit__lzma PyInit__sqlite3 PyInit_binascii; do
  grep -q "$init" "$BUILD/wasi/Modules/config.c" || { echo "error: $init is not built in" >&2; exit 1; }
done
grep -q '^MODULE_BINASCII_CFLAGS=.*-DUSE_ZLIB_CRC32' "$BUILD/wasi/Makefile" \
  || { echo "error: binascii is built without zlib's crc32" >&2; exit 1; }

# --- 6. outputs -----------------------------------------------------------------------------
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
