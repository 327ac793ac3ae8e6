"""The integer GRU language model: file format (docs/MODEL_FORMAT.md), and the
Python reference evaluator that src/nn/ must match bit for bit.

Fixed point used throughout:
    h          int16, Q14 (16384 = 1.0)
    gate input int16, Q8  (256 = 1.0): G, c, d, and every pre-activation
    weights    int8 per row, with an int32 multiplier M: W·h in Q8 is
               (sum_j W[i,j] * h[j] * M[i] + 2^27) >> 28
    LUTs       sigmoid/tanh: Q14 output for Q8 input clamped to [-8, 8);
               exp: Q16 of exp(-i/256), i = max_logit - logit clamped to 4095
All shifts are arithmetic (floor); numpy int64 and C++ int64_t agree.
"""

import struct
import zlib
from dataclasses import dataclass

import numpy as np

MAGIC = b"LMZM"
# Version 2 stores the n-gram tables sparse (see IntNgramModel); a file
# without them is the same in both, and is written as version 1.
FORMAT_VERSION = 1
SPARSE_TABLES_VERSION = 2
FORMAT_VERSIONS = (FORMAT_VERSION, SPARSE_TABLES_VERSION)  # the versions read
ARCH_GRU = 1
ARCH_GRU_NGRAM = 2
ARCH_GRU_NGRAM_BITTREE = 3
BIT_TREE_NODES = 255
NGRAM_ROWS = 65536
NGRAM_WIDTH = 16
LUT_SIZE = 4096
MULT_SHIFT = 28
Q14 = 16384


