"""Packs the standard library of a `python-3.X-o2-full` runtime, deterministically.

The packer is the 3.11 recipe's (runtimes/build/cpython-3.11/stdlib.py, pinned by every runtime
that loads it); only the folder the guest sees follows the Python that runs this file (the
build's own native Python, the same version as the WASI one, so the .pyc magic matches):
/usr/local/lib/python3.X. Run by build.sh under PYTHONHASHSEED=0.
"""

import importlib.util
import os
import sys

if sys.version_info[:2] not in ((3, 11), (3, 13)):
    sys.exit(f"stdlib.py: run with the build's Python 3.11 or 3.13, not {sys.version.split()[0]}")
_path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cpython-3.11", "stdlib.py")
_spec = importlib.util.spec_from_file_location("stdlib311", _path)
packer = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(packer)
packer.GUEST = "/usr/local/lib/python%d.%d" % sys.version_info[:2]

if __name__ == "__main__":
    packer.main()
