#!/usr/bin/env python3
"""Draws the architecture search (train/arch_search.py's results TSV) as one
SVG: float bits/byte on valid against multiply-adds per byte, and, for the
models that have an integer C++ form (the shipped ones, longer trained), the
same bits/byte against the model's measured WebAssembly KB/s
(bench/lm_speed.py fills bench/arch_search_speed.tsv).

    python3 bench/arch_search.py bench/arch_search.tsv bench/arch_search.svg \
        bench/arch_search_speed.tsv
"""

import csv
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import svgplot  # noqa: E402

COLORS = {"gru": "#1f77b4", "gru-ngram": "#d62728", "mingru-ngram": "#2ca02c", "gru-ngram-bittree": "#9467bd"}
MARKERS = {"gru": "circle", "gru-ngram": "square", "mingru-ngram": "diamond", "gru-ngram-bittree": "triangle"}


def main(tsv: str, svg: str, speed_tsv: str = "") -> None:
    rows = list(csv.DictReader(open(tsv), delimiter="\t"))
    budgets = sorted({int(r["bytes"]) for r in rows})
    budget = ", ".join(f"{b / 1e6:g}" for b in budgets) + " MB"

    usual = max(budgets, key=lambda b: sum(int(r["bytes"]) == b for r in rows))

    def label(r):  # the budget only where it is not the usual one
        name = f"{r['family']}-{r['hidden']}"
        return name if int(r["bytes"]) == usual else f"{name}, {int(r['bytes']) / 1e6:g} MB"

    points = [svgplot.Point(float(r["multiply_adds_per_byte"]), float(r["valid_bits_per_byte"]), label(r),
                            COLORS.get(r["family"], "#555"), MARKERS.get(r["family"], "circle"))
              for r in rows]
    panels = [svgplot.Panel("multiply-adds per byte (log scale; fewer is cheaper)", points,
                            fmt_x=svgplot.fmt_count),
              speed_panel(speed_tsv)]
    Path(svg).write_text(svgplot.scatter_panels(
        panels, title="Architecture search: bits/byte for the compute",
        subtitle=f"float model, first 256 KiB of valid; runs of {usual / 1e6:g} MB of training text "
                 f"unless labelled ({budget} in all), same shards, order, schedule and seed "
                 "(train/arch_search.py)",
        height=620, panel_width=520,
        ylabel="bits per byte (lower is better)",
        notes=["gru: embedding(32) -> GRU(H) -> 256; gru-ngram: plus a bigram and a hashed trigram "
               "embedding (65,536 x 16 each) at the GRU's input;",
               "mingru-ngram: the same inputs, two minGRU layers (gates from the input only: no recurrent "
               "matmul); gru-ngram-bittree: gru-ngram with",
               "the coder's bit tree as output (8 of 255 node logits per byte instead of a 256-way "
               "softmax). Right: the shipped integer models alone, trained on 216-333 MB,",
               "timed on the first MiB of valid (lmzip_lm_eval built to WebAssembly, Node, one thread; "
               "bench/lm_speed.py)."]))


def speed_panel(speed_tsv: str) -> svgplot.Panel:
    """The shipped models: float bits/byte (the model card's, same data as the search's)
    against the integer model's WebAssembly KB/s."""
    rows = list(csv.DictReader(open(speed_tsv), delimiter="\t")) if speed_tsv else []
    points = [svgplot.Point(float(r["wasm_kb_per_s"]), float(r["float_bits_per_byte"]),
                            f"{r['model'].split()[0]} ({r['family']}-{r['hidden']}, {r['megabytes_trained']} MB)"
                            + (" before" if "before" in r["model"] else ""),
                            COLORS.get(r["family"], "#555"), MARKERS.get(r["family"], "circle"))
              for r in rows if r["wasm_kb_per_s"]]
    return svgplot.Panel("shipped models: WebAssembly SIMD KB/s of the model alone (log scale)", points,
                         empty_note="not measured: run bench/lm_speed.py", higher_x_better=True,
                         fmt_x=svgplot.fmt_count)


if __name__ == "__main__":
    main(*sys.argv[1:4])
