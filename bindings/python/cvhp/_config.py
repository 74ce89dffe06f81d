"""cvhp.Config: a task's hyperparameters behind a dict-like interface."""
from __future__ import annotations

import ctypes
from ctypes import byref, c_char_p, c_double, c_int, c_int32, c_int64, c_size_t
from typing import Any, Iterator, NamedTuple

from . import _ffi
from ._errors import CvhpError, check, error

L = _ffi.lib


def task_id(task: str | int) -> int:
    """Accepts a task id, a short name ("object_detection") or the reference's
    name ("image-object-detection")."""
    if isinstance(task, int):
        if L.cvhp_task_name(task) is None:
            raise ValueError(f"task: {task} is not a task id")
        return task
    out = c_int()
    check(L.cvhp_task_from_name(_ffi.enc(task), byref(out)))
    return out.value


def task_name(task: int) -> str:
    return _ffi.text(L.cvhp_task_name(task))


def param_id(name: str) -> int:
    out = c_int()
    check(L.cvhp_param_from_name(_ffi.enc(name), byref(out)))
    return out.value


def _ptype(p: int) -> int:
    return L.cvhp_param_type_of(p)


class Diagnostic(NamedTuple):
    severity: str  # "error" or "warning"
    code: str  # "vit_crop_mismatch", ...
    params: tuple  # parameter names the diagnostic is about
    message: str


