/* Forced into SQLite's amalgamation (clang -include) when it is compiled for wasm32-wasi by
 * build.sh. SQLite 3.40's Unix VFS (os_unix.c) predates WASI: it names fchmod, fchown and
 * geteuid, which wasi-libc does not declare, and POSIX advisory locks (F_SETLK and friends),
 * which WASI does not have. The build makes "unix-none" (no file locking: one process per
 * sandbox) the default VFS, so the lock constants below only have to compile: the "unix" VFS
 * stays registered, and if asked for by name its locks fail with an I/O error (wasi-libc's fcntl
 * refuses the command). Permissions and owners do not exist in WASI, so the stubs succeed
 * without doing anything. */
#include <fcntl.h>
#include <sys/types.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef F_RDLCK
#define F_RDLCK 0
#define F_WRLCK 1
#define F_UNLCK 2
#endif
#ifndef F_GETLK
#define F_GETLK 5
#define F_SETLK 6
#define F_SETLKW 7
#endif

/* Under other names, then macros: newer wasi-libc (trixie's, for 3.13) declares fchmod. */
static int sweperf_fchmod(int fd, mode_t mode) { (void)fd; (void)mode; return 0; }
static int sweperf_fchown(int fd, uid_t uid, gid_t gid) { (void)fd; (void)uid; (void)gid; return 0; }
static uid_t sweperf_geteuid(void) { return 0; }
#define fchmod sweperf_fchmod
#define fchown sweperf_fchown
#define geteuid sweperf_geteuid
