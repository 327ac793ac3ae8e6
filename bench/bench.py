#!/usr/bin/env python3
"""Benchmark lmzip against gzip, bzip2, xz, zstd and brotli; write bench/RESULTS.md.

Usage (from the repository root; `make bench` runs the first line):

    python3 bench/bench.py --lmzip build/lmzip --corpus ../shared/corpus --out bench/RESULTS.md
    python3 bench/bench.py --quick                  # alice29.txt, book1, enwik8 head, hongloumeng
    python3 bench/bench.py --files book1,bib --levels 1 --repeat 3
    python3 bench/bench.py --no-binary              # text files only

What it measures, per benchmark file (text files in the main table, binary ones in a
second table):
  * compressed size in bits/byte (8 x compressed bytes / original bytes) for lmzip at
    each of --levels (default 1,6,9) and for gzip -9, bzip2 -9, xz -9e, zstd -19 and
    brotli -q11 (a tool that is not installed is skipped, with a note);
  * wall-clock compress and decompress time for lmzip (each level) and xz -9e: the
    input file is on disk, the output goes to a temporary file, the same
    subprocess/perf_counter method times both tools, and the best of --repeat runs
    counts. Speeds are in MB/s of *uncompressed* data (MB = 10^6 bytes); "x xz -9e"
    is the time divided by xz -9e's compress time of the same file;
  * every lmzip round trip is decompressed and compared byte for byte: a mismatch (or
    an lmzip error) is a hard failure: the report is still written, exit status 1.

It also compresses 1,000,000 and 1,048,576 random bytes with lmzip -1 (growth target
<= 16 bytes) and checks the level-1 targets (bits/byte on alice29.txt, book1 and the
enwik8 head; beating xz -9e on hongloumeng.txt; beating bzip2 -9 and xz -9e on every
text file; book1 compress/decompress time <= 1.5 x xz -9e compress time), printing
PASS/FAIL with the measured numbers. Target failures do not change the exit status
unless --strict is given (then exit 2).

Without --quick/--files every text file and then the binary files (--no-binary to
skip them) are measured. The lmzip binary is copied to a temporary directory first, so
a rebuild during the run cannot change what is measured (its sha256 is in the report).
Runs serially by default (--jobs 1) so that the timings are not disturbed. Python 3
standard library only.
"""

import argparse
import concurrent.futures
import datetime
import filecmp
import hashlib
import json
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
from typing import Callable, Dict, List, Optional

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO_ROOT.parent / "shared" / "corpus"
DEFAULT_LMZIP = REPO_ROOT / "build" / "lmzip"
DEFAULT_OUT = REPO_ROOT / "bench" / "RESULTS.md"

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
QUICK_FILES = ["alice29.txt", "book1", "enwik8.head4154400", "hongloumeng.txt"]

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
VERSION_ARGS = {"gzip": ["--version"], "bzip2": ["--version"], "xz": ["--version"],
                "zstd": ["--version"], "brotli": ["--version"]}

RANDOM_SIZES = [1_000_000, 1_048_576]
# Small inputs: evenly spaced slices of texts that no model was trained on.
SLICE_SOURCES = ["alice29.txt", "book1"]
SLICE_SIZES = [1024, 4096]
SLICES_PER_FILE = 24
SLICE_TARGET = 0.80       # default level <= 80 % of brotli -q11 (20 % smaller)
LM_EVAL = "lmzip_lm_eval"  # built beside the lmzip binary
RANDOM_GROWTH_LIMIT = 16
TARGET_LEVEL = 1
DEFAULT_LEVEL = 6       # the level the CLI and compress() use when none is given
BPB_TARGETS = [("alice29.txt", 2.15), ("book1", 2.25), ("enwik8.head4154400", 2.00)]
SPEED_TARGET_FILE = "book1"
SPEED_TARGET_RATIO = 1.5
# WebAssembly (npm package in Node) against native, measured in the same run.
WASM_FILES = ["book1", "enwik8.head4154400"]  # the slow levels: book1 only
WASM_TARGET_RATIO = 0.5   # WASM SIMD throughput >= 50 % of native
REPO = Path(__file__).resolve().parent.parent


class BenchError(Exception):
    """A command failed or a round trip did not reproduce its input."""


