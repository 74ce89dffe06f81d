"""Exceptions carrying libcvhp's status and its detail message."""
from __future__ import annotations

from . import _ffi


class CvhpError(Exception):
    """A libcvhp call failed. ``status`` is the C status code, ``name`` its
    symbolic name (``CVHP_ERR_OUT_OF_RANGE``), ``message`` the library's
    detail ("learning_rate: 1.5 is outside [0, 1]")."""

    def __init__(self, status: int, message: str):
        self.status = status
        self.name = _ffi.text(_ffi.lib.cvhp_status_name(status))
        self.message = message
        super().__init__(f"{message} ({self.name})" if message else self.name)


class UnknownParameterError(CvhpError, KeyError):
    def __str__(self):  # KeyError would add quotes
        return Exception.__str__(self)


class ParameterTypeError(CvhpError, TypeError):
    pass


class ParameterValueError(CvhpError, ValueError):
    pass


class ValidationError(CvhpError):
    pass


_BY_STATUS = {
    _ffi.ERR_UNKNOWN_PARAM: UnknownParameterError,
    _ffi.ERR_TYPE_MISMATCH: ParameterTypeError,
    _ffi.ERR_OUT_OF_RANGE: ParameterValueError,
    _ffi.ERR_INVALID_VALUE: ParameterValueError,
    _ffi.ERR_VALIDATION: ValidationError,
}


def error(status: int) -> CvhpError:
    msg = _ffi.text(_ffi.lib.cvhp_last_error_message()) or ""
    return _BY_STATUS.get(status, CvhpError)(status, msg)


def check(status: int) -> None:
    if status != _ffi.OK:
        raise error(status)
