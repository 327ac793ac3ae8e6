#!/usr/bin/env python3
"""Benchmark lmzip against gzip, bzip2, xz, zstd (with and without a dictionary) and brotli.

Usage (from the repository root; `make bench` runs the first line):

    python3 bench/bench.py --lmzip build/lmzip --corpus ../shared/corpus --out bench/RESULTS.md --repeat 3
    python3 bench/bench.py --quick                  # smoke test, a few minutes; report in /tmp
    python3 bench/bench.py --only sweep --out /tmp/sweep/RESULTS.md --svg bench/size_sweep.svg
    python3 bench/bench.py --files book1,bib --levels 1 --repeat 3

Writes the report (default bench/RESULTS.md) and, beside it, size_sweep.svg: bits/byte
against input size. The report starts with the machine, date, command, tool versions and
a headline table. What it measures:

  * Per-file bits/byte (8 x compressed bytes / original bytes) for lmzip and gzip -9,
    bzip2 -9, xz -9e, zstd -19, zstd -19 with a trained dictionary and brotli -q11 (a tool
    that is not installed is skipped, with a note). Which lmzip levels run where:
      - --every-file-levels (default 1,2,6) on every benchmark file (29 text, 8 binary);
      - every level of --levels (default 1-9) on the Canterbury and Calgary text files
        (22 files, 3.6 MB): the neural levels run at ~0.15 MB/s, level 9 slower still;
      - level 9 also on the enwik8 head and hongloumeng.txt (EXTRA_LEVELS).
  * Wall-clock compress and decompress time of lmzip and xz -9e on each file (input on
    disk, output to a temporary file, best of --repeat; one run at the neural levels 3-9,
    whose speed is far above the noise) and each process's peak memory (wait4 ru_maxrss).
    Every lmzip output is decompressed and compared byte for byte: a mismatch or an lmzip
    error is a hard failure (the report is still written; exit status 1).
  * The npm package (WebAssembly, SIMD build) in Node on book1 (levels 1, 2, 6, 9) and the
    enwik8 head (1, 2, 6), and the scalar build on alice29.txt at levels 1 and 6, against
    native and xz -9e timed in the same run (bench/wasm_speed.mjs; needs `make wasm`).
  * Small inputs: 24 evenly spaced 1 KiB and 4 KiB slices of each of alice29.txt and book1,
    each compressed on its own, at every level and by every baseline.
  * Size sweep: slices of dickens (Silesia; English, no Dickens in the training data) from
    100 B to 4 MiB (48 slices per size at the small end, 1 at 4 MiB), mean bits/byte, for
    lmzip -1/-6/-9 and the baselines, drawn as an SVG (svgplot.py). lmzip outputs under
    256 KiB are decompressed and compared too.
  * The zstd dictionary: `zstd --train` (112,640 bytes, the zstd default) on 4 KiB samples
    cut from the first 2 MB of each training shard (<corpus>/train/*.bin.xz): the text the
    neural model was trained on, disjoint from every benchmark file and slice.
  * The neural model alone on valid/valid.bin (lmzip_lm_eval), random-input growth, and
    the PASS/FAIL targets of issues 2-4 (--strict: exit 2 when one fails).

The lmzip binary is copied to a temporary directory first, so a rebuild during the run
cannot change what is measured (its sha256 is in the report). Everything timed runs
serially. Python 3 standard library only.
"""

import argparse
import concurrent.futures
import datetime
import filecmp
import glob
import hashlib
import json
import lzma
import os
import platform
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional, Tuple

sys.path.insert(0, str(Path(__file__).resolve().parent))
import svgplot  # noqa: E402  (bench/svgplot.py)

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"
DEFAULT_LMZIP = REPO / "build" / "lmzip"
DEFAULT_OUT = REPO / "bench" / "RESULTS.md"
QUICK_OUT = Path(tempfile.gettempdir()) / "lmzip-bench-quick" / "RESULTS.md"
SVG_NAME = "size_sweep.svg"

# (name, directory under <corpus>/bench/), in report order.
TEXT_FILES = [
    ("alice29.txt", "canterbury"), ("asyoulik.txt", "canterbury"),
    ("cp.html", "canterbury"), ("fields.c", "canterbury"),
    ("grammar.lsp", "canterbury"), ("lcet10.txt", "canterbury"),
    ("plrabn12.txt", "canterbury"), ("xargs.1", "canterbury"),
    ("bib", "calgary"), ("book1", "calgary"), ("book2", "calgary"),
    ("news", "calgary"), ("paper1", "calgary"), ("paper2", "calgary"),
    ("paper3", "calgary"), ("paper4", "calgary"), ("paper5", "calgary"),
    ("paper6", "calgary"), ("progc", "calgary"), ("progl", "calgary"),
    ("progp", "calgary"), ("trans", "calgary"),
    ("bible.txt", "large"), ("world192.txt", "large"),
    ("dickens", "silesia"), ("reymont", "silesia"), ("xml", "silesia"),
    ("enwik8.head4154400", "web"),
    ("hongloumeng.txt", "zh"),
]
BINARY_FILES = [
    ("kennedy.xls", "canterbury"), ("ptt5", "canterbury"), ("sum", "canterbury"),
    ("geo", "calgary"), ("obj1", "calgary"), ("obj2", "calgary"), ("pic", "calgary"),
    ("random.txt", "artificial"),
]
# Every level runs on these (the Canterbury and Calgary text files, 3.6 MB in all).
ALL_LEVEL_FILES = [n for n, d in TEXT_FILES if d in ("canterbury", "calgary")]
ALL_LEVEL_TITLE = "Canterbury + Calgary text files"
QUICK_FILES = ["alice29.txt", "paper5", "grammar.lsp", "sum"]

ALL_LEVELS = list(range(1, 10))
EVERY_FILE_LEVELS = [1, 2, 6]
# Level 9 (the large model, ~3x slower than 3-8) also on the two large headline texts.
EXTRA_LEVELS = {"enwik8.head4154400": [9], "hongloumeng.txt": [9]}
NEURAL_FROM = 3            # levels >= 3 run the neural model (~0.15 MB/s)
DEFAULT_LEVEL = 6          # the level the CLI and compress() use when none is given

# Reference compressors: (label, argv before the input path). Output goes to stdout.
BASELINES = [
    ("gzip -9", ["gzip", "-9", "-n", "-c"]),
    ("bzip2 -9", ["bzip2", "-9", "-c"]),
    ("xz -9e", ["xz", "-9e", "-c"]),
    ("zstd -19", ["zstd", "-19", "-q", "-c"]),
    ("brotli -q11", ["brotli", "-q", "11", "-c"]),
]
XZ_LABEL = "xz -9e"
XZ_DECOMPRESS = ["xz", "-d", "-c"]
DICT_LABEL = "zstd -19 +dict"
DICT_BYTES = 112_640            # zstd --train's default --maxdict
DICT_SAMPLE = 4096              # bytes per training sample
DICT_PER_SHARD = 2_000_000      # bytes read from the start of each training shard
DICT_PER_SHARD_QUICK = 250_000
VERSION_ARGS = {"gzip": ["--version"], "bzip2": ["--version"], "xz": ["--version"],
                "zstd": ["--version"], "brotli": ["--version"]}

# Small inputs: evenly spaced slices of texts that no model was trained on.
SLICE_SOURCES = [("alice29.txt", "canterbury"), ("book1", "calgary")]
SLICE_SIZES = [1024, 4096]
SLICES_PER_FILE, SLICES_PER_FILE_QUICK = 24, 4
SLICE_TARGET = 0.80       # default level <= 80 % of brotli -q11 (20 % smaller)

# Size sweep: (slice bytes, slices) of one held-out English text.
SWEEP_SOURCE = ("dickens", "silesia")
SWEEP_PLAN = [(100, 48), (300, 48), (1 << 10, 48), (3 << 10, 32), (10 << 10, 16),
              (30 << 10, 16), (100 << 10, 8), (300 << 10, 4), (1 << 20, 2), (4 << 20, 1)]
SWEEP_PLAN_QUICK = [(100, 8), (300, 8), (1 << 10, 8), (3 << 10, 4), (10 << 10, 4),
                    (30 << 10, 2), (100 << 10, 1)]
SWEEP_LEVELS = [1, 6, 9]
VERIFY_BELOW = 256 << 10  # slices under this size: lmzip output decompressed and compared

LM_EVAL = "lmzip_lm_eval"  # built beside the lmzip binary
RANDOM_SIZES = [1_000_000, 1_048_576]
RANDOM_GROWTH_LIMIT = 16
TARGET_LEVEL = 1
BPB_TARGETS = [("alice29.txt", 2.15), ("book1", 2.25), ("enwik8.head4154400", 2.00)]
SPEED_TARGET_FILE = "book1"
SPEED_TARGET_RATIO = 1.5
# WebAssembly (npm package in Node) against native and xz -9e, measured in the same run.
# SIMD build: (file, levels); level 9 (large model) on book1 only.
WASM_PLAN = [("book1", [1, 2, 6, 9]), ("enwik8.head4154400", [1, 2, 6])]
WASM_PLAN_QUICK = [("alice29.txt", [1, 2, 6, 9])]
WASM_FILES = [name for name, _ in WASM_PLAN]
SCALAR_FILE = "alice29.txt"                    # scalar build: 8 KB/s at the neural levels
SCALAR_LEVELS, SCALAR_LEVELS_QUICK = [1, 6], [1]
WASM_TARGET_RATIO = 0.5   # WASM SIMD throughput >= 50 % of native
HEADLINE_FILES = ["alice29.txt", "book1", "enwik8.head4154400", "hongloumeng.txt"]
LM_BPB_TARGETS = [("alice29.txt", 1.95), ("book1", 2.05)]
LM_SPEED_FILE = "book1"
MODEL_FILE = REPO / "models" / "default.lmzm"
LARGE_MODEL_FILE = REPO / "models" / "large.lmzm"
SECTIONS = ["files", "wasm", "slices", "sweep", "lm", "random"]


