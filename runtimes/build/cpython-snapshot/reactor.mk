# sweperf: a second link of the WASI build, as a reactor whose start is split for a snapshot
# (snapshot.c). Read after CPython's own Makefile (`make -f Makefile -f reactor.mk`), so it
# links exactly the objects and libraries python.wasm links, with snapshot.c's object in place
# of Programs/python.o (its `main`).
SWEPERF_SNAPSHOT_C ?= snapshot.c

Programs/sweperf_snapshot.o: $(SWEPERF_SNAPSHOT_C)
	$(CC) -c $(PY_CFLAGS) $(PY_CPPFLAGS) -o $@ $(SWEPERF_SNAPSHOT_C)

python-reactor.wasm: Programs/sweperf_snapshot.o $(LINK_PYTHON_DEPS)
	$(LINKCC) $(PY_CORE_LDFLAGS) $(LINKFORSHARED) -mexec-model=reactor -o $@ Programs/sweperf_snapshot.o $(LINK_PYTHON_OBJS) $(LIBS) $(MODLIBS) $(SYSLIBS)
