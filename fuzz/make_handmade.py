#!/usr/bin/env python3
"""Writes the hand-made nasty inputs of tests/fuzz_regressions/ (decode-hm-*,
roundtrip-hm-*) and the small committed seeds of fuzz/seeds/decode/.

Inputs are in the fuzz targets' layout (fuzz/fuzz_common.h): a decode input is
one chunk-size selector byte + the stream; a round-trip input is a level/flags
byte + a chunk-size byte + the data. Their expected outcome is listed by hand
in tests/fuzz_regressions/expected.txt. Which levels name which model comes
from the library itself (the header build/lmzip writes). Run from anywhere:
    python3 fuzz/make_handmade.py [path/to/lmzip]
"""
import functools
import os
import struct
import subprocess
import sys
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REG = os.path.join(ROOT, "tests", "fuzz_regressions")
SEEDS = os.path.join(ROOT, "fuzz", "seeds", "decode")
LMZIP = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build", "lmzip")


@functools.lru_cache(maxsize=None)
def library_header(level):
    """The header the library writes at `level` (flags, and the model id at
    the levels with a neural model)."""
    out = subprocess.run([LMZIP, f"-{level}", "-c"], input=b"", capture_output=True, check=True).stdout
    return out[:10] if out[5] & 1 else out[:6]


def default_level():
    table = subprocess.run([LMZIP, "--levels"], capture_output=True, check=True, text=True).stdout.splitlines()
    return next(int(row.split("\t")[0]) for row in table[1:] if row.endswith("\tyes"))


def header(level, version=None, flags=None):
    if version is None and flags is None:
        return library_header(level)
    version = library_header(1)[3] if version is None else version
    h = b"LMZ" + bytes([version, level, flags if flags is not None else library_header(level)[5]])
    if h[5] & 1:
        # The id the level's own header names, or the default level's at a
        # level without a model.
        own = library_header(level)
        h += (own if len(own) == 10 else library_header(default_level()))[6:10]
    return h


def block(raw_len, type_, last, extra=b""):
    v = (raw_len << 3) | (type_ << 1) | (1 if last else 0)
    return struct.pack("<I", v)[:3] + extra


def varint(v):
    out = bytearray()
    while v >= 0x80:
        out.append((v & 0x7F) | 0x80)
        v >>= 7
    out.append(v)
    return bytes(out)


def trailer(data):
    return varint(len(data)) + struct.pack("<I", zlib.crc32(data))


def stored_stream(level, parts, framed=False):
    """Stored blocks only (the last part is the last block); `framed`: one
    frame of a framed file."""
    s = header(level)
    if framed:
        s = s[:5] + bytes([s[5] | 2]) + s[6:]
    for i, p in enumerate(parts):
        s += block(len(p), 0, i == len(parts) - 1) + p
    return s + trailer(b"".join(parts))


def golden(name):
    return open(os.path.join(ROOT, "tests", "golden", name), "rb").read()


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)
    print(f"{os.path.relpath(path, ROOT)}: {len(data)} bytes")


