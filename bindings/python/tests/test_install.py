"""`pip install ./bindings/python` into a fresh virtual environment, offline.

The venv sees Debian's site-packages (for numpy, the one dependency); the
package itself must come from the wheel pip builds with the in-tree backend,
so the import runs from a directory where the source tree is not on the path.
"""
import os
import subprocess
import sys
import zipfile

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
PKG = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(PKG, "_build"))
import cvhp_build  # noqa: E402


def _venv(tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True)
    return venv / "bin" / "python"


def test_pip_install_offline_into_venv(tmp_path):
    py = _venv(tmp_path)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",)}
    env["PIP_NO_INDEX"] = "1"  # nothing may be downloaded
    r = subprocess.run([str(py), "-m", "pip", "install", "-q", PKG], env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    code = ("import cvhp, sys; assert cvhp.__file__.startswith(sys.prefix), cvhp.__file__; "
            "print(cvhp.ops.nms([[0, 0, 10, 10], [1, 1, 11, 11], [20, 20, 30, 30]], [0.9, 0.8, 0.7], 0.5).tolist())")
    r = subprocess.run([str(py), "-c", code], env=env, cwd=str(tmp_path), capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[0, 2]"


def test_installed_package_without_library_says_how_to_fix(tmp_path):
    py = _venv(tmp_path)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "CVHP_LIBRARY")}
    env["PIP_NO_INDEX"] = "1"
    subprocess.run([str(py), "-m", "pip", "install", "-q", PKG], env=env, check=True)
    env["CVHP_LIBRARY"] = str(tmp_path / "no-such-libcvhp.so")
    r = subprocess.run([str(py), "-c", "import cvhp"], env=env, cwd=str(tmp_path), capture_output=True, text=True)
    assert r.returncode != 0
    assert "set CVHP_LIBRARY" in r.stderr


def test_wheel_contents_and_record(tmp_path):
    name = cvhp_build.build_wheel(str(tmp_path))
    meta = cvhp_build._project()
    assert name == f"cvhp-{meta['version']}-py3-none-any.whl"
    with zipfile.ZipFile(tmp_path / name) as z:
        names = set(z.namelist())
        src = {f"cvhp/{n}" for n in os.listdir(os.path.join(PKG, "cvhp")) if n.endswith(".py")}
        assert src <= names
        record = z.read(f"cvhp-{meta['version']}.dist-info/RECORD").decode().splitlines()
        listed = {line.split(",")[0] for line in record}
        assert listed == names
        for line in record:
            n, digest, size = line.split(",")
            if digest:
                data = z.read(n)
                assert int(size) == len(data)
                assert digest == cvhp_build._digest(data)
        md = z.read(f"cvhp-{meta['version']}.dist-info/METADATA").decode()
        assert f"Version: {meta['version']}" in md and "Requires-Dist: numpy" in md


def test_wheel_is_reproducible(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    n1 = cvhp_build.build_wheel(str(tmp_path / "a"))
    n2 = cvhp_build.build_wheel(str(tmp_path / "b"))
    assert (tmp_path / "a" / n1).read_bytes() == (tmp_path / "b" / n2).read_bytes()


@pytest.mark.parametrize("missing", ["name", "version"])
def test_backend_rejects_incomplete_pyproject(tmp_path, monkeypatch, missing):
    text = open(os.path.join(PKG, "pyproject.toml")).read()
    text = "\n".join(l for l in text.splitlines() if not l.startswith(missing + " "))
    (tmp_path / "pyproject.toml").write_text(text)
    monkeypatch.setattr(cvhp_build, "ROOT", str(tmp_path))
    with pytest.raises(RuntimeError, match=missing):
        cvhp_build._project()


def test_library_of_another_abi_major_is_refused_with_a_clear_message(tmp_path):
    import shutil
    pkg = tmp_path / "cvhp"
    shutil.copytree(os.path.join(PKG, "cvhp"), pkg, ignore=shutil.ignore_patterns("__pycache__"))
    ffi = (pkg / "_ffi.py").read_text()
    assert "EXPECTED_MAJOR = 0" in ffi
    (pkg / "_ffi.py").write_text(ffi.replace("EXPECTED_MAJOR = 0", "EXPECTED_MAJOR = 7"))
    env = dict(os.environ, PYTHONPATH=str(tmp_path))
    # CVHP_LIBRARY (the build tree's major-0 library) wins over the libcvhp.so.7 fallback
    r = subprocess.run([sys.executable, "-c", "import cvhp"], env=env, cwd=str(tmp_path),
                       capture_output=True, text=True)
    assert r.returncode != 0
    assert "needs libcvhp 7.x, but loaded 0." in r.stderr
    assert "set CVHP_LIBRARY to a matching library" in r.stderr