class BenchError(Exception):
    """A command failed or a round trip did not reproduce its input."""


@dataclass
class Measure:
    """One codec on one file: compressed bytes and (if timed) best wall times, peak RSS."""
    size: int
    ctime: Optional[float] = None
    dtime: Optional[float] = None
    cmem: Optional[int] = None      # KiB
    dmem: Optional[int] = None


@dataclass
class FileResult:
    name: str
    kind: str                      # "text" or "binary"
    size: int
    codecs: Dict[str, Measure] = field(default_factory=dict)
    errors: List[str] = field(default_factory=list)   # hard failures (lmzip)
    failed: List[str] = field(default_factory=list)   # lmzip labels that failed
    notes: List[str] = field(default_factory=list)    # baseline tool trouble
    path: Optional[Path] = None


@dataclass
class DictInfo:
    path: Path
    size: int
    samples: int
    sample_bytes: int
    shards: int
    per_shard: int
    seconds: float
    sha: str


@dataclass
class Config:
    lmzip: Path
    levels: List[int]
    every_levels: List[int]
    baselines: List[tuple]         # (label, argv) of the installed tools, + the dictionary
    repeat: int
    tmpdir: Path
    quick: bool
    size_jobs: int
    lm_eval: Optional[Path] = None


# ---------------------------------------------------------------- helpers

def lmzip_label(level: int) -> str:
    return f"lmzip -{level}"


def bpb(compressed: int, original: int) -> float:
    return 8.0 * compressed / original if original else float("nan")


def mb_per_s(nbytes: int, seconds: Optional[float]) -> Optional[float]:
    if seconds is None or seconds <= 0:
        return None
    return nbytes / seconds / 1e6


def fmt_num(value: Optional[float], digits: int) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def fmt_size(n: int) -> str:
    return svgplot.fmt_bytes(n)


def levels_for(name: str, cfg: Config) -> List[int]:
    """The lmzip levels measured on one benchmark file."""
    return [lv for lv in cfg.levels if lv in cfg.every_levels or name in ALL_LEVEL_FILES
            or lv in EXTRA_LEVELS.get(name, [])]


def run_to_file(argv: List[str], out_path: Path) -> Tuple[float, int]:
    """Runs argv with stdout to out_path; returns (wall seconds, peak RSS KiB).
    Raises BenchError."""
    with open(out_path, "wb") as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        try:
            proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        except OSError as exc:
            raise BenchError(f"`{shlex.join(argv)}` could not start: {exc}") from exc
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err.seek(0)
            lines = err.read().decode("utf-8", "replace").strip().splitlines()
            raise BenchError(f"`{shlex.join(argv)}` exited {proc.returncode}"
                             + (f": {lines[-1]}" if lines else ""))
    return elapsed, usage.ru_maxrss


def best_run(argv: List[str], out_path: Path, repeat: int) -> Tuple[float, int]:
    runs = [run_to_file(argv, out_path) for _ in range(repeat)]
    return min(t for t, _ in runs), max(m for _, m in runs)


def timed_round_trip(comp_argv: List[str], decomp_argv: List[str], src: Path,
                     stem: str, repeat: int) -> Measure:
    """Compress src, decompress the result, compare bytes; best-of-repeat times.

    stem: temp path prefix; the files are stem + ".lmz" (packed) and stem + ".out"."""
    packed, unpacked = Path(stem + ".lmz"), Path(stem + ".out")
    try:
        ctime, cmem = best_run(comp_argv + [str(src)], packed, repeat)
        dtime, dmem = best_run(decomp_argv + [str(packed)], unpacked, repeat)
        if not filecmp.cmp(src, unpacked, shallow=False):
            raise BenchError(f"round trip mismatch: `{shlex.join(decomp_argv)}` did not "
                             f"reproduce {src.name} ({unpacked.stat().st_size} bytes "
                             f"out, {src.stat().st_size} expected)")
        return Measure(packed.stat().st_size, ctime, dtime, cmem, dmem)
    finally:
        for path in (packed, unpacked):
            path.unlink(missing_ok=True)


def compressed_size(argv: List[str], src: Path, stem: str) -> int:
    packed = Path(stem + ".packed")
    try:
        run_to_file(argv + [str(src)], packed)
        return packed.stat().st_size
    finally:
        packed.unlink(missing_ok=True)


def packed_size(argv: List[str], src: Path, verify_with: Optional[str]) -> int:
    """Compressed size of src (untimed, output kept in memory). verify_with: an lmzip
    binary that must decompress the output back to src."""
    proc = subprocess.run(argv + [str(src)], stdin=subprocess.DEVNULL, capture_output=True)
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise BenchError(f"`{shlex.join(argv)}` exited {proc.returncode} on {src.name}"
                         + (f": {err[-1]}" if err else ""))
    if verify_with:
        back = subprocess.run([verify_with, "-d", "-c"], input=proc.stdout, capture_output=True)
        if back.returncode != 0 or back.stdout != src.read_bytes():
            raise BenchError(f"round trip mismatch: `{shlex.join(argv)}` on {src.name}")
    return len(proc.stdout)


