#!/usr/bin/env python3
"""Benchmark lmzip against gzip, bzip2, xz, zstd (with and without a dictionary) and brotli.

Usage (from the repository root; `make bench` runs the first line):

    python3 bench/bench.py --lmzip build/lmzip --corpus ../shared/corpus --out bench/RESULTS.md --repeat 3
    python3 bench/bench.py --quick                  # smoke test; report in /tmp
    python3 bench/bench.py --only sweep --out /tmp/sweep/RESULTS.md --svg bench/size_sweep.svg
    python3 bench/bench.py --files book1,bib --levels fastest,default --repeat 3
    python3 bench/bench.py --report-only bench/results.json    # rewrite the report, no measuring

Writes the measurements (results.json beside the report, or --json), then from them the
report (default bench/RESULTS.md) and, beside it, size_sweep.svg (bits/byte against input
size) and front.svg (each neural model alone: bits/byte against compute and speed). The
parts, one job each (bench/README.md says more):

  plan.json, plan.py        what to run: files, which levels where (by role, resolved through
                            `lmzip --levels`), baselines, slices, sweep, WebAssembly runs
  measure.py                running the tools: sizes, times, peak memory, round trips
  targets.json, targets.py  the PASS/FAIL targets and their evaluation
  report.py, svgplot.py     RESULTS.md and the SVGs from the measurements

Every lmzip output is decompressed and compared byte for byte: a mismatch or an lmzip error
is a hard failure (the report is still written; exit status 1). --strict: exit 2 when a
target fails. Python 3 standard library only.
"""

import argparse
import json
import os
import shlex
import sys
import tempfile
from pathlib import Path
from typing import List

sys.path.insert(0, str(Path(__file__).resolve().parent))
import measure  # noqa: E402  (bench/*.py)
import plan as planlib  # noqa: E402
import report  # noqa: E402
import targets  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"
DEFAULT_LMZIP = REPO / "build" / "lmzip"
DEFAULT_OUT = REPO / "bench" / "RESULTS.md"
QUICK_OUT = Path(tempfile.gettempdir()) / "lmzip-bench-quick" / "RESULTS.md"
SVG_NAME = "size_sweep.svg"
FRONT_NAME = "front.svg"
JSON_NAME = "results.json"


def split_list(text: str) -> List[str]:
    return [x.strip() for x in text.split(",") if x.strip()]


