#!/usr/bin/python3
"""Trains lmzip's byte-level GRU language model, then fine-tunes it with the
quantization of the shipped integer model simulated (int8 weights, Q8 gate
inputs), and exports it with train/export.py.

    /usr/bin/python3 train/train.py --hidden 192 --megabytes 180 --qat-megabytes 20 \
        --out runs/gru192 --export models/default.lmzm

The schedule is measured in training bytes, not time, and only deterministic
kernels run, so the same command on the same hardware and software (PyTorch,
CUDA, cuDNN versions; printed first) gives the same model bit for bit. On a GPU (--device cuda) use --minutes to size the byte budget from the
measured speed: it prints the --megabytes/--qat-megabytes that reproduce the
run (with the same --warmup-steps, the learning rate never depends on the
calibration).

Data: ../shared/corpus/train/train-NN.bin.xz (shards are read in turn);
validation: the first --valid-bytes of ../shared/corpus/valid/valid.bin (never
trained on). Checkpoints go to OUT/ckpt.pt every --checkpoint-minutes and at
the end; --resume continues from OUT/ckpt.pt. Float is fine here: only the
exported integer model is used for coding.

Model (per byte b, hidden h of size H):
    g = G[b]                                  G (256, 3H): gate inputs, incl. biases
    a = W @ h                                 W (3H, H)
    r = sigmoid(g_r + a_r),  z = sigmoid(g_z + a_z)
    n = tanh(g_n + r * (a_n + c))             c (H,): the recurrent bias of n
    h = (1 - z) * n + z * h
    logits = V @ h + d                        V (256, H), d (256,)
The float phase trains it as embedding(32) -> nn.GRU (fast fused kernels);
the quantized phase folds the embedding and input weights into G.

Family gru-ngram (--family gru-ngram, model file architecture 2) adds to g a
bigram and a hashed-trigram row of two 65536 x 16 tables through U (3H, 32):
    g = G[b] + U @ (bigram[b1 * 256 + b], trigram[hash(b2, b1, b) >> 16])
with the tables int8 (one scale each, folded into U) in the quantized phase.

Family gru-ngram-bittree (model file architecture 3) replaces the 256-way
softmax with the coder's bit tree: 255 node logits V @ h + d, V (255, H), and
P(byte) the product of its 8 nodes' sigmoids, so that coding a byte needs only
8 rows of V (8H multiply-adds instead of 256H). Its trigram table may be
smaller (--trigram-bits: 2^BITS rows, the row the hash's top BITS bits).
"""

import argparse
import lzma
import math
import os
import random
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent.parent / "shared" / "corpus"
DEVICE = torch.device("cpu")


NGRAM_ROWS = 65536  # rows of each n-gram embedding table (family gru-ngram)


def ngram_rows(before: torch.Tensor, x: torch.Tensor, trigram_bits: int = 16):
    """Bigram and hashed-trigram table rows (of 2^trigram_bits) for every byte
    of x (B, T), given the two bytes before the window (B, 2)."""
    full = torch.cat([before, x], dim=1)
    b2, b1, b0 = full[:, :-2], full[:, 1:-1], full[:, 2:]
    trigram = (b2 * 65536 + b1 * 256 + b0) * 2654435761 % (1 << 32)
    return b1 * 256 + b0, trigram >> (32 - trigram_bits)


BIT_TREE_NODES = 255


def bit_tree_log_probs(nodes: torch.Tensor) -> torch.Tensor:
    """The 256 byte log-probabilities (..., 256) from the bit tree's node
    logits (..., 255). Node n is the prefix 1 b7 .. b(8-k) read as a number,
    minus 1, at depth k; the byte's probability is the product over its bits
    of sigmoid(+-logit of the node of the bits before). They sum to 1, so the
    cross entropy and evaluate() are those of the softmax."""
    logp = torch.zeros(*nodes.shape[:-1], 1, device=nodes.device)
    for depth in range(8):
        logit = nodes[..., (1 << depth) - 1: (2 << depth) - 1]  # this depth's nodes, prefix order
        # A prefix's two children, bit 0 then bit 1: the byte order after 8 steps.
        logp = torch.stack([logp + F.logsigmoid(-logit), logp + F.logsigmoid(logit)], dim=-1).flatten(-2)
    return logp


