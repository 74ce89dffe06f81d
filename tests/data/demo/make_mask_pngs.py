#!/usr/bin/env python3
"""Writes mask_binary.png (8-bit grayscale, 0/255) and mask_rgb.png (8-bit
RGB, red where the mask is) from mask_binary.npy, with a stdlib-only PNG
writer, for the `cvhp polygons MASK.png` tests: both must give the same
polygons as the .npy. Run with any python3 that has numpy."""
import os
import struct
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


def main():
    m = np.load(os.path.join(HERE, "mask_binary.npy")).astype(bool)
    png(os.path.join(HERE, "mask_binary.png"), m * np.uint8(255), 0, m.shape[1])
    rgb = np.zeros(m.shape + (3,), np.uint8)
    rgb[..., 0] = m * 255
    png(os.path.join(HERE, "mask_rgb.png"), rgb.reshape(m.shape[0], -1), 2, m.shape[1])


if __name__ == "__main__":
    main()