class Config:
    """The hyperparameters of one task.

    >>> cfg = Config("object_detection", model_name="yolov5")
    >>> cfg["learning_rate"]
    0.01
    >>> cfg["learning_rate"] = 0.02

    Unset values follow the model's defaults; values you set always win.
    Errors raise CvhpError subclasses carrying the library's message.
    """

    def __init__(self, task: str | int, _handle=None, **params: Any):
        if _handle is not None:
            self._h = _handle
        else:
            h = ctypes.c_void_p()
            check(L.cvhp_config_new(task_id(task), byref(h)))
            self._h = h
        # model_name first so that parameters validated against it read naturally
        if "model_name" in params:
            self["model_name"] = params.pop("model_name")
        for k, v in params.items():
            self[k] = v

    # -- lifecycle ------------------------------------------------------------
    def close(self) -> None:
        """Free the C handle now (also done by the garbage collector)."""
        if getattr(self, "_h", None) is not None and self._h.value:
            L.cvhp_config_free(self._h)
        self._h = None

    def __del__(self):
        self.close()

    def __enter__(self) -> "Config":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _handle(self):
        if self._h is None:
            raise ValueError("the Config is closed")
        return self._h

    def copy(self) -> "Config":
        h = ctypes.c_void_p()
        check(L.cvhp_config_clone(self._handle(), byref(h)))
        return Config(0, _handle=h)

    __copy__ = copy

    @classmethod
    def from_json(cls, text: str | bytes, task: str | int | None = None) -> "Config":
        """A config from the reference's {"task": ..., "training_parameters": {...}}
        JSON (or a flat object). Without task, the document's "task" decides."""
        data = text.encode("utf-8") if isinstance(text, str) else bytes(text)
        h = ctypes.c_void_p()
        check(L.cvhp_config_from_json(0 if task is None else task_id(task), data, len(data), None, byref(h)))
        return cls(0, _handle=h)

    def load_json(self, text: str | bytes) -> None:
        """Merge a JSON document into this config (all or nothing)."""
        data = text.encode("utf-8") if isinstance(text, str) else bytes(text)
        check(L.cvhp_config_load_json(self._handle(), data, len(data)))

    def load_args(self, args: list[str]) -> None:
        """Apply ["--name", "value", "name=value", "--name=value", ...] (all or nothing)."""
        arr = (c_char_p * len(args))(*[_ffi.enc(a) for a in args])
        check(L.cvhp_config_load_args(self._handle(), len(args), arr))

    def to_json(self, effective: bool = False, pretty: bool = False) -> str:
        flags = (_ffi.JSON_EFFECTIVE if effective else 0) | (_ffi.JSON_PRETTY if pretty else 0)
        need = c_size_t()
        st = L.cvhp_config_to_json(self._handle(), flags, None, 0, byref(need))
        if st not in (_ffi.OK, _ffi.ERR_BUFFER_TOO_SMALL):
            raise error(st)
        buf = ctypes.create_string_buffer(need.value)
        check(L.cvhp_config_to_json(self._handle(), flags, buf, need.value, None))
        return buf.value.decode("utf-8")

    # -- properties -----------------------------------------------------------
    @property
    def task(self) -> str:
        """The reference's task name, e.g. "image-object-detection"."""
        return task_name(L.cvhp_config_task(self._handle()))

    @property
    def model(self) -> str:
        return _ffi.text(L.cvhp_model_name(L.cvhp_config_model(self._handle())))

    def is_explicit(self, name: str) -> bool:
        """True when the value was set by the user rather than a default."""
        return bool(L.cvhp_config_is_explicit(self._handle(), param_id(name)))

    # -- dict interface -------------------------------------------------------
    def __getitem__(self, name: str) -> Any:
        p = param_id(name)
        h = self._handle()
        t = _ptype(p)
        if t == _ffi.TYPE_INT:
            out = c_int64()
            st = L.cvhp_config_get_int(h, p, byref(out))
            val = out.value
        elif t == _ffi.TYPE_FLOAT:
            out = c_double()
            st = L.cvhp_config_get_float(h, p, byref(out))
            val = out.value
        elif t == _ffi.TYPE_BOOL:
            out = c_int()
            st = L.cvhp_config_get_bool(h, p, byref(out))
            val = bool(out.value)
        elif t == _ffi.TYPE_ENUM:
            out = c_int32()
            st = L.cvhp_config_get_enum(h, p, byref(out))
            val = _ffi.text(L.cvhp_param_enum_label_of(p, out.value)) if st == _ffi.OK else None
        elif t == _ffi.TYPE_STRING:
            out = c_char_p()
            st = L.cvhp_config_get_string(h, p, byref(out))
            val = _ffi.text(out.value) if st == _ffi.OK else None
        else:
            nx, ny = c_int32(), c_int32()
            st = L.cvhp_config_get_grid(h, p, byref(nx), byref(ny))
            val = (nx.value, ny.value)
        if st == _ffi.ERR_NOT_SET:
            return None
        check(st)
        return val

    def __setitem__(self, name: str, value: Any) -> None:
        p = param_id(name)
        h = self._handle()
        t = _ptype(p)
        if value is None:
            check(L.cvhp_config_reset(h, p))
            return
        if isinstance(value, str):
            check(L.cvhp_config_set_from_string(h, _ffi.enc(name), _ffi.enc(value)))
        elif t == _ffi.TYPE_BOOL and isinstance(value, (bool, int)):
            check(L.cvhp_config_set_bool(h, p, int(value)))
        elif t == _ffi.TYPE_INT and isinstance(value, int) and not isinstance(value, bool):
            if not -(2**63) <= value < 2**63:
                check(L.cvhp_config_set_from_string(h, _ffi.enc(name), _ffi.enc(str(value))))
            check(L.cvhp_config_set_int(h, p, value))
        elif t == _ffi.TYPE_INT and isinstance(value, float):
            check(L.cvhp_config_set_from_string(h, _ffi.enc(name), _ffi.enc(repr(value))))
        elif t == _ffi.TYPE_FLOAT and isinstance(value, (int, float)) and not isinstance(value, bool):
            check(L.cvhp_config_set_float(h, p, float(value)))
        elif t == _ffi.TYPE_ENUM and isinstance(value, int) and not isinstance(value, bool):
            check(L.cvhp_config_set_enum(h, p, value))
        elif t == _ffi.TYPE_GRID and isinstance(value, (tuple, list)) and len(value) == 2:
            check(L.cvhp_config_set_grid(h, p, int(value[0]), int(value[1])))
        else:
            kind = _ffi.text(L.cvhp_param_type_name(t))
            raise TypeError(f"{name}: cannot set a {kind} parameter from {type(value).__name__}")

    def __delitem__(self, name: str) -> None:
        check(L.cvhp_config_reset(self._handle(), param_id(name)))

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        try:
            p = param_id(name)
        except CvhpError:
            return False
        return bool(L.cvhp_config_has_value(self._handle(), p))

    def keys(self) -> list[str]:
        """Names of the parameters that have a value now (set or default)."""
        h = self._handle()
        out = []
        for i in range(L.cvhp_param_count()):
            p = L.cvhp_param_at(i)
            if L.cvhp_config_has_value(h, p):
                out.append(_ffi.text(L.cvhp_param_name(p)))
        return out

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys())

    def __len__(self) -> int:
        return len(self.keys())

    def items(self):
        return [(k, self[k]) for k in self.keys()]

    def get(self, name: str, default: Any = None) -> Any:
        try:
            v = self[name]
        except CvhpError:
            return default
        return default if v is None else v

    def to_dict(self, effective: bool = True) -> dict:
        """Every parameter with a value (effective=True) or only those set."""
        if effective:
            return dict(self.items())
        return {k: self[k] for k in self.keys() if self.is_explicit(k)}

    def update(self, other=(), **kw) -> None:
        for k, v in dict(other, **kw).items():
            self[k] = v

    def reset(self, name: str | None = None) -> None:
        if name is None:
            L.cvhp_config_reset_all(self._handle())
        else:
            del self[name]

    def __repr__(self) -> str:
        explicit = {k: self[k] for k in self.keys() if self.is_explicit(k)}
        return f"Config({self.task!r}, model={self.model!r}, set={explicit!r})"

    # -- validation -----------------------------------------------------------
    def validate(self) -> list[Diagnostic]:
        d = ctypes.c_void_p()
        check(L.cvhp_config_validate(self._handle(), byref(d)))
        try:
            out = []
            for i in range(L.cvhp_diagnostics_count(d)):
                params = tuple(
                    _ffi.text(L.cvhp_param_name(p))
                    for p in (L.cvhp_diagnostic_param(d, i, 0), L.cvhp_diagnostic_param(d, i, 1))
                    if p
                )
                out.append(
                    Diagnostic(
                        _ffi.text(L.cvhp_severity_name(L.cvhp_diagnostic_severity(d, i))),
                        _ffi.text(L.cvhp_diag_code_name(L.cvhp_diagnostic_code(d, i))),
                        params,
                        _ffi.text(L.cvhp_diagnostic_message(d, i)),
                    )
                )
            return out
        finally:
            L.cvhp_diagnostics_free(d)

    def check(self) -> None:
        """Raise ValidationError (a CvhpError) when validation finds an error."""
        check(L.cvhp_config_check(self._handle()))


