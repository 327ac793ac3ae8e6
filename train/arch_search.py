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
              the integer model would add a (3H x 32) matvec to the GRU step.
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


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--family", choices=["gru", "gru-ngram"], required=True)
    p.add_argument("--hidden", type=int, default=128)
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
    train.CORPUS = Path(args.corpus)
    train.make_deterministic()
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    valid = np.fromfile(train.CORPUS / "valid" / "valid.bin", dtype=np.uint8)[: args.valid_bytes]

    model = train.FloatGRU(args.hidden, ngram=args.family == "gru-ngram")
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
    row = (f"{args.family}\t{args.hidden}\t{int(budget)}\t{params}\t{model.multiply_adds_per_byte()}"
           f"\t{vb:.4f}\t{seconds:.0f}")
    print(row, flush=True)
    new = not (out / "results.tsv").exists()
    with open(out / "results.tsv", "a") as f:
        if new:
            f.write("family\thidden\tbytes\tparameters\tmultiply_adds_per_byte\tvalid_bits_per_byte\tseconds\n")
        f.write(row + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