@dataclass
class Measure:
    """One codec on one file: compressed bytes and (if timed) best wall times."""
    size: int
    ctime: Optional[float] = None
    dtime: Optional[float] = None


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
class Config:
    lm_eval: Optional[Path]
    quick_levels: List[int]
    lmzip: Path
    levels: List[int]
    baselines: List[tuple]         # the BASELINES entries whose tool is installed
    repeat: int
    tmpdir: Path


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


def run_to_file(argv: List[str], out_path: Path) -> float:
    """Runs argv with stdout to out_path; returns wall seconds. Raises BenchError."""
    with open(out_path, "wb") as out:
        start = time.perf_counter()
        try:
            proc = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=out,
                                  stderr=subprocess.PIPE)
        except OSError as exc:
            raise BenchError(f"`{shlex.join(argv)}` could not start: {exc}") from exc
        elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise BenchError(f"`{shlex.join(argv)}` exited {proc.returncode}"
                         + (f": {err[-1]}" if err else ""))
    return elapsed


def best_time(argv: List[str], out_path: Path, repeat: int) -> float:
    return min(run_to_file(argv, out_path) for _ in range(repeat))


def timed_round_trip(comp_argv: List[str], decomp_argv: List[str], src: Path,
                     stem: str, repeat: int) -> Measure:
    """Compress src, decompress the result, compare bytes; best-of-repeat times.

    stem: temp path prefix; the files are stem + ".lmz" (packed) and stem + ".out"."""
    packed, unpacked = Path(stem + ".lmz"), Path(stem + ".out")
    try:
        ctime = best_time(comp_argv + [str(src)], packed, repeat)
        dtime = best_time(decomp_argv + [str(packed)], unpacked, repeat)
        if not filecmp.cmp(src, unpacked, shallow=False):
            raise BenchError(f"round trip mismatch: `{shlex.join(decomp_argv)}` did not "
                             f"reproduce {src.name} ({unpacked.stat().st_size} bytes "
                             f"out, {src.stat().st_size} expected)")
        return Measure(packed.stat().st_size, ctime, dtime)
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


# ---------------------------------------------------------------- setup