def parameters(task: str | int | None = None) -> list[dict]:
    """Introspection: every parameter (or those applying to task) with its
    name, type, aliases, description, bounds, labels, and per-model defaults."""
    tid = None if task is None else task_id(task)
    out = []
    for i in range(L.cvhp_param_count()):
        p = L.cvhp_param_at(i)
        if tid is not None and not L.cvhp_param_applies_to_task(p, tid):
            continue
        t = L.cvhp_param_type_of(p)
        info = {
            "name": _ffi.text(L.cvhp_param_name(p)),
            "id": p,
            "type": _ffi.text(L.cvhp_param_type_name(t)),
            "description": _ffi.text(L.cvhp_param_description(p)),
            "optional": bool(L.cvhp_param_flags(p) & _ffi.PARAM_FLAG_OPTIONAL),
            "aliases": [],
        }
        j = 0
        while (a := L.cvhp_param_alias(p, j)) is not None:
            info["aliases"].append(_ffi.text(a))
            j += 1
        lo, hi = c_double(), c_double()
        if t in (_ffi.TYPE_INT, _ffi.TYPE_FLOAT, _ffi.TYPE_GRID):
            check(L.cvhp_param_bounds(p, byref(lo), byref(hi)))
            info["bounds"] = (lo.value, hi.value)
            info["max_exclusive"] = bool(L.cvhp_param_flags(p) & _ffi.PARAM_FLAG_MAX_OPEN)
        if t == _ffi.TYPE_ENUM:
            info["values"] = [_ffi.text(L.cvhp_param_enum_label(p, k)) for k in range(L.cvhp_param_enum_count(p))]
        if tid is not None:
            defaults = {}
            for m in range(L.cvhp_task_model_count(tid)):
                model = L.cvhp_task_model_at(tid, m)
                if not L.cvhp_param_applies(p, tid, model) or info["optional"]:
                    continue
                with Config(tid) as cfg:
                    cfg["model_name"] = _ffi.text(L.cvhp_model_name(model))
                    defaults[cfg.model] = cfg[info["name"]] if info["name"] != "model_name" else _ffi.text(
                        L.cvhp_model_name(L.cvhp_task_default_model(tid)))
            info["defaults"] = defaults
        out.append(info)
    return out


def models(task: str | int) -> list[str]:
    tid = task_id(task)
    return [_ffi.text(L.cvhp_model_name(L.cvhp_task_model_at(tid, i))) for i in range(L.cvhp_task_model_count(tid))]


def freezable_layers(model: str) -> list[str]:
    """The layers layers_to_freeze counts, in order, for a model."""
    m = c_int()
    check(L.cvhp_model_from_name(_ffi.enc(model), byref(m)))
    fam = L.cvhp_model_layer_family(m.value)
    return [_ffi.text(L.cvhp_layer_family_layer(fam, i)) for i in range(L.cvhp_layer_family_count(fam))]
