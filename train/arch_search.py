#!/usr/bin/python3
"""Architecture search, float phase only: trains one family at one size on a
fixed byte budget with the data, schedule and seed of train/train.py, and
appends its valid bits/byte and multiply-adds per byte to a TSV, so that
families are compared at equal data and budget (issue 12's search).

    /usr/bin/python3 train/arch_search.py --family gru-ngram --hidden 128 \
        --megabytes 20 --out runs/search

Families (per byte b_t; H hidden units; each ends in V (256, H) @ h):
  gru         embedding(b_t, 32) -> GRU(H)                        (the shipped one)
  gru-ngram   [embedding(b_t, 32), bigram(b_t-1 b_t, 16), trigram hash(b_t-2..b_t, 16)]
              -> GRU(H): capacity from two table lookups (65,536 rows each);
              the integer model adds a (3H x 32) matvec to the GRU step
              (architecture 2, the shipped small model).
  mingru-ngram  the same inputs -> two minGRU layers (Feng et al. 2024: gates
              from the layer's input only, h = (1 - z) h + z n, no recurrent
              matmul, so every position's gates compute at once):
                z, n = sigmoid(A_z x), A_n x;  layer 2 reads layer 1's h.
              Per byte 2H x 32 (n-gram columns; the byte's fold into a table)
              + 2H x H (layer 2) + 256H multiply-adds.
  gru-ngram-bittree  gru-ngram with the 256-way softmax replaced by the
              binary tree of the coder: 255 node logits v_n . h + d_n, and
              P(b) = product over b's 8 bits of sigmoid(+-logit of the node
              of the bits before). Coding a byte needs only its 8 nodes, so
              the output costs 8H multiply-adds instead of 256H.
Float only: the int8 fine-tuning is the same for every family and comes after
the choice. Valid: the first --valid-bytes of valid.bin, as train.py's float row.
"""

import argparse
import math
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent))
import train  # noqa: E402  (FloatGRU, Streams, evaluate, make_deterministic)


class MinGRUNgram(torch.nn.Module):
    """Two minGRU layers over the gru-ngram inputs (family mingru-ngram). The
    state is ((h1, h2), the two bytes before the window)."""

    def __init__(self, hidden: int, embed: int = 32):
        super().__init__()
        self.hidden = hidden
        self.embed = torch.nn.Embedding(256, embed)
        self.bigram = torch.nn.Embedding(train.NGRAM_ROWS, 16)
        self.trigram = torch.nn.Embedding(train.NGRAM_ROWS, 16)
        self.layer1 = torch.nn.Linear(embed + 32, 2 * hidden)
        self.layer2 = torch.nn.Linear(hidden, 2 * hidden)
        self.out = torch.nn.Linear(hidden, 256)

    def multiply_adds_per_byte(self) -> int:
        H = self.hidden
        return 2 * H * 32 + 2 * H * H + 256 * H

    @staticmethod
    def scan(gates: torch.Tensor, h: torch.Tensor) -> torch.Tensor:
        """h_t = (1 - z_t) h_{t-1} + z_t n_t over the window; gates (B, T, 2H)."""
        z, n = gates.chunk(2, dim=-1)
        z = torch.sigmoid(z)
        ys = []
        for t in range(gates.shape[1]):
            h = h + z[:, t] * (n[:, t] - h)
            ys.append(h)
        return torch.stack(ys, dim=1)

    def forward(self, x, state=None):
        B, H = x.shape[0], self.hidden
        if state is None:
            zero = torch.zeros(B, H)
            state = ((zero, zero), torch.zeros_like(x[:, :2]))
        (h1, h2), before = state
        bigram, trigram = train.ngram_rows(before, x)
        inputs = torch.cat([self.embed(x), self.bigram(bigram), self.trigram(trigram)], dim=-1)
        y1 = self.scan(self.layer1(inputs), h1)
        y2 = self.scan(self.layer2(y1), h2)
        return self.out(y2), ((y1[:, -1], y2[:, -1]), torch.cat([before, x], dim=1)[:, -2:])


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--family", choices=["gru", "gru-ngram", "mingru-ngram", "gru-ngram-bittree"], required=True)
    p.add_argument("--hidden", type=int, default=128)
    p.add_argument("--trigram-bits", type=int, default=16,
                   help="the n-gram families' trigram table has 2^BITS rows (the row is the hash's top "
                        "BITS bits); other than 16, the family is written FAMILY/triROWS")
    p.add_argument("--megabytes", type=float, default=20.0)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--seq", type=int, default=64)
    p.add_argument("--lr", type=float, default=3e-3)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--valid-bytes", type=int, default=262144)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--corpus", default=str(train.CORPUS))
    p.add_argument("--out", required=True, help="folder; results.tsv gets one row")
    args = p.parse_args(argv)
    if args.trigram_bits != 16 and args.family not in ("gru-ngram", "gru-ngram-bittree"):
        p.error("--trigram-bits: gru-ngram and gru-ngram-bittree only")
    train.CORPUS = Path(args.corpus)
    train.make_deterministic()
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    valid = np.fromfile(train.CORPUS / "valid" / "valid.bin", dtype=np.uint8)[: args.valid_bytes]

    if args.family == "mingru-ngram":
        model = MinGRUNgram(args.hidden)
    elif args.family == "gru-ngram-bittree":
        model = train.FloatGRU(args.hidden, ngram=True, trigram_bits=args.trigram_bits, bittree=True)
    else:
        model = train.FloatGRU(args.hidden, ngram=args.family == "gru-ngram", trigram_bits=args.trigram_bits)
    family = args.family if args.trigram_bits == 16 else f"{args.family}/tri{1 << args.trigram_bits >> 10}k"
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    streams = train.Streams(args.batch, args.seq, 0, args.seed)
    budget, done, state, t0 = args.megabytes * 1e6, 0, None, time.time()
    while done < budget:
        x = streams.next()
        if x is None:
            state = None
            continue
        frac = min(1.0, done / budget)
        for g in opt.param_groups:
            g["lr"] = args.lr * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * frac)))
        logits, state = model(x[:, :-1], state)
        state = train.detach(state)
        loss = F.cross_entropy(logits.reshape(-1, 256), x[:, 1:].reshape(-1))
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        done += x[:, 1:].numel()
    seconds = time.time() - t0
    vb = train.evaluate(model, valid)
    params = sum(t.numel() for t in model.parameters())
    row = (f"{family}\t{args.hidden}\t{int(budget)}\t{params}\t{model.multiply_adds_per_byte()}"
           f"\t{vb:.4f}\t{seconds:.0f}")
    print(row, flush=True)
    new = not (out / "results.tsv").exists()
    with open(out / "results.tsv", "a") as f:
        if new:
            f.write("family\thidden\tbytes\tparameters\tmultiply_adds_per_byte\tvalid_bits_per_byte\tseconds\n")
        f.write(row + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
