#!/usr/bin/env python3
"""Writes the demo's instance mask and its image forms:

- mask_scores.npy: a 12x16 float32 score mask, a 10x8 block of 0.9 with a
  2x3 hole of 0.2 (the `cvhp demo` polygons step and the CLI tests);
- mask_binary.npy: the same thresholded at 0.5 (bool);
- mask_binary.png (8-bit grayscale, 0/255) and mask_rgb.png (8-bit RGB, red
  where the mask is), with a stdlib-only PNG writer, for the
  `cvhp polygons MASK.png` tests: both must give the .npy's polygons.

Run with any python3 that has numpy:
    /usr/bin/python3 tests/data/demo/make_mask_pngs.py [--out DIR]
(bindings/python/tests/test_demo_data.py regenerates into a temporary
directory and checks the committed files are what this writes)."""
import os
import struct
import sys
import zlib

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def png(path, rows, color_type, width):
    h, w = rows.shape[0], width
    raw = b"".join(b"\0" + rows[y].astype(np.uint8).tobytes() for y in range(h))

    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", w, h, 8, color_type, 0, 0, 0)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def scores():
    s = np.zeros((12, 16), np.float32)
    s[2:10, 3:13] = np.float32(0.9)
    s[5:7, 6:9] = np.float32(0.2)
    return s


def main(out=HERE):
    s = scores()
    np.save(os.path.join(out, "mask_scores.npy"), s)
    m = s > 0.5
    np.save(os.path.join(out, "mask_binary.npy"), m)
    png(os.path.join(out, "mask_binary.png"), m * np.uint8(255), 0, m.shape[1])
    rgb = np.zeros(m.shape + (3,), np.uint8)
    rgb[..., 0] = m * 255
    png(os.path.join(out, "mask_rgb.png"), rgb.reshape(m.shape[0], -1), 2, m.shape[1])


if __name__ == "__main__":
    main(sys.argv[sys.argv.index("--out") + 1] if "--out" in sys.argv else HERE)
