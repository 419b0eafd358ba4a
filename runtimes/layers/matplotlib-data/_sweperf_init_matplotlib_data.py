"""Layer `matplotlib-data`: python-3.15-sci's matplotlib, with its data in a real folder.

python-3.15-sci carries matplotlib inside its standard-library zip, and its data (matplotlibrc,
fonts, style sheets) as a zip inside that zip (`matplotlib/mpl-data.zip`). matplotlib opens its
data with plain `open()` under `Path(matplotlib.__file__).with_name("mpl-data")`, which is
inside the zip, so `import matplotlib` fails ("Not a directory: .../python315.zip/matplotlib/
mpl-data/matplotlibrc") and with it everything that plots (seaborn, xarray's plotting).

This hook, imported by sweperf's guest start-up for the environments that list the layer, puts
a finder first on `sys.meta_path` that acts only when `matplotlib` itself is imported from the
zip: it unpacks `mpl-data.zip` into the run's private /tmp (about 9.6 MB, 204 files, the same
bytes on every run, so the fuel it costs is the same on every run too) and loads matplotlib with
`__file__` pointing beside that folder. Submodules still come from the zip. Nothing happens in a
run that does not import matplotlib.
"""

import os
import sys

_DEST = "/tmp/sweperf-matplotlib"


def _stdlib_zip():
    for p in sys.path:
        if p.endswith(".zip") and os.path.isfile(p):
            return p
    return None


def _unpack(zip_path):
    import io
    import zipfile

    root = os.path.join(_DEST, "matplotlib", "mpl-data")
    if os.path.isfile(os.path.join(root, "matplotlibrc")):
        return
    with zipfile.ZipFile(zip_path) as outer:
        inner = zipfile.ZipFile(io.BytesIO(outer.read("matplotlib/mpl-data.zip")))
    for info in sorted(inner.infolist(), key=lambda i: i.filename):
        name = info.filename
        if name.startswith("mpl-data/"):
            name = name[len("mpl-data/"):]
        if info.is_dir() or not name:
            continue
        target = os.path.join(root, name)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as out:
            out.write(inner.read(info))


class _MatplotlibDataFinder:
    def find_spec(self, fullname, path=None, target=None):
        if fullname != "matplotlib":
            return None
        import importlib.util

        sys.meta_path.remove(self)
        try:
            spec = importlib.util.find_spec(fullname)
        finally:
            sys.meta_path.insert(0, self)
        zip_path = _stdlib_zip()
        if spec is None or zip_path is None or not (spec.origin or "").startswith(zip_path):
            return spec
        try:
            with __import__("zipfile").ZipFile(zip_path) as z:
                z.getinfo("matplotlib/mpl-data.zip")
        except KeyError:
            return spec
        _unpack(zip_path)
        real_exec = spec.loader.exec_module

        def exec_module(module):
            module.__file__ = os.path.join(_DEST, "matplotlib", "__init__.py")
            real_exec(module)

        spec.loader.exec_module = exec_module
        return spec


sys.meta_path.insert(0, _MatplotlibDataFinder())
