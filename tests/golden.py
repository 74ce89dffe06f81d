"""The golden-data container shared by the generators (tests/gen_*.py), the
C tests (tests/golden.c) and the Python tests.

A file is a sequence of cases. Each case has a name and named arrays:

    b"CASE" u32 name_len name
    repeated: tag (4 ASCII bytes) dtype (1 byte: f float32, d float64,
              q int64, i int32, u uint8) u32 count, then count little-endian items
    b"END!"

Only numpy is needed to read or write it.
"""
import struct

import numpy as np

_DT = {"f": np.float32, "d": np.float64, "q": np.int64, "i": np.int32, "u": np.uint8}


def write(path, cases):
    """cases: list of (name, {tag: array}) with 4-character tags."""
    with open(path, "wb") as f:
        for name, arrays in cases:
            nb = name.encode()
            f.write(b"CASE" + struct.pack("<I", len(nb)) + nb)
            for tag, arr in arrays.items():
                assert len(tag) == 4, tag
                arr = np.asarray(arr)
                code = {np.dtype(v): k for k, v in _DT.items()}[arr.dtype]
                flat = np.ascontiguousarray(arr.reshape(-1)).astype(arr.dtype.newbyteorder("<"), copy=False)
                f.write(tag.encode() + code.encode() + struct.pack("<I", flat.size) + flat.tobytes())
            f.write(b"END!")


def read(path):
    """Returns [(name, {tag: 1-D array})]."""
    data = open(path, "rb").read()
    out, p = [], 0
    while p < len(data):
        assert data[p:p + 4] == b"CASE", f"bad record at {p}"
        (ln,) = struct.unpack_from("<I", data, p + 4)
        name = data[p + 8:p + 8 + ln].decode()
        p += 8 + ln
        arrays = {}
        while data[p:p + 4] != b"END!":
            tag = data[p:p + 4].decode()
            dt = np.dtype(_DT[chr(data[p + 4])]).newbyteorder("<")
            (cnt,) = struct.unpack_from("<I", data, p + 5)
            p += 9
            arrays[tag] = np.frombuffer(data, dtype=dt, count=cnt, offset=p).copy()
            p += cnt * dt.itemsize
        p += 4
        out.append((name, arrays))
    return out
