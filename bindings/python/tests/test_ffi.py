"""The ctypes declarations cover the library and agree with the C headers."""
import os
import re
import subprocess

import cvhp
from cvhp import _ffi

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
HEADERS = os.path.join(ROOT, "include", "cvhp")


def exported_symbols():
    out = subprocess.run(["nm", "-D", "--defined-only", _ffi.lib._name], capture_output=True, text=True,
                         check=True).stdout
    return {line.split()[2].split("@")[0] for line in out.splitlines() if line.split()[1] == "T"}


def test_every_exported_function_is_declared():
    missing = exported_symbols() - _ffi.DECLARED
    assert not missing, f"declare these in cvhp/_ffi.py: {sorted(missing)}"


def test_every_declaration_exists():
    assert _ffi.DECLARED <= exported_symbols()


def header_enum(prefix):
    values = {}
    for name in os.listdir(HEADERS):
        with open(os.path.join(HEADERS, name)) as f:
            for m in re.finditer(r"\b(CVHP_%s[A-Z0-9_]*)\s*=\s*(\d+)" % prefix, f.read()):
                values[m.group(1)] = int(m.group(2))
    return values


def test_status_values_match_header():
    for cname, value in header_enum("ERR_").items():
        assert getattr(_ffi, cname[len("CVHP_"):]) == value, cname
    assert _ffi.OK == header_enum("OK")["CVHP_OK"]


def test_type_and_flag_values_match_header():
    for cname, value in header_enum("TYPE_").items():
        assert getattr(_ffi, cname[len("CVHP_"):]) == value
    for cname, value in header_enum("TASK_").items():
        short = cname[len("CVHP_TASK_"):].lower()
        assert _ffi.TASKS[short] == value
    with open(os.path.join(HEADERS, "params.h")) as f:
        text = f.read()
    assert re.search(r"CVHP_PARAM_FLAG_OPTIONAL 0x%xu" % _ffi.PARAM_FLAG_OPTIONAL, text)
    assert re.search(r"CVHP_PARAM_FLAG_MAX_OPEN 0x%xu" % _ffi.PARAM_FLAG_MAX_OPEN, text)


def test_version_and_build_info():
    assert cvhp.library_version() == cvhp.__version__
    assert cvhp.library_version() in cvhp.build_info()
