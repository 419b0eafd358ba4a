/* Forced into liblzma's sources (clang -include) when xz-utils is compiled for wasm32-wasi by
 * build.sh. Built without threads, xz 5.4's src/common/mythread.h still includes <signal.h> and
 * defines an inline mythread_sigmask() over sigprocmask() for its command-line tools; wasi-libc
 * has no signal masks (its <signal.h> refuses to compile without _WASI_EMULATED_SIGNAL, and has
 * no sigprocmask then either). liblzma never calls mythread_sigmask, so this only has to compile. */
#define _WASI_EMULATED_SIGNAL 1
#include <signal.h>

#include <__typedef_sigset_t.h>

static inline int sigprocmask(int how, const sigset_t *restrict set, sigset_t *restrict oset) {
	(void)how; (void)set; (void)oset;
	return 0;
}