def main():
    os.makedirs(REG, exist_ok=True)
    os.makedirs(SEEDS, exist_ok=True)
    eng = golden("english-1.lmz")
    chi = golden("chinese-6.lmz")
    multi = stored_stream(1, [b"Hello, ", b"", b"world"])
    frames = [stored_stream(1, [b"first frame "], True), stored_stream(6, [b"second", b" frame"], True)]
    sizes = [(len(frames[0]), 12), (len(frames[1]), 12)]

    def seek_table(entries):
        t = b"LMS\x01" + b"".join(struct.pack("<II", c, o) for c, o in entries) + struct.pack("<I", len(entries))
        return t + struct.pack("<I", zlib.crc32(t)) + b"LMS\x01"

    framed = b"".join(frames) + seek_table(sizes)
    cases = {
        # Truncated golden streams: in the payload, in the trailer, header only.
        "truncated-golden-l1": eng[:-1],
        "truncated-golden-l1-mid": eng[: len(eng) // 2],
        "truncated-golden-l6": chi[:-5],
        "truncated-header": eng[:4],
        "empty": b"",
        # Huge declared sizes.
        "huge-block-length": header(1) + block((1 << 21) - 1, 0, True) + b"x" * 16,
        "huge-coded-length": header(1) + block(100, 1, True, b"\xff\xff\xff") + b"\0" * 32,
        "coded-length-too-short": header(1) + block(100, 1, True, b"\x03\x00\x00") + b"\0" * 8,
        "huge-trailer-length": header(1) + block(0, 0, True) + varint((1 << 63) + 5) + b"\0" * 4,
        "overlong-trailer-varint": header(1) + block(0, 0, True) + b"\xff" * 11,
        "unknown-block-type": header(1) + block(4, 2, True) + b"abcd" + trailer(b"abcd"),
        # Header fields.
        "bad-magic": b"LMX" + eng[3:],
        "newer-version": header(1, version=library_header(1)[3] + 1) + eng[6:],
        "level-0": header(0, flags=0) + eng[6:],
        "level-10": header(10, flags=0) + eng[6:],
        "unknown-flags": header(1, flags=0x80) + eng[6:],
        "l1-with-model-id": header(1, flags=1) + eng[6:],
        # An id no model has, and id 0, which names none (a corrupt header).
        "wrong-model-id": b"LMZ\x01\x06\x01\xef\xbe\xad\xde" + chi[10:],
        "model-id-0": b"LMZ\x01\x06\x01\0\0\0\0" + chi[10:],
        # Checksum and length of a valid stream damaged.
        "bad-checksum": eng[:-1] + bytes([eng[-1] ^ 1]),
        "bad-length": multi[:-5] + bytes([multi[-5] + 1]) + multi[-4:],
        # Valid: stored blocks of any size, any number, empty ones included;
        # bytes after the stream stay unconsumed.
        "multi-stored-l1": multi,
        "multi-stored-l6": stored_stream(6, [b"abc" * 10, b"", b"\xff\x00"]),
        "trailing-bytes": multi + b"ZZZ",
        # Files one after another decode as one; a second file cut short.
        "concatenated-files": multi + stored_stream(6, [b"abc"]) + multi,
        "truncated-second-file": multi + b"LMZ",
        # Framed files: frames (any level each) and the seek table; a table
        # that disagrees, is missing, or a frame that is not framed inside.
        "framed-two-frames": framed,
        "framed-bad-seek-entry": b"".join(frames) + seek_table([sizes[0], (sizes[1][0], 13)]),
        "framed-bad-seek-count": b"".join(frames) + seek_table(sizes[:1]),
        "framed-no-seek-table": b"".join(frames),
        "framed-then-unframed": frames[0] + multi,
        # A garbage payload in a coded block.
        "garbage-payload-l1": header(1) + block(64, 1, True, b"\x20\x00\x00") + bytes(range(7, 7 + 32)) + trailer(b""),
        "garbage-payload-l9": header(9) + block(64, 1, True, b"\x20\x00\x00") + bytes(range(90, 90 + 32)) + trailer(b""),
    }
    for name, stream in cases.items():
        # Selector 0x00: one input byte per call, one output byte per call.
        write(os.path.join(REG, f"decode-hm-{name}"), b"\x00" + stream)
    rt = {
        "l1-binary": b"\x10\x00" + bytes((i * 37) & 255 for i in range(600)),
        "l9-text-small-chunks": b"\x38\x00" + b"The quick brown fox jumps over the lazy dog. " * 8,
        "l2-empty": b"\x21\xff",
        # Framing (bits 6-7 of byte 0): 1 KiB frames; the same on 2 threads
        # (compared with one thread); 4 KiB frames of a size not told.
        "l1-framed-1k": b"\x60\x00" + b"Frames of one kilobyte, each alone. " * 120,
        "l2-framed-1k-two-threads": b"\xa1\x11" + bytes((i * 131 + (i >> 5)) & 255 for i in range(5000)),
        "l1-framed-4k-size-unknown": b"\xc0\x00" + b"size unknown: the first frame is held back. " * 300,
    }
    for name, data in rt.items():
        write(os.path.join(REG, f"roundtrip-hm-{name}"), data)
    # Seeds the golden files lack: several blocks, an l6 stored stream.
    write(os.path.join(SEEDS, "multi-stored-l1"), multi)
    write(os.path.join(SEEDS, "framed-two-frames"), framed)
    write(os.path.join(SEEDS, "multi-stored-l6"), cases["multi-stored-l6"])


if __name__ == "__main__":
    main()
