"""cvhp.Workspace: the C library's recycling memory pool (cvhp_workspace)."""
from __future__ import annotations

import ctypes
from ctypes import byref, c_size_t

from . import _ffi
from ._errors import check

L = _ffi.lib


class Workspace:
    """A recycling pool for the library's scratch memory and results.

    Pass it as ``workspace=`` to ``cvhp.masks.to_polygons`` and
    ``batch_to_polygons``: after the first calls on masks of a size, the
    library stops allocating from the system (``stats()["system_allocations"]``
    stays flat). Use one per worker thread, or share it (it is thread-safe).
    A context manager; ``close()`` frees it.
    """

    _h = None  # (set once the library has made it: close() and __del__ see None before)

    def __init__(self):
        h = ctypes.c_void_p()
        check(L.cvhp_workspace_new(None, byref(h)))
        self._h = h
        self._options = {}  # cvhp.masks' options of calls with this workspace (they hold its allocator)

    def _open(self):
        """The handle; ValueError once closed."""
        if self._h is None:
            raise ValueError("the workspace is closed")
        return self._h

    def _allocator(self) -> int:
        return L.cvhp_workspace_allocator(self._open())

    def _options_cache(self) -> dict:
        self._open()
        return self._options

    def stats(self) -> dict:
        """{"system_allocations", "bytes_held", "blocks_in_use"}."""
        h = self._open()
        a, b, c = c_size_t(), c_size_t(), c_size_t()
        check(L.cvhp_workspace_stats(h, byref(a), byref(b), byref(c)))
        return {"system_allocations": a.value, "bytes_held": b.value, "blocks_in_use": c.value}

    def close(self) -> None:
        if self._h is not None:
            self._options = {}
            L.cvhp_workspace_free(self._h)
            self._h = None

    def __del__(self):
        self.close()

    def __enter__(self) -> "Workspace":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