def family_flags(family: str, trigram_bits: int = 16) -> dict:
    """The FloatGRU/QuantGRU options of a --family."""
    return {"ngram": family in ("gru-ngram", "gru-ngram-bittree"), "bittree": family == "gru-ngram-bittree",
            "trigram_bits": trigram_bits}


class FloatGRU(torch.nn.Module):
    """embedding -> GRU -> linear; the architecture trained first. Family
    gru-ngram adds two 16-wide embeddings to the GRU's input, of the last two
    bytes (bigram) and of a hash of the last three (trigram): capacity from
    table lookups for few multiply-adds. Its state is (h, the two bytes before
    the window), so that windows chain. With bittree=True the output is the
    bit tree's 255 node logits, and forward returns byte log-probabilities."""

    def __init__(self, hidden: int, embed: int = 32, ngram: bool = False, trigram_bits: int = 16,
                 bittree: bool = False):
        super().__init__()
        self.ngram, self.trigram_bits, self.bittree = ngram, trigram_bits, bittree
        self.embed = torch.nn.Embedding(256, embed)
        if ngram:
            self.bigram = torch.nn.Embedding(NGRAM_ROWS, 16)
            self.trigram = torch.nn.Embedding(1 << trigram_bits, 16)
        self.gru = torch.nn.GRU(embed + (32 if ngram else 0), hidden, batch_first=True)
        self.out = torch.nn.Linear(hidden, BIT_TREE_NODES if bittree else 256)

    def multiply_adds_per_byte(self) -> int:
        H = self.gru.hidden_size
        ngram_columns = 3 * H * 32 if self.ngram else 0  # the byte's columns fold into G
        return 3 * H * H + (8 if self.bittree else 256) * H + ngram_columns

    def features(self, x, state=None):
        """The GRU's outputs y (B, T, H) and the state after the window."""
        if not self.ngram:
            return self.gru(self.embed(x), state)
        h, before = state if state is not None else (None, torch.zeros_like(x[:, :2]))
        bigram, trigram = ngram_rows(before, x, self.trigram_bits)
        inputs = torch.cat([self.embed(x), self.bigram(bigram), self.trigram(trigram)], dim=-1)
        y, h = self.gru(inputs, h)
        return y, (h, torch.cat([before, x], dim=1)[:, -2:])

    def forward(self, x, state=None):
        y, state = self.features(x, state)
        out = self.out(y)
        return (bit_tree_log_probs(out) if self.bittree else out), state


def fold_trigram_table(table: torch.Tensor, rows: int) -> torch.Tensor:
    """A trigram table of `rows` rows from a larger one. The smaller table's
    row is the top bits of the larger's, so each merges consecutive rows; it
    starts as their average weighted by how often each occurs in the first
    training shard (the frequent context keeps its row)."""
    data = torch.from_numpy(read_shard(0).astype(np.int64))
    index = ngram_rows(data[None, :2], data[None, 2:], table.shape[0].bit_length() - 1)[1][0]
    counts = torch.bincount(index, minlength=table.shape[0]).double().view(rows, -1, 1)
    merged = (table.double().view(rows, -1, table.shape[1]) * counts).sum(dim=1) / counts.sum(dim=1).clamp_min(1)
    return merged.to(table.dtype)


def node_log_odds(logits: torch.Tensor) -> torch.Tensor:
    """The bit tree's 255 node logits (N, 255) equal to a softmax over 256
    byte logits (N, 256): each node's log P(bit 1) / P(bit 0) given its prefix."""
    logp = F.log_softmax(logits, dim=-1)
    nodes = []
    for depth in range(8):
        halves = logp.view(len(logp), 1 << depth, 2, 128 >> depth).logsumexp(dim=-1)
        nodes.append(halves[..., 1] - halves[..., 0])
    return torch.cat(nodes, dim=1)


