"""Runs sweperf's guest start-up on command runtimes (see `_sweperf_boot`)."""

import _sweperf_boot  # noqa: F401
