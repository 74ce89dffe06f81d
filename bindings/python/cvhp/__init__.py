"""cvhp: Python bindings for libcvhp (ctypes, no compiled extension).

    import cvhp
    cfg = cvhp.Config("object_detection", model_name="yolov5")
    cfg["learning_rate"] = 0.02
    for d in cfg.validate(): print(d.severity, d.message)

The shared library is found through CVHP_LIBRARY, a copy beside this package,
or the system loader (libcvhp.so.<MAJOR>).
"""
from __future__ import annotations

from . import _ffi
from ._workspace import Workspace
from ._config import Config, Diagnostic, freezable_layers, models, parameters
from ._errors import (CvhpError, ParameterTypeError, ParameterValueError, UnknownParameterError,
                      ValidationError)

__all__ = [
    "ops", "tiling", "detection", "masks", "Workspace", "Config", "Diagnostic", "parameters", "models", "freezable_layers", "CvhpError", "UnknownParameterError",
    "ParameterTypeError", "ParameterValueError", "ValidationError", "version", "library_version", "build_info",
]

__version__ = "0.1.0"

# The array modules import numpy, and load on first use: the configuration
# model (Config, parameters, validation) and Workspace work without numpy.
_ARRAY_MODULES = ("ops", "tiling", "detection", "masks")


def __getattr__(name: str):
    if name in _ARRAY_MODULES:
        import importlib

        try:
            module = importlib.import_module(f".{name}", __name__)
        except ModuleNotFoundError as e:
            if e.name != "numpy":
                raise
            raise ImportError(f"cvhp.{name} needs numpy (Debian: python3-numpy); cvhp.Config and the rest of the "
                              "configuration model work without it") from e
        globals()[name] = module
        return module
    raise AttributeError(f"module 'cvhp' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_ARRAY_MODULES))


def library_version() -> str:
    """The loaded libcvhp's version string."""
    return _ffi.text(_ffi.lib.cvhp_version_string())


def build_info() -> str:
    return _ffi.text(_ffi.lib.cvhp_build_info())


version = library_version

_major = _ffi.lib.cvhp_version() >> 16
if _major != _ffi.EXPECTED_MAJOR:
    raise ImportError(
        f"cvhp {__version__} needs libcvhp {_ffi.EXPECTED_MAJOR}.x, but loaded {library_version()} "
        f"from {_ffi.lib._name}; set CVHP_LIBRARY to a matching library"
    )
