#!/usr/bin/env python3
"""Draws the architecture search (train/arch_search.py's results TSV) as one
SVG: float bits/byte on valid against multiply-adds per byte, and against
WebAssembly KB/s where the family has an integer C++ model to time.

    python3 bench/arch_search.py bench/arch_search.tsv bench/arch_search.svg
"""

import csv
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import svgplot  # noqa: E402

COLORS = {"gru": "#1f77b4", "gru-ngram": "#d62728", "mingru-ngram": "#2ca02c"}
MARKERS = {"gru": "circle", "gru-ngram": "square", "mingru-ngram": "diamond"}


def main(tsv: str, svg: str) -> None:
    rows = list(csv.DictReader(open(tsv), delimiter="\t"))
    budgets = sorted({int(r["bytes"]) for r in rows})
    budget = ", ".join(f"{b / 1e6:g}" for b in budgets) + " MB"

    def label(r):
        name = f"{r['family']}-{r['hidden']}"
        return f"{name}, {int(r['bytes']) / 1e6:g} MB" if len(budgets) > 1 else name

    points = [svgplot.Point(float(r["multiply_adds_per_byte"]), float(r["valid_bits_per_byte"]), label(r),
                            COLORS.get(r["family"], "#555"), MARKERS.get(r["family"], "circle"))
              for r in rows]
    panels = [svgplot.Panel("multiply-adds per byte (log scale; fewer is cheaper)", points,
                            fmt_x=svgplot.fmt_count),
              svgplot.Panel("WebAssembly SIMD KB/s (log scale)", [],
                            empty_note="not measured: no integer form of these runs")]
    Path(svg).write_text(svgplot.scatter_panels(
        panels, title="Architecture search: bits/byte for the compute",
        subtitle=f"float model, first 256 KiB of valid; runs of {budget} of training text, "
                 "same shards, order, schedule and seed (train/arch_search.py)",
        ylabel="bits per byte (lower is better)",
        notes=["gru: embedding(32) -> GRU(H) -> 256; gru-ngram: plus a bigram and a hashed trigram "
               "embedding (65,536 x 16 each) at the GRU's input;",
               "mingru-ngram: the same inputs, two minGRU layers (gates from the input only: no recurrent "
               "matmul). The shipped gru-ngram-128 (small.lmzm) is timed in models/MODEL.md."]))


if __name__ == "__main__":
    main(*sys.argv[1:3])
