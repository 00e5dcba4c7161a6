"""A small PNG reader and writer on the standard library (zlib), for screenshot checks:
8-bit RGB or RGBA, not interlaced (what Chromium writes)."""

from __future__ import annotations

import struct
import zlib
from collections import Counter

SIGNATURE = b"\x89PNG\r\n\x1a\n"
_CHANNELS = {2: 3, 6: 4}


def _chunks(png: bytes) -> dict[bytes, bytes]:
    assert png[:8] == SIGNATURE, "not a PNG file"
    found: dict[bytes, bytes] = {}
    pos = 8
    while pos < len(png):
        length, kind = struct.unpack(">I4s", png[pos:pos + 8])
        found[kind] = found.get(kind, b"") + png[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IEND":
            break
    return found


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def _unfilter(kind: int, line: bytearray, prev: bytes, bpp: int) -> bytearray:
    if kind == 0:
        return line
    if kind == 2:
        return bytearray((x + p) & 0xFF for x, p in zip(line, prev, strict=True))
    for i in range(len(line)):
        a = line[i - bpp] if i >= bpp else 0
        b = prev[i]
        c = prev[i - bpp] if i >= bpp else 0
        pred = a if kind == 1 else (a + b) // 2 if kind == 3 else _paeth(a, b, c)
        line[i] = (line[i] + pred) & 0xFF
    return line


def read_rgb(png: bytes) -> tuple[int, int, list[tuple[int, int, int]]]:
    """(width, height, pixels as RGB tuples, row by row)."""
    chunks = _chunks(png)
    width, height, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", chunks[b"IHDR"])
    assert depth == 8 and color in _CHANNELS and interlace == 0, "unsupported PNG layout"
    bpp = _CHANNELS[color]
    raw = zlib.decompress(chunks[b"IDAT"])
    stride = width * bpp
    prev = bytes(stride)
    pixels: list[tuple[int, int, int]] = []
    for y in range(height):
        start = y * (stride + 1)
        line = _unfilter(raw[start], bytearray(raw[start + 1:start + 1 + stride]), prev, bpp)
        pixels += [(line[i], line[i + 1], line[i + 2]) for i in range(0, stride, bpp)]
        prev = bytes(line)
    return width, height, pixels


def colour_counts(png: bytes) -> Counter[tuple[int, int, int]]:
    """How many pixels of each colour the image has."""
    return Counter(read_rgb(png)[2])


def write_rgb(width: int, height: int, colour: tuple[int, int, int]) -> bytes:
    """A one-colour PNG (for checking that the checks can fail)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + bytes(colour) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (SIGNATURE + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))