def parse_args(argv: List[str]) -> argparse.Namespace:
    data, quick = planlib.load(quick=False), planlib.load(quick=True)
    lv = data["levels"]
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--lmzip", default=str(DEFAULT_LMZIP), help="lmzip binary (default build/lmzip)")
    p.add_argument("--corpus", default=str(DEFAULT_CORPUS),
                   help="corpus directory holding bench/, train/, valid/ (default ../shared/corpus)")
    p.add_argument("--out", help=f"report path (default bench/RESULTS.md; with --quick {QUICK_OUT}; "
                                 "with --report-only RESULTS.md beside the JSON)")
    p.add_argument("--svg", help=f"size-sweep plot path (default {SVG_NAME} beside --out)")
    p.add_argument("--front-svg", help=f"models plot path (default {FRONT_NAME} beside --out)")
    p.add_argument("--json", help=f"measurements path (default {JSON_NAME} beside --out)")
    p.add_argument("--report-only", metavar="RESULTS_JSON",
                   help="write the report from saved measurements; nothing is run")
    p.add_argument("--levels", default="all",
                   help="lmzip levels, comma separated: roles (" + ", ".join(planlib.ROLES)
                        + ") or numbers (default all)")
    p.add_argument("--every-file-levels",
                   help=f"levels measured on every file (default {','.join(lv['every_file'])}); "
                        f"every level of --levels runs on the {data['every_level_group']['title']}"
                        + "".join(f", {','.join(roles)} also on {name}"
                                  for name, roles in lv["by_file"].items()))
    p.add_argument("--repeat", type=int, default=data["repeat"],
                   help=f"timed runs per measurement, best counts (default {data['repeat']}; "
                        f"{', '.join(lv['timed_once'])} levels: always one)")
    p.add_argument("--jobs", type=int, default=1,
                   help="files benchmarked in parallel (default 1; >1 disturbs the timings)")
    p.add_argument("--size-jobs", type=int, default=1,
                   help="parallel processes for the untimed size-only parts (slices, sweep)")
    p.add_argument("--quick", action="store_true",
                   help="smoke test: the plan's quick section (files "
                        + ", ".join(quick["selected"]) + "; fewer slices, a shorter sweep, "
                        "skips " + ", ".join(quick["skip"]) + "); report in /tmp")
    p.add_argument("--files", help="comma-separated file names (from plan.json) or paths")
    p.add_argument("--only", help="comma-separated sections to run, of "
                                  + ",".join(planlib.SECTIONS))
    p.add_argument("--no-binary", action="store_true", help="skip the binary files table")
    p.add_argument("--no-random", action="store_true", help="skip the random-input check")
    p.add_argument("--no-slices", action="store_true", help="skip the small-input slices")
    p.add_argument("--no-sweep", action="store_true", help="skip the size sweep and its plot")
    p.add_argument("--no-lm-eval", action="store_true",
                   help="skip the neural models alone (and front.svg)")
    p.add_argument("--no-dict", action="store_true", help="no zstd dictionary column")
    p.add_argument("--no-wasm", action="store_true",
                   help="skip the WebAssembly speed table (needs node and `make wasm`)")
    p.add_argument("--no-chromium", action="store_true",
                   help="time WebAssembly in Node only, not also in headless Chromium (plan "
                        "wasm.chromium; needs /usr/bin/chromium and `cd web && npm ci`)")
    p.add_argument("--strict", action="store_true", help="exit 2 when a target fails")
    args = p.parse_args(argv)
    args.levels = split_list(args.levels)
    if args.every_file_levels is not None:
        args.every_file_levels = split_list(args.every_file_levels)
    if args.repeat < 1 or args.jobs < 1 or args.size_jobs < 1:
        p.error("--repeat, --jobs and --size-jobs must be >= 1")
    skip = (quick if args.quick else data)["skip"]
    if args.only:
        only = split_list(args.only)
        unknown = [s for s in only if s not in planlib.SECTIONS]
        if unknown:
            p.error(f"--only: unknown section(s) {unknown}; choose from {planlib.SECTIONS}")
        args.sections = only
    else:
        off = {"wasm": args.no_wasm, "slices": args.no_slices, "sweep": args.no_sweep,
               "lm": args.no_lm_eval, "random": args.no_random}
        args.sections = [s for s in planlib.SECTIONS
                         if not off.get(s, False) and s not in skip]
    if args.out is None:
        args.out = str(Path(args.report_only).parent / DEFAULT_OUT.name if args.report_only
                       else QUICK_OUT if args.quick else DEFAULT_OUT)
    if args.svg is None:
        args.svg = str(Path(args.out).parent / SVG_NAME)
    if args.front_svg is None:
        args.front_svg = str(Path(args.out).parent / FRONT_NAME)
    if args.json is None:
        args.json = str(Path(args.out).parent / JSON_NAME)
    return args


def measure_run(args: argparse.Namespace, argv: List[str]) -> dict:
    lmzip = Path(args.lmzip)
    if not (lmzip.is_file() and os.access(lmzip, os.X_OK)):
        sys.exit(f"bench.py: lmzip binary not found or not executable: {lmzip} "
                 f"(build it with `make`)")
    corpus = Path(args.corpus)
    with tempfile.TemporaryDirectory(prefix="lmzip-bench-") as tmp:
        try:
            binary, digest = measure.snapshot_binary(lmzip, Path(tmp))
        except OSError as exc:
            sys.exit(f"bench.py: cannot copy {lmzip}: {exc}")
        try:
            data = planlib.load(args.quick)
            if args.no_chromium:
                data["wasm"]["chromium"] = False
            plan = planlib.Plan.for_run(data,
                                        planlib.read_level_table(binary),
                                        args.levels, args.every_file_levels)
            files = (plan.select_files(corpus, split_list(args.files) if args.files else None,
                                       args.no_binary)
                     if "files" in args.sections else [])
        except planlib.PlanError as exc:
            sys.exit(f"bench.py: {exc}")
        return measure.run(plan, binary, digest, lmzip, corpus, files, args.sections,
                           args.repeat, args.jobs, args.size_jobs, not args.no_dict,
                           "python3 " + shlex.join([sys.argv[0]] + argv), args.quick,
                           Path(tmp))


def main(argv: List[str]) -> int:
    args = parse_args(argv)
    if args.report_only:
        saved = Path(args.report_only).read_text(encoding="utf-8")
    else:
        saved = json.dumps(measure_run(args, argv), indent=1, ensure_ascii=False) + "\n"
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(saved, encoding="utf-8")
        print(f"wrote {args.json}")
    # The report is always written from the saved form, so --report-only reproduces it.
    results = json.loads(saved)
    checks = targets.evaluate(targets.load(), results)
    text = report.write(results, checks, Path(args.out), Path(args.svg), Path(args.front_svg))
    print()
    print(text)
    print(f"wrote {args.out}")

    if results["errors"]:
        print(f"bench.py: {len(results['errors'])} HARD FAILURE(S) (round trip / lmzip error)",
              file=sys.stderr)
        return 1
    if args.strict and any(c["status"] == "FAIL" for c in checks):
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