def parse_args(argv: List[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--lmzip", default=str(DEFAULT_LMZIP), help="lmzip binary (default build/lmzip)")
    p.add_argument("--corpus", default=str(DEFAULT_CORPUS),
                   help="corpus directory holding bench/ (default ../shared/corpus)")
    p.add_argument("--out", default=str(DEFAULT_OUT), help="report path (default bench/RESULTS.md)")
    p.add_argument("--levels", default="1,2,6,9",
                   help="lmzip levels, comma separated (default 1,2,6,9)")
    p.add_argument("--quick-levels", default="6,9",
                   help="levels measured on the --quick files only (default 6,9: the neural "
                        "levels, ~0.1 MB/s); '' = every file")
    p.add_argument("--repeat", type=int, default=1, help="timed runs per measurement; best counts")
    p.add_argument("--jobs", type=int, default=1, help="files benchmarked in parallel (default 1)")
    p.add_argument("--quick", action="store_true", help="only " + ", ".join(QUICK_FILES))
    p.add_argument("--files", help="comma-separated file names (from the lists above) or paths")
    p.add_argument("--no-binary", action="store_true", help="skip the binary files table")
    p.add_argument("--no-random", action="store_true", help="skip the random-input check")
    p.add_argument("--strict", action="store_true", help="exit 2 when a target fails")
    p.add_argument("--no-slices", action="store_true", help="skip the small-input table")
    p.add_argument("--no-wasm", action="store_true",
                   help="skip the WebAssembly speed table (needs node and `make wasm`)")
    args = p.parse_args(argv)
    try:
        levels = [int(x) for x in args.levels.split(",") if x.strip()]
    except ValueError:
        p.error(f"--levels: not a list of integers: {args.levels!r}")
    if not levels or any(not 1 <= lv <= 9 for lv in levels):
        p.error("--levels: each level must be 1..9")
    args.levels = list(dict.fromkeys(levels))
    try:
        args.quick_levels = [int(x) for x in args.quick_levels.split(",") if x.strip()]
    except ValueError:
        p.error(f"--quick-levels: not a list of integers: {args.quick_levels!r}")
    if args.repeat < 1 or args.jobs < 1:
        p.error("--repeat and --jobs must be >= 1")
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
    return f"{model}, {cores} cores, {platform.system()} {platform.release()}"


# ---------------------------------------------------------------- measuring

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

    for level in cfg.levels:
        label = lmzip_label(level)
        if level in cfg.quick_levels and name not in QUICK_FILES:
            continue  # the slow neural levels: on the quick set only
        # One timed run at the slow levels: their speed is far from the noise.
        repeat = 1 if level in cfg.quick_levels else cfg.repeat
        try:
            m = timed_round_trip([lmz, "-c", f"-{level}"], [lmz, "-d", "-c"], path,
                                 f"{stem}.level{level}", repeat)
        except BenchError as exc:
            res.errors.append(f"{name}: {label}: {exc}")
            res.failed.append(label)
            emit(f"    {label:<12} FAILED: {exc}")
            continue
        res.codecs[label] = m
        emit(f"    {label:<12} {bpb(m.size, size):6.3f} b/B   "
             f"c {fmt_num(mb_per_s(size, m.ctime), 3)} MB/s  "
             f"d {fmt_num(mb_per_s(size, m.dtime), 3)} MB/s  "
             f"c×xz {fmt_num(m.ctime / xz_c if xz_c else None, 2)}  "
             f"d×xz {fmt_num(m.dtime / xz_c if xz_c else None, 2)}  round trip ok")

    for label, argv in cfg.baselines:
        if label == XZ_LABEL:
            if label in res.codecs:
                m = res.codecs[label]
                emit(f"    {label:<12} {bpb(m.size, size):6.3f} b/B   "
                     f"c {fmt_num(mb_per_s(size, m.ctime), 3)} MB/s  "
                     f"d {fmt_num(mb_per_s(size, m.dtime), 3)} MB/s")
            continue
        try:
            res.codecs[label] = Measure(compressed_size(argv, path,
                                                        stem + "." + label.split()[0]))
            emit(f"    {label:<12} {bpb(res.codecs[label].size, size):6.3f} b/B")
        except BenchError as exc:
            res.notes.append(f"{name}: {label}: {exc}")
            emit(f"    {label:<12} skipped: {exc}")
    return res


def bench_all(files: List[tuple], cfg: Config, jobs: int) -> List[FileResult]:
    """Benchmarks files serially (live progress) or with a thread pool."""
    total = len(files)

    def header(i: int, name: str, path: Path, kind: str) -> str:
        return f"[{i:>2}/{total}] {name} ({path.stat().st_size:,} bytes, {kind})"

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


# ---------------------------------------------------------------- report

def md_table(headers: List[str], rows: List[List[str]], align: List[str]) -> str:
    marks = {"l": ":---", "r": "---:"}
    lines = ["| " + " | ".join(headers) + " |",
             "|" + "|".join(marks[a] for a in align) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def bpb_cells(sizes: Dict[str, Optional[int]], original: int, labels: List[str]) -> List[str]:
    """Bits/byte cells, 3 decimals, the best (lowest, ties included) in bold."""
    shown = {lb: (f"{bpb(sizes[lb], original):.3f}" if sizes.get(lb) is not None else None)
             for lb in labels}
    present = [float(v) for v in shown.values() if v is not None]
    best = min(present) if present else None
    cells = []
    for lb in labels:
        v = shown[lb]
        cells.append("—" if v is None else (f"**{v}**" if float(v) == best else v))
    return cells


def bits_table(results: List[FileResult], labels: List[str], total_title: str) -> str:
    rows = []
    for r in results:
        sizes = {lb: (r.codecs[lb].size if lb in r.codecs else None) for lb in labels}
        rows.append([r.name, f"{r.size:,}"] + bpb_cells(sizes, r.size, labels))
    total = sum(r.size for r in results)
    tsizes = {lb: (sum(r.codecs[lb].size for r in results)
                   if all(lb in r.codecs for r in results) else None) for lb in labels}
    rows.append([f"**{total_title}**", f"{total:,}"] + bpb_cells(tsizes, total, labels))
    return md_table(["file", "size"] + labels, rows, ["l", "r"] + ["r"] * len(labels))


def speed_cells(size: int, codecs: Dict[str, Measure], labels: List[str]) -> List[str]:
    """Per codec: compress and decompress cells "MB/s (ratio x)", ratio vs xz -9e compress."""
    xz = codecs.get(XZ_LABEL)
    cells = []
    for lb in labels:
        m = codecs.get(lb)
        for t in ((m.ctime, m.dtime) if m is not None else (None, None)):
            if t is None:
                cells.append("—")
            elif xz is None or not xz.ctime:
                cells.append(fmt_num(mb_per_s(size, t), 3))
            else:
                cells.append(f"{mb_per_s(size, t):.3f} ({t / xz.ctime:.2f}×)")
    return cells


def speed_table(results: List[FileResult], labels: List[str]) -> str:
    rows = [[r.name, f"{r.size:,}"] + speed_cells(r.size, r.codecs, labels) for r in results]
    texts = [r for r in results if r.kind == "text"]
    if texts:
        sums = {}
        for lb in labels:
            if all(lb in r.codecs and r.codecs[lb].ctime is not None for r in texts):
                sums[lb] = Measure(0, sum(r.codecs[lb].ctime for r in texts),
                                   sum(r.codecs[lb].dtime for r in texts))
        total = sum(r.size for r in texts)
        rows.append(["**total (text)**", f"{total:,}"] + speed_cells(total, sums, labels))
    headers = ["file", "size"]
    for lb in labels:
        headers += [f"{lb} compress", f"{lb} decompress"]
    return md_table(headers, rows, ["l", "r"] + ["r"] * (2 * len(labels)))


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
    """Times the npm package in Node (bench/wasm_speed.mjs) on WASM_FILES."""
    if not (REPO / "npm/dist/lmzip-simd.wasm").is_file() or shutil.which("node") is None:
        notes.append("WebAssembly speed skipped: run `make wasm` first (needs node)")
        return []
    paths = {r.name: r.path for r in results if r.name in WASM_FILES}
    out: List[WasmResult] = []
    for name in WASM_FILES:
        if name not in paths:
            continue
        levels = [lv for lv in cfg.levels if name == WASM_FILES[0] or lv not in cfg.quick_levels]
        for simd in (True, False):
            argv = ["node", str(REPO / "bench/wasm_speed.mjs"),
                    "--levels", ",".join(str(lv) for lv in levels),
                    "--repeat", "1", str(paths[name])] + ([] if simd else ["--scalar"])
            print(f"  wasm {'simd' if simd else 'scalar'}: {name}", flush=True)
            proc = subprocess.run(argv, capture_output=True, text=True)
            if proc.returncode != 0:
                notes.append(f"WebAssembly {name}: {proc.stderr.strip()[-300:]}")
                continue
            for line in proc.stdout.splitlines():
                j = json.loads(line)
                out.append(WasmResult(name, j["level"], j["kernels"], j["size"], j["compressed"],
                                      j["ctime"], j["dtime"]))
    return out


def package_size(notes: List[str]) -> Optional[int]:
    """Bytes of the npm tarball (`npm pack --dry-run`)."""
    if shutil.which("npm") is None or not (REPO / "npm/dist/node.cjs").is_file():
        return None
    proc = subprocess.run(["npm", "pack", "--dry-run", "--json"], cwd=REPO / "npm",
                          capture_output=True, text=True)
    if proc.returncode != 0:
        notes.append(f"npm pack failed: {proc.stderr.strip()[-300:]}")
        return None
    return int(json.loads(proc.stdout)[0]["size"])


@dataclass
class SliceResult:
    size: int
    count: int
    mean_bpb: Dict[str, float]


def slice_bench(results: List[FileResult], cfg: Config) -> List[SliceResult]:
    """Mean bits/byte over small slices for each lmzip level and baseline."""
    paths = [r.path for r in results if r.name in SLICE_SOURCES and r.path]
    if not paths:
        return []
    out = []
    for size in SLICE_SIZES:
        totals: Dict[str, float] = {}
        count = 0
        for path in paths:
            data = path.read_bytes()
            step = (len(data) - size) // SLICES_PER_FILE
            for k in range(SLICES_PER_FILE):
                piece = cfg.tmpdir / f"slice-{size}-{k}.txt"
                piece.write_bytes(data[k * step: k * step + size])
                codecs = [(lmzip_label(lv), [str(cfg.lmzip), "-c", f"-{lv}"]) for lv in cfg.levels]
                for label, argv in codecs + list(cfg.baselines):
                    n = compressed_size(argv, piece, str(cfg.tmpdir / f"slice.{k}"))
                    totals[label] = totals.get(label, 0.0) + bpb(n, size)
                piece.unlink()
                count += 1
        print(f"  slices of {size} bytes: " + ", ".join(
            f"{lb} {t / count:.3f}" for lb, t in totals.items()), flush=True)
        out.append(SliceResult(size, count, {lb: t / count for lb, t in totals.items()}))
    return out


def slice_table(slices: List[SliceResult], labels: List[str]) -> str:
    rows = [[f"{sl.size:,} bytes", str(sl.count)] + [fmt_num(sl.mean_bpb.get(lb), 3) for lb in labels]
            for sl in slices]
    return md_table(["slice", "slices"] + labels, rows, ["l", "r"] + ["r"] * len(labels))


def slice_targets(slices: List[SliceResult]) -> List["Target"]:
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


LM_BPB_TARGETS = [("alice29.txt", 1.95), ("book1", 2.05)]
LM_SPEED_FILE = "book1"
MODEL_FILE = REPO / "models" / "default.lmzm"


def lm_targets(results: List[FileResult], wasm: List["WasmResult"],
               lm_line: Optional[str]) -> List["Target"]:
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
        value = float(lm_line.split("\t")[2].split()[0])
        targets.append(Target("neural model alone on valid <= 2.3 bits/byte", check(value <= 2.3),
                              f"{value:.4f} bits/byte"))
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


def wasm_table(results: List[FileResult], wasm: List[WasmResult]) -> str:
    native = {r.name: r for r in results}
    rows = []
    for w in wasm:
        m = native[w.name].codecs.get(lmzip_label(w.level))
        same = "yes" if m and m.size == w.compressed else "NO"
        cn, dn = (mb_per_s(w.size, m.ctime), mb_per_s(w.size, m.dtime)) if m else (None, None)
        cw, dw = mb_per_s(w.size, w.ctime), mb_per_s(w.size, w.dtime)
        rows.append([w.name, f"-{w.level}", w.kernels, same,
                     fmt_num(cn, 3), fmt_num(cw, 3), fmt_num(cw / cn if cn else None, 2),
                     fmt_num(dn, 3), fmt_num(dw, 3), fmt_num(dw / dn if dn else None, 2)])
    return md_table(["file", "level", "wasm kernels", "same size as native", "native c MB/s",
                     "wasm c MB/s", "wasm/native", "native d MB/s", "wasm d MB/s", "wasm/native"],
                    rows, ["l", "l", "l", "l", "r", "r", "r", "r", "r", "r"])


def wasm_targets(results: List[FileResult], wasm: List[WasmResult]) -> List["Target"]:
    native = {r.name: r for r in results}
    targets = []
    for w in wasm:
        m = native[w.name].codecs.get(lmzip_label(w.level))
        if w.kernels != "simd128" or not m or not m.ctime:
            continue
        for what, t_native, t_wasm in (("compress", m.ctime, w.ctime),
                                       ("decompress", m.dtime, w.dtime)):
            ratio = t_native / t_wasm
            targets.append(Target(f"{w.name}: WASM SIMD {what} at level {w.level} >= "
                                  f"{WASM_TARGET_RATIO:.0%} of native throughput",
                                  check(ratio >= WASM_TARGET_RATIO), f"{ratio:.0%}"))
    return targets


def render_report(meta: Dict[str, str], versions: Dict[str, str], results: List[FileResult],
                  randoms: Optional[List[RandomResult]], targets: List[Target],
                  labels: List[str], speed_labels: List[str], notes: List[str],
                  errors: List[str], wasm: List[WasmResult], tarball: Optional[int],
                  slices: List[SliceResult], lm_line: Optional[str]) -> str:
    parts = ["# lmzip benchmark results", "",
             f"- Date: {meta['date']}",
             f"- Machine: {meta['machine']}",
             f"- Command: `{meta['command']}`",
             f"- Corpus: `{meta['corpus']}`",
             f"- Timing: wall clock per process (spawn + read input file + write a temp file), "
             f"best of {meta['repeat']}; {meta['jobs']} file(s) at a time"
             + (" — PARALLEL, timings disturbed" if meta['jobs'] != "1" else ""),
             "- Tool versions:"]
    parts += [f"  - {tool}: {ver}" for tool, ver in versions.items()]
    parts += ["", "Bits/byte = 8 × compressed bytes / original bytes (lower is better; best "
              "per row in bold). MB/s = original bytes / 10^6 / seconds, for both directions.",
              ""]
    if errors:
        parts += ["## HARD FAILURES", ""] + [f"- {e}" for e in errors] + [""]
    texts = [r for r in results if r.kind == "text"]
    bins = [r for r in results if r.kind == "binary"]
    if texts:
        parts += ["## Text files (bits/byte)", "", bits_table(texts, labels, "total (text)"), ""]
    if bins:
        parts += ["## Binary files (bits/byte)", "", bits_table(bins, labels, "total (binary)"), ""]
    parts += ["## Speed (lmzip vs xz -9e)", "",
              "Each cell: MB/s of original data, then (× xz -9e) = this time ÷ xz -9e "
              "*compress* time on the same file (below 1× is faster than xz -9e compresses). "
              "The total row uses summed times over the text files.", "",
              speed_table(results, speed_labels), ""]
    if wasm:
        parts += ["## WebAssembly in Node (npm package) vs native", "",
                  "Same run, one thread. WASM times are in-process (`compress()` / "
                  "`decompress()` on a buffer, after `init()`), one run; native times are whole CLI processes as above "
                  "(process start and file I/O add a few ms to native). simd128 = the SIMD build, scalar = the "
                  "fallback for engines without WebAssembly SIMD.", "",
                  wasm_table(results, wasm), ""]
    if tarball is not None:
        parts += [f"npm package tarball (`npm pack`): {tarball:,} bytes.", ""]
    if slices:
        parts += ["## Small inputs (mean bits/byte over slices)", "",
                  f"Evenly spaced slices of {' and '.join(SLICE_SOURCES)} (texts no model "
                  "was trained on), each compressed on its own.", "",
                  slice_table(slices, labels), ""]
    if lm_line:
        parts += ["## Neural model alone", "",
                  "`lmzip_lm_eval` over the held-out set: the integer model's own 12-bit "
                  "bit probabilities, no context mixing:", "", "```", lm_line, "```", ""]
    if randoms:
        parts += ["## Random input", "", random_table(randoms), ""]
    parts += ["## Targets", "", targets_text(targets), ""]
    if notes:
        parts += ["## Notes", ""] + [f"- {n}" for n in notes] + [""]
    return "\n".join(parts)


# ---------------------------------------------------------------- main

def main(argv: List[str]) -> int:
    args = parse_args(argv)
    lmzip = Path(args.lmzip)
    if not (lmzip.is_file() and os.access(lmzip, os.X_OK)):
        sys.exit(f"bench.py: lmzip binary not found or not executable: {lmzip} "
                 f"(build it with `make`)")
    files = select_files(args)
    baselines, notes = available_baselines()
    if not any(label == XZ_LABEL for label, _ in baselines):
        notes.append("xz missing: no speed reference, ratio columns and speed targets skipped")

    meta = {
        "date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M:%S %Z"),
        "machine": machine_info(),
        "command": "python3 " + shlex.join([sys.argv[0]] + argv),
        "corpus": str(Path(args.corpus)),
        "repeat": str(args.repeat),
        "jobs": str(args.jobs),
    }
    labels = [lmzip_label(lv) for lv in args.levels] + [lb for lb, _ in baselines]
    speed_labels = [lmzip_label(lv) for lv in args.levels] + (
        [XZ_LABEL] if any(lb == XZ_LABEL for lb, _ in baselines) else [])

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
        cfg = Config(lm_eval if lm_eval.is_file() else None, args.quick_levels, binary,
                     args.levels, baselines,
                     args.repeat, Path(tmp))
        results = bench_all(files, cfg, args.jobs)
        wasm = [] if args.no_wasm else wasm_speed(results, cfg, notes)
        slices = [] if args.no_slices else slice_bench(results, cfg)
        lm_line = lm_alone(cfg, Path(args.corpus), notes)
        randoms = None
        if not args.no_random:
            print("random-input check", flush=True)
            randoms = random_check(cfg)

    errors = [e for r in results for e in r.errors]
    errors += [f"random {rr.size:,} bytes: {rr.error}" for rr in randoms or [] if rr.error]
    notes += [n for r in results for n in r.notes]
    targets = (evaluate_targets(results, randoms) + wasm_targets(results, wasm)
               + slice_targets(slices) + lm_targets(results, wasm, lm_line))
    tarball = package_size(notes)
    if tarball is not None:
        targets.append(Target("npm tarball <= 1 MB", check(tarball <= 1_000_000), f"{tarball:,} bytes"))
    report = render_report(meta, versions, results, randoms, targets, labels,
                           speed_labels, notes, errors, wasm, tarball, slices, lm_line)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(report, encoding="utf-8")
    print()
    print(report)
    print(f"wrote {out}")

    if errors:
        print(f"bench.py: {len(errors)} HARD FAILURE(S) (round trip / lmzip error)",
              file=sys.stderr)
        return 1
    if args.strict and any(t.status == "FAIL" for t in targets):
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