def bit_tree_path(byte: torch.Tensor):
    """The bit tree's 8 nodes on each byte's path and its 8 bits, (..., 8) each."""
    k = torch.arange(8, device=byte.device)
    bits = (byte[..., None] >> (7 - k)) & 1
    nodes = ((1 << k) | (byte[..., None] >> (8 - k))) - 1
    return nodes, bits


def fit_bit_tree_head(model: FloatGRU, softmax_out: dict, data: np.ndarray, streams: int = 64,
                      steps: int = 2000, batch: int = 16384):
    """Starts a bit-tree output where a trained softmax output is (--init from
    a gru-ngram model), with the GRU fixed and its outputs over `data` as
    features: the least-squares fit of the softmax's node log-odds (clipped to
    +-16), then `steps` of Adam on the bit-tree loss (each node a logistic
    regression over the samples whose path it is on)."""
    n = len(data) // streams
    x = torch.from_numpy(data[: n * streams].astype(np.int64)).view(streams, n).to(DEVICE)
    H = model.gru.hidden_size
    V, d = model.out.weight, model.out.bias
    with torch.no_grad():
        y = model.features(x)[0][:, :-1].reshape(-1, H)
        targets = x[:, 1:].reshape(-1)
        sample = y[:: max(1, len(y) // 262144)]
        target = node_log_odds(F.linear(sample, softmax_out["out.weight"], softmax_out["out.bias"])).clamp(-16, 16)
        X = torch.cat([sample, torch.ones(len(sample), 1, device=DEVICE)], dim=1).double()
        B = torch.linalg.solve(X.T @ X + 1e-3 * torch.eye(X.shape[1], device=DEVICE, dtype=X.dtype),
                               X.T @ target.double())
        V.copy_(B[:-1].T)
        d.copy_(B[-1])
    nodes, bits = bit_tree_path(targets)
    signs = (2 * bits - 1).float()
    opt = torch.optim.Adam([V, d], lr=3e-3)
    generator = torch.Generator().manual_seed(1)
    for step in range(steps):
        for g in opt.param_groups:
            g["lr"] = 3e-3 * 0.5 * (1 + math.cos(math.pi * step / steps))
        idx = torch.randint(len(y), (batch,), generator=generator).to(DEVICE)
        # Every node's logit, then the path's 8 (gathering 8 rows of V per
        # sample instead would allocate far more).
        logit = F.linear(y[idx], V, d).gather(1, nodes[idx])
        loss = -F.logsigmoid(signs[idx] * logit).sum(dim=1).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
    return loss.item() / math.log(2)


def head_fit_text(shards: int = 16, each: int = 65536) -> np.ndarray:
    """The text fit_bit_tree_head() reads: the start of every training shard."""
    count = len(sorted((CORPUS / "train").glob("train-*.bin.xz")))
    return np.concatenate([read_shard(i)[:each] for i in range(min(shards, count))])


def detach(state):
    """The recurrent state cut from the graph (truncated BPTT)."""
    return tuple(detach(t) for t in state) if isinstance(state, tuple) else state.detach()


def fake_quant_rows(w: torch.Tensor) -> torch.Tensor:
    """int8 per-row symmetric quantization with a straight-through gradient."""
    scale = w.detach().abs().amax(dim=1, keepdim=True).clamp_min(1e-8) / 127.0
    q = torch.clamp(torch.round(w / scale), -127, 127) * scale
    return w + (q - w).detach()


def fake_quant_q8(t: torch.Tensor) -> torch.Tensor:
    """Fixed point with 8 fractional bits in int16, straight-through."""
    q = torch.clamp(torch.round(t * 256.0), -32767, 32767) / 256.0
    return t + (q - t).detach()


class QuantGRU(torch.nn.Module):
    """The shipped model's parameterization, with its quantization simulated.
    With ngram=True (family gru-ngram) the GRU's input also gets the n-gram
    rows: int8 tables (one scale per table) through U (3H, 32), int8 per row
    (intmodel.py's IntNgramModel is the integer form); with bittree=True V and
    d are the bit tree's 255 nodes (IntBitTreeModel)."""

    def __init__(self, hidden: int, ngram: bool = False, bittree: bool = False, trigram_bits: int = 16):
        super().__init__()
        self.hidden, self.ngram, self.bittree, self.trigram_bits = hidden, ngram, bittree, trigram_bits
        outputs = BIT_TREE_NODES if bittree else 256
        self.G = torch.nn.Parameter(torch.zeros(256, 3 * hidden))
        self.W = torch.nn.Parameter(torch.zeros(3 * hidden, hidden))
        self.c = torch.nn.Parameter(torch.zeros(hidden))
        self.V = torch.nn.Parameter(torch.zeros(outputs, hidden))
        self.d = torch.nn.Parameter(torch.zeros(outputs))
        if ngram:
            self.U = torch.nn.Parameter(torch.zeros(3 * hidden, 32))
            self.bigram = torch.nn.Parameter(torch.zeros(NGRAM_ROWS, 16))
            self.trigram = torch.nn.Parameter(torch.zeros(1 << trigram_bits, 16))

    @staticmethod
    def from_float(m: FloatGRU) -> "QuantGRU":
        H = m.gru.hidden_size
        q = QuantGRU(H, m.ngram, m.bittree, m.trigram_bits)
        E = m.embed.weight.shape[1]
        with torch.no_grad():
            w_ih, w_hh = m.gru.weight_ih_l0, m.gru.weight_hh_l0
            b_ih, b_hh = m.gru.bias_ih_l0, m.gru.bias_hh_l0
            G = m.embed.weight @ w_ih[:, :E].T + b_ih  # (256, 3H)
            G[:, : 2 * H] += b_hh[: 2 * H]     # r and z biases add outside sigmoid
            q.G.copy_(G)
            q.W.copy_(w_hh)
            q.c.copy_(b_hh[2 * H:])
            q.V.copy_(m.out.weight)
            q.d.copy_(m.out.bias)
            if m.ngram:
                q.U.copy_(w_ih[:, E:])
                q.bigram.copy_(m.bigram.weight)
                q.trigram.copy_(m.trigram.weight)
        return q

    def table_scales(self) -> torch.Tensor:
        """The int8 step of each n-gram table, per input column (32,)."""
        s = [t.detach().abs().max().clamp_min(1e-8) / 127.0 for t in (self.bigram, self.trigram)]
        return torch.cat([s[0].expand(16), s[1].expand(16)])

    def forward(self, x, state=None):
        H, dev = self.hidden, self.G.device
        h, before = state if self.ngram and state is not None else (state, torch.zeros_like(x[:, :2]))
        G = fake_quant_q8(self.G)
        W = fake_quant_rows(self.W)
        V = fake_quant_rows(self.V)
        # nn.GRU semantics with one-hot input: W_ih = G^T, b_ih = 0, b_hh = (0, 0, c).
        b_hh = torch.cat([torch.zeros(2 * H, device=dev), fake_quant_q8(self.c)])
        inputs, w_ih = F.one_hot(x, 256).float(), G.T
        if self.ngram:
            # The integer model multiplies int8 U' = U * scale (per row) by the
            # tables' int8 values; here x_int carries those integers
            # (straight-through to the tables).
            scales = self.table_scales()
            bigram, trigram = ngram_rows(before, x, self.trigram_bits)
            rows = torch.cat([self.bigram[bigram], self.trigram[trigram]], dim=-1) / scales
            x_int = rows + (torch.clamp(torch.round(rows), -127, 127) - rows).detach()
            inputs = torch.cat([inputs, x_int], dim=-1)
            w_ih = torch.cat([w_ih, fake_quant_rows(self.U * scales)], dim=1)
        if h is None:
            h = torch.zeros(1, x.shape[0], H, device=dev)
        y, h = torch._VF.gru(inputs, h, [w_ih.contiguous(), W, torch.zeros(3 * H, device=dev), b_hh],
                             True, 1, 0.0,
                             self.training, False, True)
        logits = F.linear(y, V, fake_quant_q8(self.d))
        if self.bittree:
            logits = bit_tree_log_probs(logits)
        if not self.ngram:
            return logits, h
        return logits, (h, torch.cat([before, x], dim=1)[:, -2:])


def unseen_bigrams() -> torch.Tensor:
    """The bigram rows no training shard has (64 % of them: their weights are
    still the random initialisation). Zeroed before the quantized phase, they
    cost nothing on text (valid: the same bits/byte to 4 decimals), are
    neutral on data unlike the training text, and compress in the package."""
    count = len(sorted((CORPUS / "train").glob("train-*.bin.xz")))
    seen = np.zeros(NGRAM_ROWS, dtype=bool)
    for i in range(count):
        d = read_shard(i).astype(np.int64)
        seen[d[:-1] * 256 + d[1:]] = True
    return torch.from_numpy(~seen)


def read_shard(i: int) -> np.ndarray:
    shards = sorted((CORPUS / "train").glob("train-*.bin.xz"))
    path = shards[i % len(shards)]
    with lzma.open(path) as f:
        return np.frombuffer(f.read(), dtype=np.uint8)


class Streams:
    """B parallel streams through the training text for truncated BPTT; the
    hidden state carries over from one window to the next."""

    def __init__(self, batch: int, seq: int, shard: int, seed: int):
        self.batch, self.seq = batch, seq
        self.rng = random.Random(seed)
        self.shard = shard
        self._load()

    def _load(self):
        self.data = read_shard(self.shard)
        span = len(self.data) // self.batch
        self.pos = [k * span + self.rng.randrange(span // 2) for k in range(self.batch)]
        self.end = [(k + 1) * span for k in range(self.batch)]

    def next(self):
        if any(p + self.seq + 1 > e for p, e in zip(self.pos, self.end)):
            self.shard += 1
            self._load()
            return None  # new text: the caller resets the hidden state
        idx = np.stack([self.data[p: p + self.seq + 1] for p in self.pos])
        self.pos = [p + self.seq for p in self.pos]
        return torch.from_numpy(idx.astype(np.int64)).to(DEVICE)


class MixedStreams(Streams):
    """Streams over all shards at once (--mix-shards): the shards joined end to
    end, each of the B streams in its own stretch of the whole, so every batch
    holds every domain (a shard alone can be one 20 MB document). `shard`
    counts passes: each pass starts every stream at a fresh random point."""

    joined = None  # all shards, read once per process

    def _load(self):
        if MixedStreams.joined is None:
            count = len(sorted((CORPUS / "train").glob("train-*.bin.xz")))
            MixedStreams.joined = np.concatenate([read_shard(i) for i in range(count)])
        self.data = MixedStreams.joined
        span = len(self.data) // self.batch
        self.pos = [k * span + self.rng.randrange(span // 2) for k in range(self.batch)]
        self.end = [(k + 1) * span for k in range(self.batch)]


def evaluate(model, data: np.ndarray, streams: int = 16, seq: int = 256) -> float:
    """Bits per byte of `model` over `data` (split into parallel streams)."""
    model.eval()
    n = len(data) // streams
    x = torch.from_numpy(data[: n * streams].astype(np.int64)).view(streams, n).to(DEVICE)
    total, count, h = 0.0, 0, None
    with torch.no_grad():
        for s in range(0, n - 1, seq):
            chunk = x[:, s: min(s + seq + 1, n)]
            logits, h = model(chunk[:, :-1], h)
            loss = F.cross_entropy(logits.reshape(-1, 256), chunk[:, 1:].reshape(-1), reduction="sum")
            total += loss.item()
            count += chunk[:, 1:].numel()
    model.train()
    return total / count / math.log(2)


def make_deterministic():
    """Same command, same software and hardware -> the same model, bit for bit.
    cuBLAS needs a fixed workspace (read when its handle is created, so this runs
    before the first CUDA op); ops without a deterministic kernel raise."""
    os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    torch.use_deterministic_algorithms(True)
    torch.backends.cudnn.deterministic = True
    torch.backends.cudnn.benchmark = False
    line = f"torch {torch.__version__}"
    if DEVICE.type == "cuda":
        line += (f", CUDA {torch.version.cuda}, cuDNN {torch.backends.cudnn.version()}, "
                 f"{torch.cuda.get_device_name(DEVICE)}")
    print(line, flush=True)


def main(argv):
    global CORPUS, DEVICE
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--hidden", type=int, default=192)
    p.add_argument("--family", choices=["gru", "gru-ngram", "gru-ngram-bittree"], default="gru",
                   help="gru-ngram: bigram and hashed-trigram embeddings at the GRU's input; "
                        "gru-ngram-bittree: and the bit tree as output")
    p.add_argument("--trigram-bits", type=int, default=16,
                   help="gru-ngram-bittree: the trigram table has 2^BITS rows (10..16)")
    p.add_argument("--megabytes", type=float, default=100.0, help="float training text, MB")
    p.add_argument("--qat-megabytes", type=float, default=10.0,
                   help="quantized fine-tuning text, MB")
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--seq", type=int, default=64)
    p.add_argument("--lr", type=float, default=3e-3)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--valid-bytes", type=int, default=262144)
    p.add_argument("--eval-minutes", type=float, default=5.0)
    p.add_argument("--checkpoint-minutes", type=float, default=5.0)
    p.add_argument("--out", required=True)
    p.add_argument("--resume", action="store_true")
    p.add_argument("--mix-shards", action="store_true",
                   help="every batch from all shards (MixedStreams) instead of one shard at a time")
    p.add_argument("--stop-bytes", type=int,
                   help="save the checkpoint and exit once the float phase has read this many "
                        "bytes: replays an interrupted run exactly (a resumed run starts a fresh "
                        "optimizer and fresh stream positions, so where it stopped matters)")
    p.add_argument("--init", help="start from the float weights of this checkpoint (a new "
                                  "schedule: a second stage of training); weights of another "
                                  "shape (a gru-ngram output for a gru-ngram-bittree) start afresh")
    p.add_argument("--teacher", help="distil: train on the next-byte distribution of this gru-ngram "
                                     "checkpoint's float model instead of the text's bytes")
    p.add_argument("--export", help="write the integer model here when done")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--device", default="cpu", help="cpu or cuda")
    p.add_argument("--corpus", default=str(CORPUS), help="folder with train/ and valid/")
    p.add_argument("--warmup-steps", type=int, default=0,
                   help="linear learning-rate warm-up (steps) before the cosine decay")
    p.add_argument("--minutes", type=float,
                   help="size both byte budgets to end after about this long (calibrated "
                        "during the warm-up, which must be >= 200 steps)")
    p.add_argument("--export-valid-bytes", type=int, default=16384,
                   help="bytes of valid the exported integer model is measured on (Python: slow)")
    p.add_argument("--export-vector", help="test vector path (default tests/lm_vector.txt)")
    args = p.parse_args(argv)
    CORPUS = Path(args.corpus)
    DEVICE = torch.device(args.device)
    make_deterministic()
    start_time = time.time()

    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    valid = np.fromfile(CORPUS / "valid" / "valid.bin", dtype=np.uint8)[: args.valid_bytes]
    log = open(out / "log.tsv", "a")

    if args.trigram_bits != 16 and args.family != "gru-ngram-bittree":
        p.error("--trigram-bits: gru-ngram-bittree only (architecture 2 files have 65,536 rows)")
    if not 10 <= args.trigram_bits <= 16:
        p.error("--trigram-bits: 10..16")
    flags = family_flags(args.family, args.trigram_bits)
    model = FloatGRU(args.hidden, **flags).to(DEVICE)
    state = {"phase": "float", "float_seconds": 0.0, "qat_seconds": 0.0, "float_bytes": 0,
             "qat_bytes": 0, "bytes": 0, "shard": 0}
    ckpt = out / "ckpt.pt"
    if args.init:
        saved = torch.load(args.init, map_location=DEVICE)
        weights = saved["float_model"] if "float_model" in saved else saved["model"]
        own = model.state_dict()
        if "trigram.weight" in own and weights["trigram.weight"].shape[0] != own["trigram.weight"].shape[0]:
            rows, had = own["trigram.weight"].shape[0], weights["trigram.weight"].shape[0]
            if had > rows:
                table = fold_trigram_table(weights["trigram.weight"], rows)
            else:
                # The row is the hash's top bits: the larger table's row j
                # starts as the smaller's row j >> (extra bits), so the model
                # computes the same function until training separates them.
                table = weights["trigram.weight"].repeat_interleave(rows // had, dim=0)
            weights = {**weights, "trigram.weight": table}
            print(f"trigram table {'folded' if had > rows else 'unfolded'} to {rows:,} rows", flush=True)
        fresh = [k for k in own if k not in weights or weights[k].shape != own[k].shape]
        model.load_state_dict({k: v for k, v in weights.items() if k not in fresh}, strict=False)
        if model.bittree and weights["out.weight"].shape[0] == 256:
            bpb = fit_bit_tree_head(model, weights, head_fit_text())
            print(f"bit-tree output fitted to the GRU's outputs ({bpb:.4f} bits/byte at the end)", flush=True)
        elif fresh:
            print(f"initialised afresh: {', '.join(fresh)}", flush=True)
        state["shard"] = saved["state"]["shard"] + 1  # text the first stage did not read
        print(f"initialised from {args.init} (stage 1: {saved['state']['float_bytes']:,} bytes)",
              flush=True)
    if args.resume and ckpt.exists():
        saved = torch.load(ckpt, map_location=DEVICE)
        state = saved["state"]
        if state["phase"] in ("qat", "done"):
            model = QuantGRU(args.hidden, **flags).to(DEVICE)
        model.load_state_dict(saved["model"])
        print(f"resumed: {state}", flush=True)

    float_weights = None  # kept after the float phase, for --init of a next stage
    teacher = None
    if args.teacher:
        saved = torch.load(args.teacher, map_location=DEVICE)
        teacher = FloatGRU(saved["args"]["hidden"], ngram=True).to(DEVICE)
        teacher.load_state_dict(saved["float_model"] if "float_model" in saved else saved["model"])
        teacher.eval()
        print(f"distilling {args.teacher}", flush=True)

    def save():
        torch.save({"state": state, "model": model.state_dict(), "args": vars(args),
                    **({"float_model": float_weights} if float_weights else {})}, ckpt)

    budgets = {"float": args.megabytes * 1e6, "qat": args.qat_megabytes * 1e6}
    if args.minutes and args.warmup_steps < 200:
        sys.exit("--minutes needs --warmup-steps >= 200 (it calibrates during the warm-up)")

    def calibrate(rate: float):
        """Sizes both budgets so that training ends about --minutes after the start."""
        left = args.minutes * 60 - (time.time() - start_time) - 30  # 30 s: evaluation, export
        mb = max(1, int((state["float_bytes"] + rate * left * 0.88) / 1e6))
        budgets["float"], budgets["qat"] = mb * 1e6, max(1, int(mb * 0.08)) * 1e6
        line = (f"calibrated at {rate / 1e6:.2f} MB/s: --megabytes {mb} "
                f"--qat-megabytes {max(1, int(mb * 0.08))} --warmup-steps {args.warmup_steps}")
        print(line, flush=True)
        log.write("# " + line + "\n")

    def run_phase(phase: str, lr: float):
        nonlocal model
        reader = MixedStreams if args.mix_shards else Streams
        streams = reader(args.batch, args.seq, state["shard"], args.seed + state["bytes"])
        opt = torch.optim.Adam(model.parameters(), lr=lr)
        key, done, steps = f"{phase}_seconds", f"{phase}_bytes", f"{phase}_steps"
        state.setdefault(steps, 0)
        warmup = args.warmup_steps if phase == "float" else 0
        h = teacher_h = None
        last_eval = last_ckpt = time.time()
        t0 = time.time() - state[key]
        loss_avg, rate_mark = None, None
        while state[done] < budgets[phase]:
            x = streams.next()
            state["shard"] = streams.shard
            if x is None:
                h = teacher_h = None
                continue
            # Linear warm-up, then cosine decay over the phase's byte budget.
            if state[steps] < warmup:
                factor = (state[steps] + 1) / warmup
            else:
                frac = min(1.0, state[done] / budgets[phase])
                factor = 0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * frac))
            for g in opt.param_groups:
                g["lr"] = lr * factor
            logits, h = model(x[:, :-1], h)
            h = detach(h)
            loss = F.cross_entropy(logits.reshape(-1, 256), x[:, 1:].reshape(-1))
            if teacher is not None:
                # Distillation: the teacher's whole next-byte distribution as
                # the target (bpb below stays the cross entropy of the text).
                with torch.no_grad():
                    teacher_logits, teacher_h = teacher(x[:, :-1], teacher_h)
                soft = -(F.softmax(teacher_logits, dim=-1) * F.log_softmax(logits, dim=-1)).sum(dim=-1).mean()
                hard, loss = loss, soft
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            state["bytes"] += x[:, 1:].numel()
            state[done] += x[:, 1:].numel()
            state[steps] += 1
            state[key] = time.time() - t0
            bpb = (loss if teacher is None else hard).item() / math.log(2)
            loss_avg = bpb if loss_avg is None else 0.98 * loss_avg + 0.02 * bpb
            now = time.time()
            if args.minutes and phase == "float":
                if state[steps] == 50:
                    rate_mark = (now, state[done])
                elif state[steps] == warmup and rate_mark:
                    calibrate((state[done] - rate_mark[1]) / (now - rate_mark[0]))
            if args.minutes and now - start_time > args.minutes * 60 * (0.9 if phase == "float" else 1):
                line = f"{phase} stopped by the --minutes deadline at {state[done]:,} bytes"
                print(line, flush=True)
                log.write("# " + line + "\n")
                break
            if now - last_eval > args.eval_minutes * 60:
                vb = evaluate(model, valid)
                line = f"{phase}\t{state[key]:.0f}\t{state['bytes']}\t{loss_avg:.4f}\t{vb:.4f}"
                print(line, flush=True)
                log.write(line + "\n")
                log.flush()
                last_eval = now
            if now - last_ckpt > args.checkpoint_minutes * 60:
                save()
                last_ckpt = now
            if args.stop_bytes and phase == "float" and state[done] >= args.stop_bytes:
                save()
                print(f"stopped by --stop-bytes at {state[done]:,} bytes", flush=True)
                sys.exit(0)

    if state["phase"] == "float-done":  # a checkpoint of the time gru-ngram had no integer phase
        state["phase"] = "float"
    if state["phase"] == "float":
        run_phase("float", args.lr)
        vb = evaluate(model, valid)
        print(f"float done: valid {vb:.4f} bits/byte after {state['bytes']:,} bytes", flush=True)
        log.write(f"float-final\t{state['float_seconds']:.0f}\t{state['bytes']}\t-\t{vb:.4f}\n")
        float_weights = model.state_dict()
        model = QuantGRU.from_float(model).to(DEVICE)
        if model.ngram:
            with torch.no_grad():
                model.bigram[unseen_bigrams().to(DEVICE)] = 0
        state["phase"] = "qat"
        save()
    vb = evaluate(model, valid)
    print(f"quantized (simulated) before fine-tuning: valid {vb:.4f}", flush=True)
    run_phase("qat", args.lr * 0.1)
    vb = evaluate(model, valid)
    print(f"quantized (simulated) final: valid {vb:.4f} bits/byte, {state['bytes']:,} bytes seen",
          flush=True)
    log.write(f"qat-final\t{state['qat_seconds']:.0f}\t{state['bytes']}\t-\t{vb:.4f}\n")
    state["phase"] = "done"
    save()
    if args.export:
        sys.path.insert(0, str(HERE))
        import export
        export.export(model.cpu(), Path(args.export), state, args.export_valid_bytes,
                      CORPUS, Path(args.export_vector) if args.export_vector else None)


if __name__ == "__main__":
    main(sys.argv[1:])
