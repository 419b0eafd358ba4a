"""Packs CPython 3.13's standard library for the WASI runtime, deterministically.

The packer is the 3.11 recipe's (runtimes/build/cpython-3.11/stdlib.py, pinned by that
runtime's manifest, so it cannot change under this one unnoticed); only the folder the guest
sees differs: /usr/local/lib/python3.13. Run by build.sh with the native build's own Python
(same version as the WASI one, so the .pyc magic matches), under PYTHONHASHSEED=0.
"""

import importlib.util
import os
import sys

GUEST = "/usr/local/lib/python3.13"

if sys.version_info[:2] != (3, 13):
    sys.exit(f"stdlib.py: run with the build's Python 3.13, not {sys.version.split()[0]}")
_path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cpython-3.11", "stdlib.py")
_spec = importlib.util.spec_from_file_location("stdlib311", _path)
packer = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(packer)
packer.GUEST = GUEST

if __name__ == "__main__":
    packer.main()