def cut_slices(data: bytes, size: int, count: int) -> List[bytes]:
    """count evenly spaced slices of size bytes (fewer when data is short)."""
    if len(data) < size:
        return []
    count = min(count, max(1, len(data) // size))
    step = (len(data) - size) // count
    return [data[k * step: k * step + size] for k in range(count)]


def mean_sizes(pieces: List[Path], codecs: List[tuple], cfg: Config, what: str,
               errors: List[str], notes: List[str]) -> Dict[str, float]:
    """Mean bits/byte of each codec over equally sized pieces (sizes only, untimed: may
    run --size-jobs at a time). lmzip outputs under VERIFY_BELOW bytes are round-tripped."""
    tasks = []
    for piece in pieces:
        n = piece.stat().st_size
        for label, argv in codecs:
            verify = str(cfg.lmzip) if label.startswith("lmzip") and n < VERIFY_BELOW else None
            tasks.append((label, argv, piece, verify, n))
    totals: Dict[str, float] = {}
    bad: Dict[str, str] = {}

    def one(task):
        label, argv, piece, verify, n = task
        try:
            return label, bpb(packed_size(argv, piece, verify), n), None
        except BenchError as exc:
            return label, None, str(exc)

    with concurrent.futures.ThreadPoolExecutor(max_workers=cfg.size_jobs) as pool:
        for label, value, err in pool.map(one, tasks):
            if err:
                bad.setdefault(label, err)
            else:
                totals[label] = totals.get(label, 0.0) + value
    for label, err in bad.items():  # lmzip trouble is a hard failure, a baseline's a note
        (errors if label.startswith("lmzip") else notes).append(f"{what}: {label}: {err}")
    return {lb: t / len(pieces) for lb, t in totals.items() if lb not in bad}


# ---------------------------------------------------------------- setup

def parse_levels(p: argparse.ArgumentParser, text: str, option: str) -> List[int]:
    try:
        levels = [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        p.error(f"{option}: not a list of integers: {text!r}")
    if any(not 1 <= lv <= 9 for lv in levels):
        p.error(f"{option}: each level must be 1..9")
    return sorted(dict.fromkeys(levels))


def parse_args(argv: List[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--lmzip", default=str(DEFAULT_LMZIP), help="lmzip binary (default build/lmzip)")
    p.add_argument("--corpus", default=str(DEFAULT_CORPUS),
                   help="corpus directory holding bench/, train/, valid/ (default ../shared/corpus)")
    p.add_argument("--out", help=f"report path (default bench/RESULTS.md; with --quick {QUICK_OUT})")
    p.add_argument("--svg", help=f"size-sweep plot path (default {SVG_NAME} beside --out)")
    p.add_argument("--levels", default="1,2,3,4,5,6,7,8,9",
                   help="lmzip levels, comma separated (default 1-9)")
    p.add_argument("--every-file-levels", default=",".join(map(str, EVERY_FILE_LEVELS)),
                   help="levels measured on every file (default 1,2,6); every level of --levels "
                        "runs on the Canterbury + Calgary text files, 9 also on the enwik8 "
                        "head and hongloumeng.txt")
    p.add_argument("--repeat", type=int, default=1,
                   help="timed runs per measurement, best counts (levels 3-9: always 1)")
    p.add_argument("--jobs", type=int, default=1,
                   help="files benchmarked in parallel (default 1; >1 disturbs the timings)")
    p.add_argument("--size-jobs", type=int, default=1,
                   help="parallel processes for the untimed size-only parts (slices, sweep)")
    p.add_argument("--quick", action="store_true",
                   help="smoke test: " + ", ".join(QUICK_FILES) + ", fewer slices, sweep up to "
                        "100 KiB, WASM on alice29.txt, no lmzip_lm_eval; report in /tmp")
    p.add_argument("--files", help="comma-separated file names (from the lists above) or paths")
    p.add_argument("--only", help="comma-separated sections to run, of " + ",".join(SECTIONS))
    p.add_argument("--no-binary", action="store_true", help="skip the binary files table")
    p.add_argument("--no-random", action="store_true", help="skip the random-input check")
    p.add_argument("--no-slices", action="store_true", help="skip the 1 KiB / 4 KiB slices")
    p.add_argument("--no-sweep", action="store_true", help="skip the size sweep and its plot")
    p.add_argument("--no-lm-eval", action="store_true", help="skip the neural model alone")
    p.add_argument("--no-dict", action="store_true", help="no zstd dictionary column")
    p.add_argument("--no-wasm", action="store_true",
                   help="skip the WebAssembly speed table (needs node and `make wasm`)")
    p.add_argument("--strict", action="store_true", help="exit 2 when a target fails")
    args = p.parse_args(argv)
    args.levels = parse_levels(p, args.levels, "--levels")
    if not args.levels:
        p.error("--levels: empty")
    args.every_file_levels = parse_levels(p, args.every_file_levels, "--every-file-levels")
    if args.repeat < 1 or args.jobs < 1 or args.size_jobs < 1:
        p.error("--repeat, --jobs and --size-jobs must be >= 1")
    if args.only:
        only = [s.strip() for s in args.only.split(",") if s.strip()]
        unknown = [s for s in only if s not in SECTIONS]
        if unknown:
            p.error(f"--only: unknown section(s) {unknown}; choose from {SECTIONS}")
        args.sections = only
    else:
        off = {"wasm": args.no_wasm, "slices": args.no_slices, "sweep": args.no_sweep,
               "lm": args.no_lm_eval or args.quick, "random": args.no_random}
        args.sections = [s for s in SECTIONS if not off.get(s, False)]
    if args.out is None:
        args.out = str(QUICK_OUT if args.quick else DEFAULT_OUT)
    if args.svg is None:
        args.svg = str(Path(args.out).parent / SVG_NAME)
    return args


def bench_dir(corpus: Path) -> Path:
    return corpus / "bench" if (corpus / "bench").is_dir() else corpus


def select_files(args: argparse.Namespace) -> List[tuple]:
    """Returns [(name, path, kind)] in report order. Exits on an unknown name."""
    root = bench_dir(Path(args.corpus))
    known = {name: (root / sub / name, "text") for name, sub in TEXT_FILES}
    known.update({name: (root / sub / name, "binary") for name, sub in BINARY_FILES})
    if args.files:
        wanted = [w.strip() for w in args.files.split(",") if w.strip()]
    elif args.quick:
        wanted = QUICK_FILES
    else:
        wanted = [n for n, _ in TEXT_FILES]
        if not args.no_binary:
            wanted += [n for n, _ in BINARY_FILES]
    chosen = []
    for w in wanted:
        if w in known:
            path, kind = known[w]
            chosen.append((w, path, kind))
        elif Path(w).is_file():
            chosen.append((Path(w).name, Path(w), "text"))
        else:
            sys.exit(f"bench.py: unknown benchmark file {w!r} (not in the lists, not a path)")
    missing = [str(path) for _, path, _ in chosen if not path.is_file()]
    if missing:
        sys.exit("bench.py: missing corpus files (check --corpus):\n  " + "\n  ".join(missing))
    return chosen


def available_baselines() -> tuple:
    found, notes = [], []
    for label, argv in BASELINES:
        if shutil.which(argv[0]):
            found.append((label, argv))
        else:
            notes.append(f"{label}: `{argv[0]}` not found on PATH, column skipped")
    return found, notes


def first_line_of(argv: List[str]) -> str:
    try:
        proc = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True,
                              timeout=10)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"(version unknown: {exc.__class__.__name__})"
    text = (proc.stdout + proc.stderr).decode("utf-8", "replace")
    lines = [ln.strip(" *\t") for ln in text.splitlines() if ln.strip(" *\t")]
    if proc.returncode != 0 or not lines:
        return "(version unknown)"
    return lines[0]


def tool_versions(lmzip: Path, baselines: List[tuple]) -> Dict[str, str]:
    versions = {"lmzip": first_line_of([str(lmzip), "--version"])}
    for _, argv in baselines:
        tool = argv[0]
        if tool not in versions:
            versions[tool] = first_line_of([tool] + VERSION_ARGS.get(tool, ["--version"]))
    if shutil.which("node"):
        versions["node"] = first_line_of(["node", "--version"])
    return versions


def snapshot_binary(lmzip: Path, tmpdir: Path) -> tuple:
    """Copies lmzip into tmpdir, so a rebuild during the run cannot change what is
    measured; returns (copy, short sha256 of the binary)."""
    copy = tmpdir / "lmzip"
    shutil.copy2(lmzip, copy)
    digest = hashlib.sha256(copy.read_bytes()).hexdigest()[:16]
    return copy, digest


def machine_info() -> str:
    model, cores = "unknown CPU", 0
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                cores += 1
    except OSError:
        pass
    cores = cores or os.cpu_count() or 0
    mem = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = f", {int(line.split()[1]) / (1 << 20):.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return f"{model}, {cores} cores{mem}, {platform.system()} {platform.release()}"


def load_average() -> str:
    try:
        return " / ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def model_info() -> str:
    """The model files in the checkout (the CLI has them built in: see its sha256)."""
    parts = []
    for path in (MODEL_FILE, LARGE_MODEL_FILE):
        if path.is_file():
            data = path.read_bytes()
            parts.append(f"`models/{path.name}` {len(data):,} bytes, sha256 "
                         f"{hashlib.sha256(data).hexdigest()[:16]}")
    return "; ".join(parts) or "(no models/*.lmzm)"


# ---------------------------------------------------------------- zstd dictionary

def train_dictionary(corpus: Path, tmpdir: Path, per_shard: int,
                     notes: List[str]) -> Optional[DictInfo]:
    """zstd --train on DICT_SAMPLE-byte samples cut from the start of each train shard."""
    shards = sorted(glob.glob(str(corpus / "train" / "*.bin.xz")))
    if not shards or shutil.which("zstd") is None:
        notes.append(f"{DICT_LABEL}: skipped (no {corpus}/train/*.bin.xz or no zstd)")
        return None
    start = time.perf_counter()
    samples = tmpdir / "dict-samples"
    samples.mkdir()
    count = 0
    for shard in shards:
        with lzma.open(shard) as f:
            data = f.read(per_shard)
        for i in range(0, len(data) - DICT_SAMPLE + 1, DICT_SAMPLE):
            (samples / f"{count:06d}").write_bytes(data[i:i + DICT_SAMPLE])
            count += 1
    path = tmpdir / "zstd.dict"
    argv = ["zstd", "--train", "-q", "-r", str(samples), "-o", str(path), f"--maxdict={DICT_BYTES}"]
    proc = subprocess.run(argv, capture_output=True, text=True)
    shutil.rmtree(samples)
    if proc.returncode != 0 or not path.is_file():
        notes.append(f"{DICT_LABEL}: `zstd --train` failed: {proc.stderr.strip()[-300:]}")
        return None
    data = path.read_bytes()
    info = DictInfo(path, len(data), count, DICT_SAMPLE, len(shards), per_shard,
                    time.perf_counter() - start, hashlib.sha256(data).hexdigest()[:16])
    print(f"  zstd dictionary: {info.size:,} bytes from {count:,} samples of {DICT_SAMPLE} bytes "
          f"({len(shards)} shards x {per_shard:,} bytes), {info.seconds:.1f} s", flush=True)
    return info


# ---------------------------------------------------------------- measuring files

def bench_file(name: str, path: Path, kind: str, cfg: Config,
               emit: Callable[[str], None]) -> FileResult:
    """Measures every codec on one file; emit() gets one progress line per codec."""
    size = path.stat().st_size
    res = FileResult(name, kind, size, path=path)
    stem = str(cfg.tmpdir / f"{name}.{threading.get_ident()}")
    lmz = str(cfg.lmzip)

    xz = next((argv for label, argv in cfg.baselines if label == XZ_LABEL), None)
    if xz is not None:
        try:
            res.codecs[XZ_LABEL] = timed_round_trip(xz, XZ_DECOMPRESS, path,
                                                    stem + ".xz", cfg.repeat)
        except BenchError as exc:
            res.notes.append(f"{name}: {XZ_LABEL}: {exc}")
    xz_c = res.codecs[XZ_LABEL].ctime if XZ_LABEL in res.codecs else None

    for level in levels_for(name, cfg):
        label = lmzip_label(level)
        # One timed run at the slow levels: their speed is far from the noise.
        repeat = 1 if level >= NEURAL_FROM else cfg.repeat
        try:
            m = timed_round_trip([lmz, "-c", f"-{level}"], [lmz, "-d", "-c"], path,
                                 f"{stem}.level{level}", repeat)
        except BenchError as exc:
            res.errors.append(f"{name}: {label}: {exc}")
            res.failed.append(label)
            emit(f"    {label:<15} FAILED: {exc}")
            continue
        res.codecs[label] = m
        emit(f"    {label:<15} {bpb(m.size, size):6.3f} b/B   "
             f"c {fmt_num(mb_per_s(size, m.ctime), 3)} MB/s  "
             f"d {fmt_num(mb_per_s(size, m.dtime), 3)} MB/s  "
             f"c×xz {fmt_num(m.ctime / xz_c if xz_c else None, 2)}  "
             f"d×xz {fmt_num(m.dtime / xz_c if xz_c else None, 2)}  round trip ok")

    for label, argv in cfg.baselines:
        if label == XZ_LABEL:
            if label in res.codecs:
                m = res.codecs[label]
                emit(f"    {label:<15} {bpb(m.size, size):6.3f} b/B   "
                     f"c {fmt_num(mb_per_s(size, m.ctime), 3)} MB/s  "
                     f"d {fmt_num(mb_per_s(size, m.dtime), 3)} MB/s")
            continue
        try:
            res.codecs[label] = Measure(compressed_size(argv, path,
                                                        stem + "." + label.split()[0]))
            emit(f"    {label:<15} {bpb(res.codecs[label].size, size):6.3f} b/B")
        except BenchError as exc:
            res.notes.append(f"{name}: {label}: {exc}")
            emit(f"    {label:<15} skipped: {exc}")
    return res


def bench_all(files: List[tuple], cfg: Config, jobs: int) -> List[FileResult]:
    """Benchmarks files serially (live progress) or with a thread pool."""
    total = len(files)

    def header(i: int, name: str, path: Path, kind: str) -> str:
        return (f"[{i:>2}/{total}] {name} ({path.stat().st_size:,} bytes, {kind}; levels "
                f"{','.join(map(str, levels_for(name, cfg)))})")

    if jobs == 1:
        results = []
        for i, (name, path, kind) in enumerate(files, 1):
            print(header(i, name, path, kind), flush=True)
            results.append(bench_file(name, path, kind, cfg,
                                      lambda line: print(line, flush=True)))
        return results

    lock = threading.Lock()

    def task(i: int, name: str, path: Path, kind: str) -> FileResult:
        lines = [header(i, name, path, kind)]
        res = bench_file(name, path, kind, cfg, lines.append)
        with lock:
            print("\n".join(lines), flush=True)
        return res

    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(task, i, *f) for i, f in enumerate(files, 1)]
        return [f.result() for f in futures]


# ---------------------------------------------------------------- random input

@dataclass
class RandomResult:
    size: int
    lmzip_size: Optional[int]
    xz_size: Optional[int]
    error: Optional[str] = None

    @property
    def growth(self) -> Optional[int]:
        return None if self.lmzip_size is None else self.lmzip_size - self.size


def random_check(cfg: Config) -> List[RandomResult]:
    """lmzip -1 on incompressible input: bytes of growth, with round trip check."""
    lmz = str(cfg.lmzip)
    xz = next((argv for label, argv in cfg.baselines if label == XZ_LABEL), None)
    results = []
    for n in RANDOM_SIZES:
        src = cfg.tmpdir / f"random-{n}.bin"
        src.write_bytes(os.urandom(n))
        stem = str(cfg.tmpdir / f"random-{n}")
        try:
            m = timed_round_trip([lmz, "-c", f"-{TARGET_LEVEL}"], [lmz, "-d", "-c"], src,
                                 stem, 1)
            rr = RandomResult(n, m.size, None)
        except BenchError as exc:
            rr = RandomResult(n, None, None, str(exc))
        if xz is not None:
            try:
                rr.xz_size = compressed_size(xz, src, stem + ".xz")
            except BenchError:
                pass
        src.unlink()
        status = (f"FAILED: {rr.error}" if rr.error else
                  f"{rr.lmzip_size:,} bytes, growth {rr.growth:+d} (xz -9e: "
                  f"{'—' if rr.xz_size is None else f'{rr.xz_size - n:+d}'}), round trip ok")
        print(f"    random {n:,} bytes: lmzip -{TARGET_LEVEL} {status}", flush=True)
        results.append(rr)
    return results


# ---------------------------------------------------------------- WebAssembly

@dataclass
class WasmResult:
    name: str
    level: int
    kernels: str
    size: int
    compressed: int
    ctime: float
    dtime: float


def wasm_speed(results: List[FileResult], cfg: Config, notes: List[str]) -> List[WasmResult]:
    """Times the npm package in Node (bench/wasm_speed.mjs): the SIMD build on the WASM
    files at the every-file levels, the scalar build on SCALAR_FILE."""
    if not (REPO / "npm/dist/lmzip-simd.wasm").is_file() or shutil.which("node") is None:
        notes.append("WebAssembly speed skipped: run `make wasm` first (needs node)")
        return []
    paths = {r.name: r.path for r in results}
    runs = [(name, lv, True) for name, levels in (WASM_PLAN_QUICK if cfg.quick else WASM_PLAN)
            for lv in levels]
    runs += [(SCALAR_FILE, lv, False) for lv in (SCALAR_LEVELS_QUICK if cfg.quick else SCALAR_LEVELS)]
    out: List[WasmResult] = []
    for name, level, simd in runs:  # one process per level: a failure loses one row
        if name not in paths or level not in cfg.levels:
            continue
        argv = ["node", str(REPO / "bench/wasm_speed.mjs"), "--levels", str(level),
                "--repeat", "1", str(paths[name])] + ([] if simd else ["--scalar"])
        print(f"  wasm {'simd' if simd else 'scalar'}: {name} level {level}", flush=True)
        proc = subprocess.run(argv, capture_output=True, text=True)
        if proc.returncode != 0:
            err = proc.stderr.strip().splitlines()
            notes.append(f"WebAssembly {name} level {level} failed: {err[-1] if err else proc.returncode}")
            print(f"    failed: {err[-1] if err else proc.returncode}", flush=True)
            continue
        for line in proc.stdout.splitlines():
            j = json.loads(line)
            w = WasmResult(name, j["level"], j["kernels"], j["size"], j["compressed"],
                           j["ctime"], j["dtime"])
            print(f"    -{w.level} {w.kernels}: c {mb_per_s(w.size, w.ctime):.3f} MB/s  "
                  f"d {mb_per_s(w.size, w.dtime):.3f} MB/s", flush=True)
            out.append(w)
    return out


def npm_pack_size(folder: Path, notes: List[str]) -> Optional[int]:
    proc = subprocess.run(["npm", "pack", "--dry-run", "--json"], cwd=folder,
                          capture_output=True, text=True)
    if proc.returncode != 0:
        notes.append(f"npm pack failed: {proc.stderr.strip()[-300:]}")
        return None
    return int(json.loads(proc.stdout[proc.stdout.index("["):])[0]["size"])


def package_size(notes: List[str]) -> Optional[Tuple[int, int]]:
    """Bytes of the npm tarball (`npm pack --dry-run`), whole and without the
    model files (packed from a copy of the package that lacks them)."""
    npm_dir = REPO / "npm"
    if shutil.which("npm") is None or not (npm_dir / "dist/node.cjs").is_file():
        return None
    whole = npm_pack_size(npm_dir, notes)
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "npm"
        shutil.copytree(npm_dir, copy, ignore=shutil.ignore_patterns("node_modules", "*.lmzm"))
        without_models = npm_pack_size(copy, notes)
    if whole is None or without_models is None:
        return None
    return whole, without_models


# ---------------------------------------------------------------- slices and sweep

@dataclass
class SliceResult:
    size: int
    count: int
    mean_bpb: Dict[str, float]


def slice_codecs(cfg: Config, levels: List[int]) -> List[tuple]:
    return ([(lmzip_label(lv), [str(cfg.lmzip), "-c", f"-{lv}"]) for lv in levels]
            + list(cfg.baselines))


def slice_bench(cfg: Config, corpus: Path, errors: List[str],
                notes: List[str]) -> List[SliceResult]:
    """Mean bits/byte over small slices of SLICE_SOURCES, every level and baseline."""
    root = bench_dir(corpus)
    per_file = SLICES_PER_FILE_QUICK if cfg.quick else SLICES_PER_FILE
    codecs = slice_codecs(cfg, cfg.levels)
    out = []
    for size in SLICE_SIZES:
        pieces = []
        for name, sub in SLICE_SOURCES:
            for k, data in enumerate(cut_slices((root / sub / name).read_bytes(), size, per_file)):
                piece = cfg.tmpdir / f"slice-{size}-{name}-{k}"
                piece.write_bytes(data)
                pieces.append(piece)
        means = mean_sizes(pieces, codecs, cfg, f"{size}-byte slices", errors, notes)
        for piece in pieces:
            piece.unlink()
        print(f"  slices of {size} bytes ({len(pieces)}): " + ", ".join(
            f"{lb} {v:.3f}" for lb, v in means.items()), flush=True)
        out.append(SliceResult(size, len(pieces), means))
    return out


def sweep_bench(cfg: Config, corpus: Path, errors: List[str],
                notes: List[str]) -> List[SliceResult]:
    """Mean bits/byte against slice size: slices of SWEEP_SOURCE."""
    name, sub = SWEEP_SOURCE
    data = (bench_dir(corpus) / sub / name).read_bytes()
    codecs = slice_codecs(cfg, [lv for lv in SWEEP_LEVELS if lv in cfg.levels])
    out = []
    for size, count in (SWEEP_PLAN_QUICK if cfg.quick else SWEEP_PLAN):
        start = time.perf_counter()
        pieces = []
        for k, piece_data in enumerate(cut_slices(data, size, count)):
            piece = cfg.tmpdir / f"sweep-{size}-{k}"
            piece.write_bytes(piece_data)
            pieces.append(piece)
        if not pieces:
            continue
        means = mean_sizes(pieces, codecs, cfg, f"size sweep {fmt_size(size)}", errors, notes)
        for piece in pieces:
            piece.unlink()
        print(f"  sweep {fmt_size(size)} x {len(pieces)} ({time.perf_counter() - start:.1f} s): "
              + ", ".join(f"{lb} {v:.3f}" for lb, v in means.items()), flush=True)
        out.append(SliceResult(size, len(pieces), means))
    return out


# Plot styles: lmzip solid and thick, baselines dashed.
# (colour, dashed, width, marker, opacity, z): lmzip solid and on top, lmzip -6 topmost.
STYLES = {
    "lmzip -1": ("#ff7f0e", False, 2.2, "square", 1.0, 2),
    "lmzip -6": ("#d62728", False, 2.6, "circle", 1.0, 4),
    "lmzip -9": ("#7b2d8e", False, 2.2, "diamond", 1.0, 3),
    "gzip -9": ("#7f7f7f", True, 1.8, "circle", 1.0, 1),
    "bzip2 -9": ("#8c564b", True, 1.8, "square", 1.0, 1),
    "xz -9e": ("#1f77b4", True, 1.8, "triangle", 1.0, 1),
    "zstd -19": ("#2ca02c", True, 1.8, "diamond", 1.0, 1),
    DICT_LABEL: ("#17becf", True, 2.2, "circle", 1.0, 1),
    "brotli -q11": ("#b8a000", True, 1.8, "triangle", 1.0, 1),
}


def sweep_svg(sweep: List[SliceResult], labels: List[str], subtitle: str) -> str:
    series = []
    for lb in labels:
        pts = [(sl.size, sl.mean_bpb[lb]) for sl in sweep if lb in sl.mean_bpb]
        color, dashed, width, marker, opacity, z = STYLES.get(
            lb, ("#444444", True, 1.5, "circle", 1.0, 1))
        name = f"{lb} (default)" if lb == lmzip_label(DEFAULT_LEVEL) else lb
        series.append(svgplot.Series(name, pts, color, dashed, width, marker, opacity, z))
    top = max((v for sl in sweep for v in sl.mean_bpb.values()), default=8.0)
    return svgplot.line_chart(
        series, title="lmzip vs general-purpose compressors: bits/byte by input size",
        subtitle=subtitle, xlabel="input size (bytes, log scale)",
        ylabel="bits per byte (lower is better)", xticks=[sl.size for sl in sweep],
        y_max=float(int(top) + 1), ref_line=(8.0, "8 bits/byte = stored"),
        notes=["solid: lmzip; dashed: others", "zstd dictionary: 110 KiB,",
               "trained on the training corpus", "(dictionary and models not",
               "counted in the sizes)"])


# ---------------------------------------------------------------- targets

@dataclass
class Target:
    name: str
    status: str      # PASS / FAIL / SKIP
    detail: str


def check(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def evaluate_targets(results: List[FileResult],
                     randoms: Optional[List[RandomResult]]) -> List[Target]:
    by_name = {r.name: r for r in results}
    lab = lmzip_label(TARGET_LEVEL)
    targets = []

    def measured(name: str, *labels: str) -> Optional[FileResult]:
        r = by_name.get(name)
        return r if r is not None and all(lb in r.codecs for lb in labels) else None

    def missing(title: str, name: str) -> Target:
        r = by_name.get(name)
        if r is not None and lab in r.failed:
            return Target(title, "FAIL", f"{lab} failed on {name} (see hard failures)")
        return Target(title, "SKIP", "not measured")

    for name, limit in BPB_TARGETS:
        title = f"{name}: {lab} <= {limit:.2f} bits/byte"
        r = measured(name, lab)
        if r is None:
            targets.append(missing(title, name))
        else:
            v = bpb(r.codecs[lab].size, r.size)
            targets.append(Target(title, check(v <= limit), f"{v:.3f} bits/byte"))

    title = f"hongloumeng.txt: {lab} smaller than {XZ_LABEL}"
    r = measured("hongloumeng.txt", lab, XZ_LABEL)
    if r is None:
        targets.append(missing(title, "hongloumeng.txt"))
    else:
        a, b = r.codecs[lab].size, r.codecs[XZ_LABEL].size
        targets.append(Target(title, check(a < b), f"{a:,} vs {b:,} bytes "
                              f"({bpb(a, r.size):.3f} vs {bpb(b, r.size):.3f} bits/byte)"))

    for other in ("bzip2 -9", XZ_LABEL):
        title = f"every text file: {lab} smaller than {other}"
        texts = [r for r in results if r.kind == "text" and other in r.codecs
                 and (lab in r.codecs or lab in r.failed)]
        if not texts:
            targets.append(Target(title, "SKIP", "not measured"))
            continue
        losers = [r for r in texts if lab in r.failed
                  or r.codecs[lab].size >= r.codecs[other].size]
        detail = f"{len(texts) - len(losers)}/{len(texts)} text files"
        if losers:
            detail += "; not smaller: " + ", ".join(
                f"{r.name} (failed)" if lab in r.failed else
                f"{r.name} {bpb(r.codecs[lab].size, r.size):.3f} vs "
                f"{bpb(r.codecs[other].size, r.size):.3f}" for r in losers)
        targets.append(Target(title, check(not losers), detail))

    r = measured(SPEED_TARGET_FILE, lab, XZ_LABEL)
    for what, attr in (("compress", "ctime"), ("decompress", "dtime")):
        title = (f"{SPEED_TARGET_FILE}: {lab} {what} time <= {SPEED_TARGET_RATIO} × "
                 f"{XZ_LABEL} compress time")
        if r is None:
            targets.append(missing(title, SPEED_TARGET_FILE))
            continue
        t, x = getattr(r.codecs[lab], attr), r.codecs[XZ_LABEL].ctime
        targets.append(Target(title, check(t <= SPEED_TARGET_RATIO * x),
                              f"{t:.3f} s vs {x:.3f} s ({t / x:.2f}×)"))

    for n in RANDOM_SIZES:
        title = f"random {n:,} bytes: {lab} growth <= {RANDOM_GROWTH_LIMIT} bytes"
        rr = next((x for x in randoms or [] if x.size == n), None)
        if rr is None:
            targets.append(Target(title, "SKIP", "not measured"))
        elif rr.error:
            targets.append(Target(title, "FAIL", rr.error))
        else:
            targets.append(Target(title, check(rr.growth <= RANDOM_GROWTH_LIMIT),
                                  f"{rr.growth:+d} bytes ({rr.lmzip_size:,} bytes out)"))
    return targets


def wasm_targets(results: List[FileResult], wasm: List[WasmResult]) -> List[Target]:
    native = {r.name: r for r in results}
    targets = []
    for w in wasm:
        m = native[w.name].codecs.get(lmzip_label(w.level))
        if w.name != SPEED_TARGET_FILE or w.kernels != "simd128" or not m or not m.ctime:
            continue
        for what, t_native, t_wasm in (("compress", m.ctime, w.ctime),
                                       ("decompress", m.dtime, w.dtime)):
            ratio = t_native / t_wasm
            targets.append(Target(f"{w.name}: WASM SIMD {what} at level {w.level} >= "
                                  f"{WASM_TARGET_RATIO:.0%} of native throughput",
                                  check(ratio >= WASM_TARGET_RATIO), f"{ratio:.0%}"))
    return targets


def slice_targets(slices: List[SliceResult]) -> List[Target]:
    label = lmzip_label(DEFAULT_LEVEL)
    targets = []
    for sl in slices:
        ours, brotli = sl.mean_bpb.get(label), sl.mean_bpb.get("brotli -q11")
        if ours is None or brotli is None:
            continue
        targets.append(Target(f"{sl.size}-byte slices: {label} at least 20 % smaller than brotli -q11",
                              check(ours <= SLICE_TARGET * brotli),
                              f"{ours:.3f} vs {brotli:.3f} bits/byte ({1 - ours / brotli:.1%} smaller)"))
    return targets


def lm_targets(results: List[FileResult], wasm: List[WasmResult],
               lm_line: Optional[str]) -> List[Target]:
    """The neural model's targets: ratio and speed of the default level,
    speed of the max level in WebAssembly, the model alone, the file size."""
    label = lmzip_label(DEFAULT_LEVEL)
    by_name = {r.name: r for r in results}
    targets = []
    for name, limit in LM_BPB_TARGETS:
        m = by_name.get(name).codecs.get(label) if name in by_name else None
        targets.append(Target(f"{name}: {label} <= {limit} bits/byte",
                              check(bpb(m.size, by_name[name].size) <= limit) if m else "SKIP",
                              f"{bpb(m.size, by_name[name].size):.3f} bits/byte" if m else "not measured"))
    r = by_name.get(LM_SPEED_FILE)
    m = r.codecs.get(label) if r else None
    for what, t in (("compress", m.ctime if m else None), ("decompress", m.dtime if m else None)):
        kbs = r.size / 1000 / t if t else None
        targets.append(Target(f"{LM_SPEED_FILE}: native {label} {what} >= 80 KB/s",
                              check(kbs >= 80) if kbs else "SKIP",
                              f"{kbs:.1f} KB/s" if kbs else "not measured"))
    for w in wasm:
        if w.name != LM_SPEED_FILE or w.kernels != "simd128" or w.level not in (DEFAULT_LEVEL, 9):
            continue
        need = 40 if w.level == DEFAULT_LEVEL else 8
        for what, t in (("compress", w.ctime), ("decompress", w.dtime)):
            kbs = w.size / 1000 / t
            targets.append(Target(f"{w.name}: WASM SIMD lmzip -{w.level} {what} >= {need} KB/s",
                                  check(kbs >= need), f"{kbs:.1f} KB/s"))
    if lm_line:
        try:  # the first line: FILE <tab> BYTES <tab> X bits/byte ...
            value = float(lm_line.splitlines()[0].split("\t")[2].split()[0])
            targets.append(Target("neural model alone on valid <= 2.3 bits/byte",
                                  check(value <= 2.3), f"{value:.4f} bits/byte"))
        except (IndexError, ValueError):
            targets.append(Target("neural model alone on valid <= 2.3 bits/byte", "SKIP",
                                  "lmzip_lm_eval output not understood"))
    if MODEL_FILE.is_file():
        size = MODEL_FILE.stat().st_size
        targets.append(Target("model file <= 8 MB", check(size <= 8_000_000), f"{size:,} bytes"))
    return targets


def lm_alone(cfg: Config, corpus: Path, notes: List[str]) -> Optional[str]:
    """Bits/byte of the neural model alone on the held-out set (lmzip_lm_eval)."""
    tool = cfg.lm_eval
    valid = corpus / "valid" / "valid.bin"
    if tool is None or not valid.is_file():
        notes.append("neural model alone: skipped (lmzip_lm_eval or valid/valid.bin missing)")
        return None
    print("  neural model alone on valid/valid.bin", flush=True)
    proc = subprocess.run([str(tool), str(valid)], capture_output=True, text=True)
    if proc.returncode != 0:
        notes.append(f"lmzip_lm_eval failed: {proc.stderr.strip()[-300:]}")
        return None
    return proc.stdout.strip()


# ---------------------------------------------------------------- report tables

def md_table(headers: List[str], rows: List[List[str]], align: List[str]) -> str:
    marks = {"l": ":---", "r": "---:"}
    lines = ["| " + " | ".join(headers) + " |",
             "|" + "|".join(marks[a] for a in align) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def bold_best(values: List[Optional[float]], digits: int = 3) -> List[str]:
    """Cells with `digits` decimals, the lowest (ties included) in bold, None as —."""
    shown = [None if v is None else f"{v:.{digits}f}" for v in values]
    present = [float(s) for s in shown if s is not None]
    best = min(present) if present else None
    return ["—" if s is None else (f"**{s}**" if float(s) == best else s) for s in shown]


def bpb_cells(sizes: Dict[str, Optional[int]], original: int, labels: List[str]) -> List[str]:
    return bold_best([bpb(sizes[lb], original) if sizes.get(lb) is not None else None
                      for lb in labels])


def total_row(title: str, results: List[FileResult], labels: List[str]) -> List[str]:
    total = sum(r.size for r in results)
    tsizes = {lb: (sum(r.codecs[lb].size for r in results)
                   if all(lb in r.codecs for r in results) else None) for lb in labels}
    return [f"**{title}**", f"{total:,}"] + bpb_cells(tsizes, total, labels)


def bits_table(results: List[FileResult], labels: List[str], total_title: str,
               subset_total: bool) -> str:
    rows = []
    for r in results:
        sizes = {lb: (r.codecs[lb].size if lb in r.codecs else None) for lb in labels}
        rows.append([r.name, f"{r.size:,}"] + bpb_cells(sizes, r.size, labels))
    subset = [r for r in results if r.name in ALL_LEVEL_FILES]
    if subset_total and subset and len(subset) < len(results):
        rows.append(total_row(f"total ({len(subset)} {ALL_LEVEL_TITLE})", subset, labels))
    rows.append(total_row(f"{total_title}, {len(results)} files", results, labels))
    return md_table(["file", "size"] + labels, rows, ["l", "r"] + ["r"] * len(labels))


def speed_cells(size: int, codecs: Dict[str, Measure], labels: List[str],
                xz_ctime: Optional[float]) -> List[str]:
    """Per codec: compress and decompress cells "MB/s (ratio x)", ratio vs xz -9e compress."""
    cells = []
    for lb in labels:
        m = codecs.get(lb)
        for t in ((m.ctime, m.dtime) if m is not None else (None, None)):
            if t is None:
                cells.append("—")
            elif not xz_ctime:
                cells.append(fmt_num(mb_per_s(size, t), 3))
            else:
                cells.append(f"{mb_per_s(size, t):.3f} ({t / xz_ctime:.2f}×)")
    return cells


def speed_table(results: List[FileResult], labels: List[str]) -> str:
    rows = []
    for r in results:
        xz = r.codecs.get(XZ_LABEL)
        rows.append([r.name, f"{r.size:,}"] + speed_cells(r.size, r.codecs, labels,
                                                          xz.ctime if xz else None))
    texts = [r for r in results if r.kind == "text"]
    if texts:
        sums = {}
        for lb in labels:
            if all(lb in r.codecs and r.codecs[lb].ctime is not None for r in texts):
                sums[lb] = Measure(0, sum(r.codecs[lb].ctime for r in texts),
                                   sum(r.codecs[lb].dtime for r in texts))
        total = sum(r.size for r in texts)
        xz = sums.get(XZ_LABEL)
        rows.append(["**total (text)**", f"{total:,}"] + speed_cells(total, sums, labels,
                                                                     xz.ctime if xz else None))
    headers = ["file", "size"]
    for lb in labels:
        headers += [f"{lb} compress", f"{lb} decompress"]
    return md_table(headers, rows, ["l", "r"] + ["r"] * (2 * len(labels)))


def level_summary(results: List[FileResult], labels: List[str]) -> Optional[str]:
    """Every codec over the files where every level ran: bits/byte, speed, memory."""
    subset = [r for r in results if r.name in ALL_LEVEL_FILES]
    if not subset:
        return None
    total = sum(r.size for r in subset)
    xz_c = (sum(r.codecs[XZ_LABEL].ctime for r in subset)
            if all(XZ_LABEL in r.codecs for r in subset) else None)
    rows = []
    values = []
    for lb in labels:
        if not all(lb in r.codecs for r in subset):
            continue
        ms = [r.codecs[lb] for r in subset]
        ct = sum(m.ctime for m in ms) if all(m.ctime for m in ms) else None
        dt = sum(m.dtime for m in ms) if all(m.dtime for m in ms) else None
        cmem = max(m.cmem for m in ms) if all(m.cmem for m in ms) else None
        dmem = max(m.dmem for m in ms) if all(m.dmem for m in ms) else None
        values.append(bpb(sum(m.size for m in ms), total))
        rows.append([lb, fmt_num(mb_per_s(total, ct), 3), fmt_num(mb_per_s(total, dt), 3),
                     fmt_num(ct / xz_c if ct and xz_c else None, 2),
                     fmt_num(dt / xz_c if dt and xz_c else None, 2),
                     fmt_num(cmem / 1024 if cmem else None, 0),
                     fmt_num(dmem / 1024 if dmem else None, 0)])
    for row, cell in zip(rows, bold_best(values)):
        row.insert(1, cell)
    return md_table(["codec", "bits/byte", "compress MB/s", "decompress MB/s",
                     "compress time × xz -9e", "decompress time × xz -9e",
                     "peak RSS compress (MiB)", "peak RSS decompress (MiB)"],
                    rows, ["l"] + ["r"] * 7)


def speed_summary(results: List[FileResult], wasm: List[WasmResult],
                  levels: List[int]) -> Optional[str]:
    """Native and WebAssembly speeds against xz -9e compress time, same run."""
    files = [r for r in results if any(w.name == r.name and w.kernels == "simd128" for w in wasm)]
    files = [r for r in files if XZ_LABEL in r.codecs] or [
        r for r in results if r.name in WASM_FILES and XZ_LABEL in r.codecs]
    if not files:
        return None
    wasm_by = {(w.name, w.level, w.kernels): w for w in wasm}
    rowdefs = [(XZ_LABEL, "native", None)]
    for lv in levels:
        rowdefs.append((lmzip_label(lv), "native", lv))
        rowdefs.append((lmzip_label(lv), "WASM SIMD", lv))
    rows = []
    for label, where, lv in rowdefs:
        cells = [label, where]
        any_value = False
        for r in files:
            xz_c = r.codecs[XZ_LABEL].ctime
            if where == "native":
                m = r.codecs.get(label)
                ct, dt = (m.ctime, m.dtime) if m else (None, None)
            else:
                w = wasm_by.get((r.name, lv, "simd128"))
                ct, dt = (w.ctime, w.dtime) if w else (None, None)
            for t in (ct, dt):
                if t is None:
                    cells.append("—")
                else:
                    any_value = True
                    cells.append(f"{mb_per_s(r.size, t):.3f} ({t / xz_c:.2f}×)")
        if any_value:
            rows.append(cells)
    headers = ["codec", "build"]
    for r in files:
        headers += [f"{r.name} compress", f"{r.name} decompress"]
    return md_table(headers, rows, ["l", "l"] + ["r"] * (2 * len(files)))


def wasm_table(results: List[FileResult], wasm: List[WasmResult]) -> str:
    native = {r.name: r for r in results}
    rows = []
    for w in wasm:
        r = native[w.name]
        m = r.codecs.get(lmzip_label(w.level))
        xz = r.codecs.get(XZ_LABEL)
        xz_c = xz.ctime if xz else None
        same = "yes" if m and m.size == w.compressed else "NO"
        cn, dn = (mb_per_s(w.size, m.ctime), mb_per_s(w.size, m.dtime)) if m else (None, None)
        cw, dw = mb_per_s(w.size, w.ctime), mb_per_s(w.size, w.dtime)
        rows.append([w.name, f"-{w.level}", w.kernels, same,
                     fmt_num(cn, 3), fmt_num(cw, 3), fmt_num(cw / cn if cn else None, 2),
                     fmt_num(w.ctime / xz_c if xz_c else None, 2),
                     fmt_num(dn, 3), fmt_num(dw, 3), fmt_num(dw / dn if dn else None, 2),
                     fmt_num(w.dtime / xz_c if xz_c else None, 2)])
    return md_table(["file", "level", "wasm kernels", "same size as native", "native c MB/s",
                     "wasm c MB/s", "wasm/native", "wasm c time × xz -9e", "native d MB/s",
                     "wasm d MB/s", "wasm/native", "wasm d time × xz -9e"],
                    rows, ["l", "l", "l", "l"] + ["r"] * 8)


def mean_table(rows_in: List[SliceResult], labels: List[str], first: str) -> str:
    labels = [lb for lb in labels if any(lb in sl.mean_bpb for sl in rows_in)]
    rows = [[fmt_size(sl.size) + (f" ({sl.size:,} B)" if sl.size >= 1024 else ""), str(sl.count)]
            + bold_best([sl.mean_bpb.get(lb) for lb in labels]) for sl in rows_in]
    return md_table([first, "slices"] + labels, rows, ["l", "r"] + ["r"] * len(labels))


def headline_table(results: List[FileResult], slices: List[SliceResult],
                   baselines: List[str]) -> Optional[str]:
    """A few rows, the default level against the baselines (for README.md)."""
    default, fast, best = lmzip_label(DEFAULT_LEVEL), lmzip_label(1), lmzip_label(9)
    labels = [fast, default, best] + baselines
    heads = [f"{fast} (fast)", f"{default} (default)", f"{best} (max)"] + baselines + [
        "default vs best other"]
    rows = []

    def add(title: str, size: str, values: Dict[str, Optional[float]]):
        cells = bold_best([values.get(lb) for lb in labels])
        others = [(values[lb], lb) for lb in baselines if values.get(lb) is not None]
        ours = values.get(default)
        if ours is not None and others:
            best, who = min(others)
            cells.append(f"{(ours / best - 1) * 100:+.0f} % vs {who}")
        else:
            cells.append("—")
        rows.append([title, size] + cells)

    by_name = {r.name: r for r in results}
    for name in HEADLINE_FILES:
        r = by_name.get(name)
        if r is not None and default in r.codecs:
            add(name, f"{r.size:,}", {lb: bpb(r.codecs[lb].size, r.size) for lb in labels
                                      if lb in r.codecs})
    for sl in slices:
        add(f"{fmt_size(sl.size)} slices (mean of {sl.count})", f"{sl.size:,}",
            dict(sl.mean_bpb))
    texts = [r for r in results if r.kind == "text"]
    if texts and all(default in r.codecs for r in texts):
        total = sum(r.size for r in texts)
        add(f"all {len(texts)} text files", f"{total:,}",
            {lb: bpb(sum(r.codecs[lb].size for r in texts), total) for lb in labels
             if all(lb in r.codecs for r in texts)})
    if not rows:
        return None
    return md_table(["input", "bytes"] + heads, rows, ["l", "r"] + ["r"] * (len(heads)))


def random_table(randoms: List[RandomResult]) -> str:
    rows = []
    for rr in randoms:
        xz = "—" if rr.xz_size is None else f"{rr.xz_size - rr.size:+d}"
        if rr.error:
            rows.append([f"{rr.size:,}", "—", "FAILED", xz, rr.error])
        else:
            rows.append([f"{rr.size:,}", f"{rr.lmzip_size:,}", f"{rr.growth:+d}", xz, "ok"])
    return md_table(["random input bytes", f"lmzip -{TARGET_LEVEL} bytes",
                     f"lmzip -{TARGET_LEVEL} growth", "xz -9e growth", "round trip"],
                    rows, ["r", "r", "r", "r", "l"])


def targets_text(targets: List[Target]) -> str:
    return "\n".join(f"- **{t.status}** {t.name}: {t.detail}" for t in targets)


# ---------------------------------------------------------------- report

@dataclass
class Run:
    """Everything measured, for the report."""
    meta: Dict[str, str]
    versions: Dict[str, str]
    cfg: Config
    files: List[FileResult]
    labels: List[str]
    baseline_labels: List[str]
    dict_info: Optional[DictInfo]
    wasm: List[WasmResult]
    slices: List[SliceResult]
    sweep: List[SliceResult]
    svg_link: Optional[str]
    lm_line: Optional[str]
    randoms: Optional[List[RandomResult]]
    tarball: Optional[Tuple[int, int]]
    targets: List[Target]
    notes: List[str]
    errors: List[str]
    phases: List[Tuple[str, float]]


def dict_crossover(sweep: List[SliceResult]) -> str:
    """A sentence on where the dictionary stops helping zstd in the size sweep."""
    pairs = [(sl.size, sl.mean_bpb[DICT_LABEL], sl.mean_bpb["zstd -19"]) for sl in sweep
             if DICT_LABEL in sl.mean_bpb and "zstd -19" in sl.mean_bpb]
    worse = [size for size, d, z in pairs if d >= z]
    if not pairs or not worse:
        return ""
    first = min(worse)
    if any(d < z for size, d, z in pairs if size > first):
        return ""
    return (f" In the size sweep the dictionary helps zstd below {fmt_size(first)} and makes it "
            f"worse from {fmt_size(first)} up (at {fmt_size(pairs[-1][0])}: {pairs[-1][1]:.3f} "
            f"bits/byte with it, {pairs[-1][2]:.3f} without).")


def speed_levels(cfg: Config, wasm: List[WasmResult]) -> List[int]:
    """The levels of the speed tables: the every-file levels, 9 and those run in WASM."""
    wanted = set(cfg.every_levels) | {9} | {w.level for w in wasm}
    return [lv for lv in cfg.levels if lv in wanted]


def method_text(run: Run) -> List[str]:
    cfg = run.cfg
    every = ", ".join(f"-{lv}" for lv in cfg.every_levels if lv in cfg.levels)
    some = ", ".join(f"-{lv}" for lv in cfg.levels if lv not in cfg.every_levels)
    sub = [r for r in run.files if r.name in ALL_LEVEL_FILES]
    lines = ["## How this was measured", "",
             f"- **Which lmzip levels ran where.** Levels {every or '(none)'} ran on every file "
             f"below ({len(run.files)} files)."]
    if some:
        lines.append(f"  Levels {some} ran only on the {ALL_LEVEL_TITLE} ({len(sub)} files here, "
                     f"{sum(r.size for r in sub):,} bytes): the neural levels run at about "
                     "0.15 MB/s, so all nine levels on all 41 MB would take hours. The small-input "
                     "slices ran at every level; the size sweep at levels "
                     + ", ".join(f"-{lv}" for lv in SWEEP_LEVELS if lv in cfg.levels) + ".")
        for name, extra in EXTRA_LEVELS.items():
            extra = [lv for lv in extra if lv in cfg.levels and lv not in cfg.every_levels]
            if extra and any(r.name == name for r in run.files):
                lines.append(f"  Level{'s' if len(extra) > 1 else ''} "
                             + ", ".join(f"-{lv}" for lv in extra) + f" also ran on {name}.")
        if 9 in cfg.levels and LARGE_MODEL_FILE.is_file():
            lines.append(f"  Level 9 uses the large model (`models/{LARGE_MODEL_FILE.name}`), "
                         "levels 3-8 the standard one: see its speed below.")
    lines += [
        "- **Bits/byte** = 8 × compressed bytes / original bytes, each tool's own container "
        "(headers and checksums included: gzip CRC-32, bzip2 CRCs, xz CRC-64, zstd XXH64 "
        "checksum (+ dictionary id with -D), brotli none, lmzip CRC-32). Best value per row in bold.",
        "- **Commands** (FILE on disk, output to stdout, redirected to a temporary file):",
    ]
    lines.append(f"  - lmzip: `lmzip -c -N FILE`, decompressed with `lmzip -d -c FILE.lmz` and "
                 "compared byte for byte (every file, every level; slices under "
                 f"{fmt_size(VERIFY_BELOW)} too)")
    for label, argv in run.cfg.baselines:
        shown = ["zstd.dict" if a == str(run.dict_info.path if run.dict_info else "") else a
                 for a in argv]
        lines.append(f"  - {label}: `{shlex.join(shown)} FILE`"
                     + (f"; decompressed with `{shlex.join(XZ_DECOMPRESS)}` for its speed"
                        if label == XZ_LABEL else ""))
    d = run.dict_info
    if d:
        lines.append(
            f"- **zstd dictionary**: `zstd --train -q -r SAMPLES/ -o zstd.dict --maxdict={DICT_BYTES}` "
            f"on {d.samples:,} samples of {d.sample_bytes:,} bytes cut from the first "
            f"{d.per_shard:,} bytes of each of the {d.shards} training shards "
            "(`train/*.bin.xz`, the text the neural model was trained on; no benchmark file, "
            f"slice or author is in it): {d.size:,} bytes, sha256 {d.sha}. The dictionary is not "
            "counted in the compressed sizes (nor is brotli's built-in dictionary, nor lmzip's model)."
            + dict_crossover(run.sweep))
    lines += [
        f"- **Timing**: wall clock per process (spawn + read the input file + write a temporary "
        f"file), best of {run.meta['repeat']} at levels 1-2 and for xz -9e, one run at the neural "
        f"levels 3-9; "
        + ("one process at a time. " if run.meta['jobs'] == "1" else
           f"{run.meta['jobs']} files at a time — PARALLEL, timings disturbed. ") +
        "\"× xz -9e\" = this time ÷ xz -9e's *compress* time on the same file, measured in the "
        "same run (below 1× is faster than xz -9e compresses). MB/s = original bytes / 10^6 / s. "
        "Peak RSS from wait4(). WebAssembly: the npm package in Node, in-process "
        "`compress()`/`decompress()` on a buffer after `init()`, one run "
        "(`node bench/wasm_speed.mjs --levels L FILE`).",
        "- **Slices**: evenly spaced pieces of a file, each compressed alone as its own file; "
        "the mean of the per-slice bits/byte. The 1 KiB / 4 KiB slices come from "
        + " and ".join(n for n, _ in SLICE_SOURCES) + f"; the size sweep from {SWEEP_SOURCE[0]}.",
        ""]
    return lines


def render_report(run: Run) -> str:
    meta, cfg = run.meta, run.cfg
    labels = run.labels
    parts = ["# lmzip benchmark results", "",
             f"- Date: {meta['date']}",
             f"- Machine: {meta['machine']}; load average at start {meta['load']}",
             f"- Command: `{meta['command']}`" + (" (QUICK MODE: smoke test, not the full "
                                                   "benchmark)" if cfg.quick else ""),
             f"- Run time: {meta['elapsed']}; load average at the end {meta['load_end']} (other "
             "work on the machine slows every tool; compare times within this run only)",
             f"- Corpus: `{meta['corpus']}`",
             f"- Model: {meta['model']}",
             "- Tool versions:"]
    parts += [f"  - {tool}: {ver}" for tool, ver in run.versions.items()]
    parts.append("")
    if run.errors:
        parts += ["## HARD FAILURES", ""] + [f"- {e}" for e in run.errors] + [""]
    headline = headline_table(run.files, run.slices, run.baseline_labels)
    if headline:
        parts += ["## Headline (bits/byte, lower is better)", "",
                  f"lmzip's fastest, default ({lmzip_label(DEFAULT_LEVEL)}) and maximum levels "
                  "against the usual compressors at their strongest settings; the last column is "
                  "the default level's size relative to the best of the others. The slices are "
                  "pieces of alice29.txt and book1, each compressed alone; zstd's dictionary was "
                  "trained on the training corpus (below).", "", headline, ""]
    speed = speed_summary(run.files, run.wasm, speed_levels(cfg, run.wasm))
    if speed:
        parts += ["## Speed against xz -9e (same run)", "",
                  "MB/s of original data (× the time xz -9e takes to compress the same file). "
                  "Native = the CLI, one process per file; WASM SIMD = the npm package in Node.",
                  "", speed, ""]
    if run.sweep:
        name = SWEEP_SOURCE[0]
        parts += ["## Bits/byte against input size", ""]
        if run.svg_link:
            parts += [f"![bits/byte against input size, slices of {name}]({run.svg_link})", ""]
        parts += [f"Mean bits/byte over evenly spaced slices of {name} (Silesia corpus: Dickens "
                  "novels, English; no Dickens in the training data), each compressed alone.", "",
                  mean_table(run.sweep, [lb for lb in labels], "slice size"), ""]
    parts += method_text(run)
    texts = [r for r in run.files if r.kind == "text"]
    bins = [r for r in run.files if r.kind == "binary"]
    if texts:
        parts += ["## Text files (bits/byte)", "",
                  "— = level not run on this file (see above).", "",
                  bits_table(texts, labels, "total (text)", True), ""]
    if bins:
        parts += ["## Binary files (bits/byte)", "",
                  bits_table(bins, labels, "total (binary)", False), ""]
    summary = level_summary(run.files, labels)
    if summary:
        sub = [r for r in run.files if r.name in ALL_LEVEL_FILES]
        parts += [f"## Every level on the {ALL_LEVEL_TITLE}", "",
                  f"{len(sub)} files, {sum(r.size for r in sub):,} bytes: bits/byte of the "
                  "concatenated results, speed from the summed times, peak memory the largest "
                  "of any file (xz -9e sizes its dictionary to the input).", "", summary, ""]
    speed_labels = [lmzip_label(lv) for lv in speed_levels(cfg, run.wasm)] + (
        [XZ_LABEL] if XZ_LABEL in labels else [])
    if run.files:
        parts += ["## Native speed per file", "",
                  "Each cell: MB/s of original data, then (× xz -9e) = this time ÷ xz -9e "
                  "*compress* time on the same file. The total row uses summed times over the "
                  "text files.", "", speed_table(run.files, speed_labels), ""]
    if run.wasm:
        native = {r.name: r for r in run.files}
        if any(lmzip_label(w.level) in native[w.name].codecs
               and native[w.name].codecs[lmzip_label(w.level)].size != w.compressed for w in run.wasm):
            run.notes.append("WebAssembly output differs in size from the native CLI's (\"same size "
                             "as native: NO\"): npm/dist is probably stale (another model): run "
                             "`make wasm` before `make bench`")
        parts += ["## WebAssembly in Node (npm package) vs native", "",
                  "Same run, one thread. WASM times are in-process, one run; native times are "
                  "whole CLI processes (process start and file I/O add a few ms to native). "
                  "simd128 = the SIMD build, scalar = the fallback for engines without "
                  "WebAssembly SIMD.", "", wasm_table(run.files, run.wasm), ""]
    if run.tarball is not None:
        parts += [f"npm package tarball (`npm pack`): {run.tarball[0]:,} bytes; "
                  f"{run.tarball[1]:,} bytes without the two model files.", ""]
    if run.slices:
        parts += ["## Small inputs (mean bits/byte over slices)", "",
                  f"Evenly spaced slices of {' and '.join(n for n, _ in SLICE_SOURCES)} (texts "
                  "no model was trained on), each compressed on its own.", "",
                  mean_table(run.slices, labels, "slice"), ""]
    if run.lm_line:
        parts += ["## Neural model alone", "",
                  "`lmzip_lm_eval` over the held-out set: the integer model's own 12-bit "
                  "bit probabilities, no context mixing:", "", "```", run.lm_line, "```", ""]
    if run.randoms:
        parts += ["## Random input", "", random_table(run.randoms), ""]
    parts += ["## Targets", "", targets_text(run.targets), ""]
    if run.phases:
        parts += ["## Run time by part", "",
                  md_table(["part", "seconds"], [[p, f"{s:.0f}"] for p, s in run.phases],
                           ["l", "r"]), ""]
    if run.notes:
        parts += ["## Notes", ""] + [f"- {n}" for n in run.notes] + [""]
    return "\n".join(parts)


# ---------------------------------------------------------------- main

def main(argv: List[str]) -> int:
    args = parse_args(argv)
    t_start = time.perf_counter()
    lmzip = Path(args.lmzip)
    if not (lmzip.is_file() and os.access(lmzip, os.X_OK)):
        sys.exit(f"bench.py: lmzip binary not found or not executable: {lmzip} "
                 f"(build it with `make`)")
    corpus = Path(args.corpus)
    sections = args.sections
    files = select_files(args) if "files" in sections else []
    baselines, notes = available_baselines()
    if not any(label == XZ_LABEL for label, _ in baselines):
        notes.append("xz missing: no speed reference, ratio columns and speed targets skipped")

    meta = {
        "date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M:%S %Z"),
        "machine": machine_info(),
        "load": load_average(),
        "command": "python3 " + shlex.join([sys.argv[0]] + argv),
        "corpus": str(corpus),
        "repeat": str(args.repeat),
        "jobs": str(args.jobs),
        "model": model_info(),
    }
    phases: List[Tuple[str, float]] = []
    errors: List[str] = []

    def phase(name: str, fn):
        start = time.perf_counter()
        print(f"== {name}", flush=True)
        value = fn()
        phases.append((name, time.perf_counter() - start))
        return value

    out = Path(args.out)
    svg = Path(args.svg)
    with tempfile.TemporaryDirectory(prefix="lmzip-bench-") as tmp:
        try:
            binary, digest = snapshot_binary(lmzip, Path(tmp))
        except OSError as exc:
            sys.exit(f"bench.py: cannot copy {lmzip}: {exc}")
        versions = tool_versions(binary, baselines)
        versions["lmzip"] += f" — `{lmzip}`, sha256 {digest} (run from a copy)"
        print(f"lmzip benchmark — {meta['date']} — {meta['machine']}")
        for tool, ver in versions.items():
            print(f"  {tool}: {ver}")
        for note in notes:
            print(f"  note: {note}")
        lm_eval = lmzip.parent / LM_EVAL
        cfg = Config(binary, args.levels, args.every_file_levels, list(baselines), args.repeat,
                     Path(tmp), args.quick, args.size_jobs, lm_eval if lm_eval.is_file() else None)
        dict_info = None
        if not args.no_dict and any(s in sections for s in ("files", "slices", "sweep")):
            dict_info = phase("zstd dictionary", lambda: train_dictionary(
                corpus, Path(tmp), DICT_PER_SHARD_QUICK if args.quick else DICT_PER_SHARD, notes))
            if dict_info:  # the column goes right after zstd -19
                at = next((i + 1 for i, (lb, _) in enumerate(cfg.baselines) if lb == "zstd -19"),
                          len(cfg.baselines))
                cfg.baselines.insert(at, (DICT_LABEL, ["zstd", "-19", "-q", "-c", "-D",
                                                       str(dict_info.path)]))
        baseline_labels = [lb for lb, _ in cfg.baselines]
        labels = [lmzip_label(lv) for lv in cfg.levels] + baseline_labels

        results = phase("files", lambda: bench_all(files, cfg, args.jobs)) if files else []
        wasm: List[WasmResult] = []
        if "wasm" in sections:
            if results:
                wasm = phase("webassembly", lambda: wasm_speed(results, cfg, notes))
            else:
                notes.append("WebAssembly speed skipped: needs the files section (native times)")
        slices = (phase("1 KiB / 4 KiB slices", lambda: slice_bench(cfg, corpus, errors, notes))
                  if "slices" in sections else [])
        sweep = (phase("size sweep", lambda: sweep_bench(cfg, corpus, errors, notes))
                 if "sweep" in sections else [])
        lm_line = (phase("neural model alone", lambda: lm_alone(cfg, corpus, notes))
                   if "lm" in sections else None)
        if "lm" not in sections:
            notes.append("neural model alone (lmzip_lm_eval on valid.bin): not run")
        randoms = (phase("random input", lambda: random_check(cfg))
                   if "random" in sections else None)

    svg_link = None
    if sweep:
        svg.parent.mkdir(parents=True, exist_ok=True)
        name = SWEEP_SOURCE[0]
        sweep_labels = [lb for lb in labels if any(lb in sl.mean_bpb for sl in sweep)]
        svg.write_text(sweep_svg(sweep, sweep_labels,
                                 f"slices of {name} (English, not in the training data), each "
                                 f"compressed alone; mean over {sweep[0].count} slices at "
                                 f"{fmt_size(sweep[0].size)} down to {sweep[-1].count} at "
                                 f"{fmt_size(sweep[-1].size)}"), encoding="utf-8")
        svg_link = os.path.relpath(svg.resolve(), out.resolve().parent)
        print(f"wrote {svg}")

    errors += [e for r in results for e in r.errors]
    errors += [f"random {rr.size:,} bytes: {rr.error}" for rr in randoms or [] if rr.error]
    notes += [n for r in results for n in r.notes]
    targets = (evaluate_targets(results, randoms) + wasm_targets(results, wasm)
               + slice_targets(slices) + lm_targets(results, wasm, lm_line))
    tarball = package_size(notes) if "wasm" in sections else None
    if tarball is not None:
        targets.append(Target("npm tarball without the model files <= 1 MB",
                              check(tarball[1] <= 1_000_000),
                              f"{tarball[1]:,} bytes ({tarball[0]:,} with both models)"))
    elapsed = time.perf_counter() - t_start
    meta["elapsed"] = f"{elapsed / 60:.1f} min"
    meta["load_end"] = load_average()
    run = Run(meta, versions, cfg, results, labels, baseline_labels, dict_info, wasm, slices,
              sweep, svg_link, lm_line, randoms, tarball, targets, notes, errors, phases)
    report = render_report(run)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(report, encoding="utf-8")
    print()
    print(report)
    print(f"wrote {out} ({elapsed / 60:.1f} min)")

    if errors:
        print(f"bench.py: {len(errors)} HARD FAILURE(S) (round trip / lmzip error)",
              file=sys.stderr)
        return 1
    if args.strict and any(t.status == "FAIL" for t in targets):
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
