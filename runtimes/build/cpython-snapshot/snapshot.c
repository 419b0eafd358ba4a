/* sweperf's pre-initialisable CPython: the same interpreter as python.wasm, linked as a WASI
 * reactor whose start is split in two, so that sweperf can run the first half once, snapshot
 * the instance with wasmtime-wizer, and start every run from the snapshot.
 *
 *   wizer-initialize  initialises the interpreter from the WASI arguments and environment it is
 *                     given (sweperf gives a fixed set, with no code under test reachable) and
 *                     imports `_sweperf_snapshot` (runtimes/guest/), which imports pytest.
 *                     Run once, by sweperf, when the runtime is provisioned; the snapshot keeps
 *                     the state it leaves.
 *   run               a run: forgets the preopens and the environment the C library saw during
 *                     the initialisation (the run's own are read again from WASI on first use),
 *                     hands the run's argv and environment to `_sweperf_snapshot.resume`, which
 *                     does what `python ARGS` would from there, then finalises the interpreter as
 *                     `python` does on exit. Returns the exit status.
 *
 * `run` without `wizer-initialize` before it (in the snapshot, or in the same instance) returns
 * 70 and does nothing; a second `run` in one instance too. Nothing here reads a clock, the
 * environment or the file system except through WASI.
 */
#include "Python.h"

#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>
#include <wasi/libc-environ.h>

extern char **environ;
void __wasilibc_reset_preopens(void);

static int initialized = 0;

/* The WASI arguments, as a NULL-terminated argv whose strings live in one buffer, `*buf`. */
static char **wasi_argv(int *argc, char **buf_out) {
    __wasi_size_t count = 0, size = 0;
    if (__wasi_args_sizes_get(&count, &size) != 0) {
        abort();
    }
    char **argv = calloc(count + 1, sizeof(char *));
    char *buf = malloc(size ? size : 1);
    if (argv == NULL || buf == NULL || __wasi_args_get((uint8_t **)argv, (uint8_t *)buf) != 0) {
        abort();
    }
    *argc = (int)count;
    *buf_out = buf;
    return argv;
}

__attribute__((export_name("wizer-initialize")))
void sweperf_initialize(void) {
    int argc;
    char *buf;
    char **argv = wasi_argv(&argc, &buf);
    PyConfig config;
    PyConfig_InitPythonConfig(&config);
    PyStatus status = PyConfig_SetBytesArgv(&config, argc, argv);
    if (!PyStatus_Exception(status)) {
        status = Py_InitializeFromConfig(&config);
    }
    PyConfig_Clear(&config);
    free(buf);
    free(argv);
    if (PyStatus_Exception(status)) {
        Py_ExitStatusException(status);
    }
    PyObject *module = PyImport_ImportModule("_sweperf_snapshot");
    if (module == NULL) {
        PyErr_Print();
        abort();
    }
    Py_DECREF(module);
    initialized = 1;
}

__attribute__((export_name("run")))
int sweperf_run(void) {
    if (!initialized) {
        return 70;
    }
    initialized = 0;
    __wasilibc_reset_preopens();
    __wasilibc_deinitialize_environ();
    __wasilibc_initialize_environ();

    int argc;
    char *buf;
    char **argv = wasi_argv(&argc, &buf);
    PyObject *args = PyList_New(0);
    PyObject *env = PyDict_New();
    if (args == NULL || env == NULL) {
        abort();
    }
    for (int i = 0; i < argc; i++) {
        PyObject *arg = PyUnicode_DecodeFSDefault(argv[i]);
        if (arg == NULL || PyList_Append(args, arg) < 0) {
            abort();
        }
        Py_DECREF(arg);
    }
    for (char **entry = environ; entry != NULL && *entry != NULL; entry++) {
        const char *eq = strchr(*entry, '=');
        if (eq == NULL || eq == *entry) {
            continue;
        }
        PyObject *key = PyBytes_FromStringAndSize(*entry, eq - *entry);
        PyObject *value = PyBytes_FromString(eq + 1);
        if (key == NULL || value == NULL || PyDict_SetItem(env, key, value) < 0) {
            abort();
        }
        Py_DECREF(key);
        Py_DECREF(value);
    }
    free(buf);
    free(argv);

    int code = 1;
    PyObject *module = PyImport_ImportModule("_sweperf_snapshot");
    PyObject *result = module ? PyObject_CallMethod(module, "resume", "OO", args, env) : NULL;
    if (result == NULL) {
        PyErr_Print();
    } else {
        code = (int)PyLong_AsLong(result);
        if (PyErr_Occurred()) {
            PyErr_Print();
            code = 1;
        }
    }
    Py_XDECREF(result);
    Py_XDECREF(module);
    Py_DECREF(args);
    Py_DECREF(env);
    if (Py_FinalizeEx() < 0 && code == 0) {
        code = 120;
    }
    return code;
}