@dataclass
class IntModel:
    hidden: int
    sigmoid: np.ndarray  # int16 (4096,)
    tanh: np.ndarray     # int16 (4096,)
    exp: np.ndarray      # uint32 (4096,)
    G: np.ndarray        # int16 (256, 3H)
    c: np.ndarray        # int16 (H,)
    W: np.ndarray        # int8 (3H, H)
    W_mult: np.ndarray   # int32 (3H,)
    V: np.ndarray        # int8 (256, H)
    V_mult: np.ndarray   # int32 (256,)
    d: np.ndarray        # int16 (256,)

    ARCH = ARCH_GRU
    NAME = "gru"
    OUTPUTS = 256  # rows of V: the softmax's logits

    VERSION = FORMAT_VERSION  # the file format version this class writes

    def header(self) -> bytes:
        return MAGIC + struct.pack("<BBHII", self.VERSION, self.ARCH, 0, self.hidden, 256)

    def arrays(self):
        """The stored arrays after the header, in file order, with their types."""
        return ((self.sigmoid, "<i2"), (self.tanh, "<i2"), (self.exp, "<u4"),
                (self.G, "<i2"), (self.c, "<i2"), (self.W, "i1"), (self.W_mult, "<i4"),
                (self.V, "i1"), (self.V_mult, "<i4"), (self.d, "<i2"))

    def to_bytes(self) -> bytes:
        parts = [self.header()]
        for arr, dtype in self.arrays():
            parts.append(np.ascontiguousarray(arr).astype(dtype).tobytes())
        return b"".join(parts)

    @staticmethod
    def read_gru(data: bytes, arch: int, outputs: int = 256):
        """The GRU fields shared by every architecture: (hidden, fields, take)."""
        if data[:4] != MAGIC:
            raise ValueError("not an lmzip model")
        version, found, _, hidden, vocab = struct.unpack_from("<BBHII", data, 4)
        if version not in FORMAT_VERSIONS or found != arch or vocab != 256:
            raise ValueError("unsupported model")
        at = 16 if arch == ARCH_GRU else 24
        H = hidden

        def take(dtype, shape):
            nonlocal at
            n = int(np.prod(shape)) * np.dtype(dtype).itemsize
            if at + n > len(data):
                raise ValueError("model file size mismatch")
            arr = np.frombuffer(data, dtype=dtype, count=int(np.prod(shape)), offset=at).reshape(shape)
            at += n
            return arr.astype(np.int64)

        fields = (take("<i2", (LUT_SIZE,)), take("<i2", (LUT_SIZE,)), take("<u4", (LUT_SIZE,)),
                  take("<i2", (256, 3 * H)), take("<i2", (H,)), take("i1", (3 * H, H)),
                  take("<i4", (3 * H,)), take("i1", (outputs, H)), take("<i4", (outputs,)),
                  take("<i2", (outputs,)))
        def take_table(rows, width):
            """An n-gram table: dense in version 1, sparse in version 2."""
            nonlocal at
            if version < SPARSE_TABLES_VERSION:
                return take("i1", (rows, width))
            stored = np.unpackbits(take("u1", (rows // 8,)).astype(np.uint8), bitorder="little").astype(bool)
            table = np.zeros((rows, width), dtype=np.int64)
            table[stored] = take("i1", (int(stored.sum()), width))
            if not (table[stored] != 0).any(axis=1).all():
                raise ValueError("model file not canonical: a stored n-gram row is all zero")
            return table

        return H, fields, take, take_table, lambda: at

    @staticmethod
    def from_bytes(data: bytes) -> "IntModel":
        H, fields, _, _, end = IntModel.read_gru(data, ARCH_GRU)
        if end() != len(data):
            raise ValueError("model file size mismatch")
        return IntModel(H, *fields)

    def gate_inputs(self, byte: np.ndarray, history: np.ndarray) -> np.ndarray:
        """g (S, 3H): the gate inputs of the byte just read."""
        return self.G[byte]

    def output(self, h: np.ndarray) -> np.ndarray:
        """What the next byte's bit probabilities are read from, per stream:
        cum (S, 257), the prefix sums of the exp-weights of its 256 values."""
        acc = h @ self.V.T                                     # (S, 256)
        logits = ((acc * self.V_mult + (1 << (MULT_SHIFT - 1))) >> MULT_SHIFT) + self.d
        diff = np.minimum(logits.max(axis=1, keepdims=True) - logits, LUT_SIZE - 1)
        e = self.exp[diff]
        cum = np.zeros((len(h), 257), dtype=np.int64)
        cum[:, 1:] = np.cumsum(e, axis=1)
        return cum

    def bit_probability(self, cum: np.ndarray, c0: np.ndarray, k: int) -> np.ndarray:
        """12-bit P(next bit = 1) after k bits of the byte; c0 = 1 << k | bits."""
        width = 256 >> k
        rows = np.arange(len(c0))
        lo = (c0 - (1 << k)) * width
        total = cum[rows, lo + width] - cum[rows, lo]
        ones = cum[rows, lo + width] - cum[rows, lo + width // 2]
        return np.clip((ones * 4096 + total // 2) // total, 1, 4095)


@dataclass
class IntNgramModel(IntModel):
    """Architecture 2 (gru-ngram): the GRU whose gate inputs also get a
    bigram and a hashed-trigram row (int8 tables, NGRAM_WIDTH columns each)
    through U (3H, 32) int8 per row:
        x = (bigram[b1 * 256 + b], trigram[hash(b2, b1, b) >> 16])     (32,)
        g = clamp(G[b] + ((U @ x) * U_mult + 2^27 >> 28), -32767, 32767)"""
    U: np.ndarray = None        # int8 (3H, 32)
    U_mult: np.ndarray = None   # int32 (3H,)
    bigram: np.ndarray = None   # int8 (NGRAM_ROWS, NGRAM_WIDTH)
    trigram: np.ndarray = None  # int8 (NGRAM_ROWS, NGRAM_WIDTH)

    ARCH = ARCH_GRU_NGRAM
    NAME = "gru-ngram"
    VERSION = SPARSE_TABLES_VERSION
    TRIGRAM_ROWS = (NGRAM_ROWS,)

    def header(self) -> bytes:
        # rows: the trigram table's (the bigram table always has NGRAM_ROWS)
        return super().header() + struct.pack("<II", len(self.trigram), NGRAM_WIDTH)

    def arrays(self):
        return super().arrays() + ((self.U, "i1"), (self.U_mult, "<i4"))

    def to_bytes(self) -> bytes:
        # Each table sparse: a bitmap of the rows stored (bit i % 8 of byte
        # i / 8), then those rows; the rows not stored are zero (most of the
        # bigram table: byte pairs that never occur in training text).
        parts = [super().to_bytes()]
        for table in (self.bigram, self.trigram):
            table = np.ascontiguousarray(table).astype("i1")
            stored = (table != 0).any(axis=1)
            parts += [np.packbits(stored, bitorder="little").tobytes(), table[stored].tobytes()]
        return b"".join(parts)

    @classmethod
    def from_bytes(cls, data: bytes) -> "IntNgramModel":
        H, fields, take, take_table, end = IntModel.read_gru(data, cls.ARCH, cls.OUTPUTS)
        rows, width = struct.unpack_from("<II", data, 16)
        if rows not in cls.TRIGRAM_ROWS or width != NGRAM_WIDTH:
            raise ValueError("unsupported n-gram tables")
        m = cls(H, *fields, take("i1", (3 * H, 2 * width)), take("<i4", (3 * H,)),
                take_table(NGRAM_ROWS, width), take_table(rows, width))
        if end() != len(data):
            raise ValueError("model file size mismatch")
        return m

    def gate_inputs(self, byte: np.ndarray, history: np.ndarray) -> np.ndarray:
        b2, b1 = history[:, 0], history[:, 1]
        bits = len(self.trigram).bit_length() - 1
        trigram = ((b2 * 65536 + b1 * 256 + byte) * 2654435761 % (1 << 32)) >> (32 - bits)
        x = np.concatenate([self.bigram[b1 * 256 + byte], self.trigram[trigram]], axis=1)
        a = (x @ self.U.T * self.U_mult + (1 << (MULT_SHIFT - 1))) >> MULT_SHIFT
        return np.clip(self.G[byte] + a, -32767, 32767)


@dataclass
class IntBitTreeModel(IntNgramModel):
    """Architecture 3 (gru-ngram-bittree): gru-ngram whose output is the
    coder's bit tree. V (255, H) and d hold one row per node; the node after
    k bits c0 = 1 << k | bits is c0 - 1, and
        logit = ((V[c0 - 1] . h) * V_mult[c0 - 1] + 2^27 >> 28) + d[c0 - 1]   Q8
        P(bit = 1) = clamp((sigmoid(logit) + 2) >> 2, 1, 4095)                12-bit
    (the file's exp table is unused, kept for the common layout). Its trigram
    table may have 2^10..2^16 rows (the header's rows field; the row is the
    hash's top bits); the bigram table has NGRAM_ROWS."""

    ARCH = ARCH_GRU_NGRAM_BITTREE
    NAME = "gru-ngram-bittree"
    OUTPUTS = BIT_TREE_NODES
    TRIGRAM_ROWS = tuple(1 << bits for bits in range(10, 17))

    def output(self, h: np.ndarray) -> np.ndarray:
        return h.copy()

    def bit_probability(self, h: np.ndarray, c0: np.ndarray, k: int) -> np.ndarray:
        node = c0 - 1
        acc = (h * self.V[node]).sum(axis=1)
        logit = ((acc * self.V_mult[node] + (1 << (MULT_SHIFT - 1))) >> MULT_SHIFT) + self.d[node]
        return np.clip((self.sigmoid[lut_index(logit)] + 2) >> 2, 1, 4095)


# The architecture table, as in src/nn/architectures.cpp: the model file's
# architecture field -> the class that parses and evaluates it.
ARCHITECTURES = {ARCH_GRU: IntModel, ARCH_GRU_NGRAM: IntNgramModel,
                 ARCH_GRU_NGRAM_BITTREE: IntBitTreeModel}


def load(data: bytes):
    """Parses a model file through the architecture table."""
    if data[:4] != MAGIC or len(data) < 8:
        raise ValueError("not an lmzip model")
    if data[4] not in FORMAT_VERSIONS:
        raise ValueError(f"unsupported model file version {data[4]}")
    if data[5] not in ARCHITECTURES:
        raise ValueError(f"unknown model architecture {data[5]}")
    return ARCHITECTURES[data[5]].from_bytes(data)


def model_id(data: bytes) -> int:
    """The id recorded in compressed streams: CRC-32 of the model file."""
    return zlib.crc32(data) & 0xFFFFFFFF


def build_luts():
    x = (np.arange(LUT_SIZE) - LUT_SIZE // 2) / 256.0
    sigmoid = np.round(Q14 / (1.0 + np.exp(-x))).astype(np.int64)
    tanh = np.round(Q14 * np.tanh(x)).astype(np.int64)
    exp = np.maximum(1, np.round(65536.0 * np.exp(-np.arange(LUT_SIZE) / 256.0))).astype(np.int64)
    return sigmoid, tanh, exp


def quantize_rows(w: np.ndarray):
    """int8 rows and the multiplier that turns (row · h_Q14) into Q8."""
    scale = np.maximum(np.abs(w).max(axis=1), 1e-8) / 127.0
    q = np.clip(np.round(w / scale[:, None]), -127, 127).astype(np.int64)
    # Q8 = acc * scale / 16384 * 256 = acc * scale / 64;  M = scale / 64 * 2^28
    mult = np.round(scale * (1 << (MULT_SHIFT - 6))).astype(np.int64)
    assert mult.max() < 2**31
    return q, mult


def q8(t: np.ndarray) -> np.ndarray:
    return np.clip(np.round(t * 256.0), -32767, 32767).astype(np.int64)


def quantize(G, W, c, V, d, U=None, bigram=None, trigram=None) -> IntModel:
    """From float arrays (numpy) of the QuantGRU parameterization (with U and
    the tables: the gru-ngram architecture; V with 255 rows: gru-ngram-bittree)."""
    H = W.shape[1]
    sigmoid, tanh, exp = build_luts()
    Wq, Wm = quantize_rows(W)
    Vq, Vm = quantize_rows(V)
    fields = (H, sigmoid, tanh, exp, q8(G), q8(c), Wq, Wm, Vq, Vm, q8(d))
    if U is None:
        return IntModel(*fields)
    # As train.QuantGRU simulates: each table in int8 with one scale, folded
    # into U's columns; U' = U * scale is int8 per row, and its multiplier
    # turns (U' . x) for integer x into Q8: acc * row_scale * 256.
    scales, tables = [], []
    for t in (bigram, trigram):
        s = max(np.abs(t).max(), 1e-8) / 127.0
        scales.append(np.full(t.shape[1], s))
        tables.append(np.clip(np.round(t / s), -127, 127).astype(np.int64))
    scaled = U * np.concatenate(scales)[None, :]
    row_scale = np.maximum(np.abs(scaled).max(axis=1), 1e-8) / 127.0
    Uq = np.clip(np.round(scaled / row_scale[:, None]), -127, 127).astype(np.int64)
    Um = np.round(row_scale * (1 << (MULT_SHIFT + 8))).astype(np.int64)
    assert Um.max() < 2**31, "n-gram input weights too large for a 31-bit multiplier"
    cls = IntBitTreeModel if V.shape[0] == BIT_TREE_NODES else IntNgramModel
    return cls(*fields, Uq, Um, tables[0], tables[1])


def lut_index(v):
    return np.clip(v, -LUT_SIZE // 2, LUT_SIZE // 2 - 1) + LUT_SIZE // 2


class Runner:
    """Runs the integer model over S parallel streams (one byte each per step)."""

    def __init__(self, m: IntModel, streams: int = 1):
        self.m = m
        self.h = np.zeros((streams, m.hidden), dtype=np.int64)
        self.history = np.zeros((streams, 2), dtype=np.int64)  # the two bytes before

    def step(self, byte: np.ndarray) -> np.ndarray:
        """Feeds one byte per stream; returns the model's output() for the next
        byte, which its bit_probability() reads."""
        m, H = self.m, self.m.hidden
        g = m.gate_inputs(byte, self.history)                  # (S, 3H)
        self.history = np.stack([self.history[:, 1], byte], axis=1)
        acc = self.h @ m.W.T                                   # (S, 3H)
        a = (acc * m.W_mult + (1 << (MULT_SHIFT - 1))) >> MULT_SHIFT
        r = m.sigmoid[lut_index(g[:, :H] + a[:, :H])]
        z = m.sigmoid[lut_index(g[:, H:2 * H] + a[:, H:2 * H])]
        v = a[:, 2 * H:] + m.c
        n = m.tanh[lut_index(g[:, 2 * H:] + ((r * v + Q14 // 2) >> 14))]
        self.h = n + ((z * (self.h - n) + Q14 // 2) >> 14)
        return m.output(self.h)


def probabilities(m: IntModel, data: bytes) -> np.ndarray:
    """The 8 * len(data) coding probabilities of `data` (one stream); the model
    starts from h = 0 having seen byte 0."""
    run = Runner(m, 1)
    out = np.zeros(8 * len(data), dtype=np.int64)
    prev = 0
    for i, byte in enumerate(data):
        o = run.step(np.array([prev]))
        c0 = 1
        for k in range(8):
            out[8 * i + k] = m.bit_probability(o, np.array([c0]), k)[0]
            c0 = (c0 << 1) | ((byte >> (7 - k)) & 1)
        prev = byte
    return out


def bits_per_byte(m: IntModel, data: np.ndarray, streams: int = 64) -> float:
    """Coding cost of the integer model alone (-log2 of the 12-bit bit
    probabilities), over `data` split into parallel streams."""
    n = len(data) // streams
    x = data[: n * streams].reshape(streams, n).astype(np.int64)
    run = Runner(m, streams)
    total = 0.0
    prev = np.zeros(streams, dtype=np.int64)
    for t in range(n):
        o = run.step(prev)
        c0 = np.ones(streams, dtype=np.int64)
        for k in range(8):
            p1 = m.bit_probability(o, c0, k)
            bit = (x[:, t] >> (7 - k)) & 1
            total -= np.log2(np.where(bit == 1, p1, 4096 - p1) / 4096.0).sum()
            c0 = (c0 << 1) | bit
        prev = x[:, t]
    return total / (n * streams)
