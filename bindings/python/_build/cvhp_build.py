"""A PEP 517 build backend for the pure-Python cvhp package, stdlib only.

`pip install ./bindings/python` must work on a machine without network: a
backend that needs setuptools/wheel from an index cannot be installed there
under build isolation, so the package builds its own wheel (a zip of cvhp/
plus the dist-info files, PEP 427). Name, version, summary and
requires-python come from pyproject.toml, the single place they are written.
"""
from __future__ import annotations

import base64
import hashlib
import os
import re
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE = "cvhp"


def _project():
    text = open(os.path.join(ROOT, "pyproject.toml"), encoding="utf-8").read()
    section = text.split("[project]", 1)[1].split("\n[", 1)[0]
    meta = {}
    for key in ("name", "version", "description", "requires-python"):
        m = re.search(rf'^{key}\s*=\s*"([^"]*)"', section, re.M)
        if not m:
            raise RuntimeError(f"pyproject.toml: [project] {key} is missing")
        meta[key] = m.group(1)
    m = re.search(r'^dependencies\s*=\s*\[([^\]]*)\]', section, re.M)
    meta["dependencies"] = re.findall(r'"([^"]+)"', m.group(1)) if m else []
    return meta


def _metadata(meta):
    return (f"Metadata-Version: 2.1\nName: {meta['name']}\nVersion: {meta['version']}\n"
            f"Summary: {meta['description']}\nRequires-Python: {meta['requires-python']}\n"
            "License: MIT\n" + "".join(f"Requires-Dist: {d}\n" for d in meta["dependencies"]))


def _files():
    pkg = os.path.join(ROOT, PACKAGE)
    for name in sorted(os.listdir(pkg)):
        if name.endswith(".py") or name.startswith("libcvhp.so") or name == "py.typed":
            yield f"{PACKAGE}/{name}", open(os.path.join(pkg, name), "rb").read()


def _digest(data):
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_editable(config_settings=None):
    return []


def _write_wheel(wheel_directory, entries):
    meta = _project()
    dist = f"{meta['name']}-{meta['version']}"
    info = f"{dist}.dist-info"
    entries = list(entries) + [
        (f"{info}/METADATA", _metadata(meta).encode()),
        (f"{info}/WHEEL", b"Wheel-Version: 1.0\nGenerator: cvhp_build\nRoot-Is-Purelib: true\nTag: py3-none-any\n"),
    ]
    record = "".join(f"{n},{_digest(d)},{len(d)}\n" for n, d in entries) + f"{info}/RECORD,,\n"
    name = f"{dist}-py3-none-any.whl"
    with zipfile.ZipFile(os.path.join(wheel_directory, name), "w", zipfile.ZIP_DEFLATED) as z:
        for n, d in entries + [(f"{info}/RECORD", record.encode())]:
            zi = zipfile.ZipInfo(n, date_time=(2020, 1, 1, 0, 0, 0))  # reproducible
            zi.external_attr = 0o644 << 16
            z.writestr(zi, d, zipfile.ZIP_DEFLATED)
    return name


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    return _write_wheel(wheel_directory, _files())


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    # A .pth file pointing at the source tree (PEP 660).
    return _write_wheel(wheel_directory, [(f"__editable__.{PACKAGE}.pth", (ROOT + "\n").encode())])


def build_sdist(sdist_directory, config_settings=None):
    import tarfile
    meta = _project()
    dist = f"{meta['name']}-{meta['version']}"
    name = f"{dist}.tar.gz"
    with tarfile.open(os.path.join(sdist_directory, name), "w:gz") as t:
        for rel in ["pyproject.toml", "_build/cvhp_build.py"] + [n for n, _ in _files()]:
            t.add(os.path.join(ROOT, rel), arcname=f"{dist}/{rel}")
        data = _metadata(meta).encode()
        ti = tarfile.TarInfo(f"{dist}/PKG-INFO")
        ti.size = len(data)
        import io
        t.addfile(ti, io.BytesIO(data))
    return name
