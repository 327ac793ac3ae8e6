"""Running the tools: compressed sizes, wall times, peak memory and round-trip checks.

run() measures what a Plan asks for and returns one JSON-ready dict (bench.py saves it as
results.json; report.py writes RESULTS.md from it). Its keys:

  meta, versions          machine, date, command, load; the first line of each tool's --version
  baselines               [{label, argv}] of the reference compressors that ran (argv as shown
                          in the report: the dictionary's temporary path is `zstd.dict`)
  dictionary              the zstd dictionary: bytes, samples, sample_bytes, shards, per_shard,
                          seconds, sha (or null)
  models                  [{model, path, bytes, sha}] of the plan's model files in the checkout
  files                   per benchmark file: name, kind, size, levels, failed (lmzip labels
                          that failed) and codecs: {label: {size, ctime, dtime, cmem, dmem}}
                          (seconds, best of --repeat; peak RSS in KiB; times only for lmzip
                          and the speed reference)
  wasm                    npm package in Node: [{file, level, simd, kernels, size, compressed,
                          ctime, dtime, engine, yield_s}] (engine: "node v20.…"; yield_s:
                          seconds of one setTimeout(0) yield there; simd: the build loaded;
                          absent before them: use wasm_build())
  wasm_chromium           the same runs in headless Chromium (engine: "chromium 156.…");
                          [] when not run (absent from results saved before it)
  tarball                 npm tarball bytes, whole and without the model files (or null)
  slices, sweep           [{size, count, mean_bpb: {label: mean bits/byte}}]
  lm_models               each model file alone on the held-out set: [{slot, path, file_bytes,
                          levels (using it), output, bits_per_byte, kb_per_s (native),
                          model_id, description, multiply_adds_per_byte}]
  random                  [{size, level, lmzip_size, ref_size, error}] incompressible input
                          (ref_size: the speed reference's output)
  phases                  [[part, seconds]]
  errors, notes           hard failures (lmzip error, round-trip mismatch); tool trouble

Everything timed runs serially (unless --jobs); the untimed size-only parts (slices, sweep)
may run --size-jobs processes at a time. The binary measured is a copy (snapshot_binary), so
a rebuild during the run cannot change it. Python 3 standard library only.
"""

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
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional, Tuple

from plan import Plan, label
from svgplot import fmt_bytes

REPO = Path(__file__).resolve().parent.parent
WASM_SCRIPT = REPO / "bench" / "wasm_speed.mjs"
DICT_SHOWN = "zstd.dict"   # the dictionary's name in the commands the report shows


class BenchError(Exception):
    """A command failed or a round trip did not reproduce its input."""


@dataclass
class Context:
    """What the measuring functions share during one run."""
    plan: Plan
    lmzip: Path                    # the snapshot
    corpus: Path
    tmpdir: Path
    repeat: int
    size_jobs: int
    baselines: List[Tuple[str, List[str]]] = field(default_factory=list)
    errors: List[str] = field(default_factory=list)
    notes: List[str] = field(default_factory=list)

    @property
    def speed_label(self) -> str:
        return self.plan.data["speed_reference"]["label"]

    def speed_argv(self) -> Optional[List[str]]:
        return next((argv for lb, argv in self.baselines if lb == self.speed_label), None)


def bpb(compressed: int, original: int) -> float:
    return 8.0 * compressed / original if original else float("nan")


def mb_per_s(nbytes: int, seconds: Optional[float]) -> Optional[float]:
    if seconds is None or seconds <= 0:
        return None
    return nbytes / seconds / 1e6


def wasm_build(w: dict) -> str:
    """The WebAssembly build a wasm row ran, "simd128" or "scalar". Not its kernels string:
    that names each op's kernel ("simd128+scalar" where one op has no SIMD kernel)."""
    if "simd" in w:
        return "simd128" if w["simd"] else "scalar"
    return "simd128" if "simd128" in w["kernels"].split("+") else "scalar"  # saved before it


def fmt_num(value: Optional[float], digits: int) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


# ---------------------------------------------------------------- running one command

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
                     stem: str, repeat: int) -> dict:
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
        return {"size": packed.stat().st_size, "ctime": ctime, "dtime": dtime,
                "cmem": cmem, "dmem": dmem}
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


# ---------------------------------------------------------------- the machine and the tools

def available_baselines(plan: Plan) -> Tuple[List[Tuple[str, List[str]]], List[str]]:
    found, notes = [], []
    for b in plan.data["baselines"]:
        if shutil.which(b["argv"][0]):
            found.append((b["label"], list(b["argv"])))
        else:
            notes.append(f"{b['label']}: `{b['argv'][0]}` not found on PATH, column skipped")
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


def tool_versions(lmzip: Path, baselines: List[Tuple[str, List[str]]]) -> Dict[str, str]:
    versions = {"lmzip": first_line_of([str(lmzip), "--version"])}
    for _, argv in baselines:
        if argv[0] not in versions:
            versions[argv[0]] = first_line_of([argv[0], "--version"])
    if shutil.which("node"):
        versions["node"] = first_line_of(["node", "--version"])
    return versions


def snapshot_binary(lmzip: Path, tmpdir: Path) -> Tuple[Path, str]:
    """Copies lmzip into tmpdir, so a rebuild during the run cannot change what is
    measured; returns (copy, short sha256 of the binary)."""
    copy = tmpdir / "lmzip"
    shutil.copy2(lmzip, copy)
    return copy, hashlib.sha256(copy.read_bytes()).hexdigest()[:16]


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


def model_files(plan: Plan) -> List[dict]:
    """The plan's model files in the checkout (the CLI has them built in: its sha256 is
    in the versions)."""
    out = []
    for model, rel in plan.data["models"].items():
        path = REPO / rel
        if path.is_file():
            data = path.read_bytes()
            out.append({"model": model, "path": rel, "bytes": len(data),
                        "sha": hashlib.sha256(data).hexdigest()[:16]})
    return out


# ---------------------------------------------------------------- zstd dictionary

def train_dictionary(ctx: Context, per_shard: int) -> Optional[Tuple[Path, dict]]:
    """zstd --train on samples cut from the start of each training shard."""
    d = ctx.plan.data["dictionary"]
    shards = sorted(glob.glob(str(ctx.corpus / d["shards"])))
    if not shards or shutil.which("zstd") is None:
        ctx.notes.append(f"{d['label']}: skipped (no {ctx.corpus / d['shards']} or no zstd)")
        return None
    start = time.perf_counter()
    samples = ctx.tmpdir / "dict-samples"
    samples.mkdir()
    count, size = 0, d["sample_bytes"]
    for shard in shards:
        with lzma.open(shard) as f:
            data = f.read(per_shard)
        for i in range(0, len(data) - size + 1, size):
            (samples / f"{count:06d}").write_bytes(data[i:i + size])
            count += 1
    path = ctx.tmpdir / DICT_SHOWN
    argv = ["zstd", "--train", "-q", "-r", str(samples), "-o", str(path),
            f"--maxdict={d['max_bytes']}"]
    proc = subprocess.run(argv, capture_output=True, text=True)
    shutil.rmtree(samples)
    if proc.returncode != 0 or not path.is_file():
        ctx.notes.append(f"{d['label']}: `zstd --train` failed: {proc.stderr.strip()[-300:]}")
        return None
    data = path.read_bytes()
    info = {"size": len(data), "samples": count, "sample_bytes": size, "shards": len(shards),
            "per_shard": per_shard, "seconds": time.perf_counter() - start,
            "sha": hashlib.sha256(data).hexdigest()[:16]}
    print(f"  zstd dictionary: {info['size']:,} bytes from {count:,} samples of {size} bytes "
          f"({len(shards)} shards x {per_shard:,} bytes), {info['seconds']:.1f} s", flush=True)
    return path, info


# ---------------------------------------------------------------- benchmark files

def bench_file(name: str, path: Path, kind: str, ctx: Context,
               emit: Callable[[str], None]) -> dict:
    """Measures every codec on one file; emit() gets one progress line per codec. Failures
    go to the record's errors (lmzip) and notes (baselines)."""
    size = path.stat().st_size
    levels = ctx.plan.levels_for(name)
    res = {"name": name, "kind": kind, "size": size, "levels": levels, "codecs": {},
           "failed": [], "errors": [], "notes": []}
    codecs = res["codecs"]
    stem = str(ctx.tmpdir / f"{name}.{threading.get_ident()}")
    lmz = str(ctx.lmzip)
    ref, ref_argv = ctx.speed_label, ctx.speed_argv()

    def speeds(m: dict) -> str:
        return (f"c {fmt_num(mb_per_s(size, m['ctime']), 3)} MB/s  "
                f"d {fmt_num(mb_per_s(size, m['dtime']), 3)} MB/s")

    if ref_argv is not None:
        try:
            codecs[ref] = timed_round_trip(
                ref_argv, ctx.plan.data["speed_reference"]["decompress_argv"], path,
                f"{stem}.ref", ctx.repeat)
        except BenchError as exc:
            res["notes"].append(f"{name}: {ref}: {exc}")
    ref_c = codecs[ref]["ctime"] if ref in codecs else None
    ref_tool = ref_argv[0] if ref_argv else ref

    for level in levels:
        lab = label(level)
        try:
            m = timed_round_trip([lmz, "-c", f"-{level}"], [lmz, "-d", "-c"], path,
                                 f"{stem}.level{level}",
                                 1 if ctx.plan.timed_once(level) else ctx.repeat)
        except BenchError as exc:
            res["errors"].append(f"{name}: {lab}: {exc}")
            res["failed"].append(lab)
            emit(f"    {lab:<15} FAILED: {exc}")
            continue
        codecs[lab] = m
        emit(f"    {lab:<15} {bpb(m['size'], size):6.3f} b/B   {speeds(m)}  "
             f"c×{ref_tool} {fmt_num(m['ctime'] / ref_c if ref_c else None, 2)}  "
             f"d×{ref_tool} {fmt_num(m['dtime'] / ref_c if ref_c else None, 2)}  "
             "round trip ok")

    for lab, argv in ctx.baselines:
        if lab == ref:
            if lab in codecs:
                emit(f"    {lab:<15} {bpb(codecs[lab]['size'], size):6.3f} b/B   "
                     f"{speeds(codecs[lab])}")
            continue
        try:
            codecs[lab] = {"size": compressed_size(argv, path, f"{stem}.{argv[0]}")}
            emit(f"    {lab:<15} {bpb(codecs[lab]['size'], size):6.3f} b/B")
        except BenchError as exc:
            res["notes"].append(f"{name}: {lab}: {exc}")
            emit(f"    {lab:<15} skipped: {exc}")
    return res


def bench_all(files: List[Tuple[str, Path, str]], ctx: Context, jobs: int) -> List[dict]:
    """Benchmarks files serially (live progress) or with a thread pool; the records'
    errors and notes move to ctx, in file order."""
    total = len(files)

    def header(i: int, name: str, path: Path, kind: str) -> str:
        return (f"[{i:>2}/{total}] {name} ({path.stat().st_size:,} bytes, {kind}; levels "
                f"{','.join(map(str, ctx.plan.levels_for(name)))})")

    if jobs == 1:
        results = []
        for i, (name, path, kind) in enumerate(files, 1):
            print(header(i, name, path, kind), flush=True)
            results.append(bench_file(name, path, kind, ctx,
                                      lambda line: print(line, flush=True)))
    else:
        lock = threading.Lock()

        def task(i: int, name: str, path: Path, kind: str) -> dict:
            lines = [header(i, name, path, kind)]
            res = bench_file(name, path, kind, ctx, lines.append)
            with lock:
                print("\n".join(lines), flush=True)
            return res

        with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
            futures = [pool.submit(task, i, *f) for i, f in enumerate(files, 1)]
            results = [f.result() for f in futures]
    for res in results:
        ctx.errors += res.pop("errors")
        ctx.notes += res.pop("notes")
    return results


# ---------------------------------------------------------------- random input

def random_check(ctx: Context) -> List[dict]:
    """lmzip at the plan's level on incompressible input: bytes out, with round trip check;
    the speed reference's size beside it."""
    lmz, ref_argv = str(ctx.lmzip), ctx.speed_argv()
    level = ctx.plan.role(ctx.plan.data["random"]["level"])
    results = []
    for n in ctx.plan.data["random"]["sizes"]:
        src = ctx.tmpdir / f"random-{n}.bin"
        src.write_bytes(os.urandom(n))
        stem = str(ctx.tmpdir / f"random-{n}")
        rr = {"size": n, "level": level, "lmzip_size": None, "ref_size": None, "error": None}
        try:
            rr["lmzip_size"] = timed_round_trip([lmz, "-c", f"-{level}"], [lmz, "-d", "-c"],
                                                src, stem, 1)["size"]
        except BenchError as exc:
            rr["error"] = str(exc)
            ctx.errors.append(f"random {n:,} bytes: {exc}")
        if ref_argv is not None:
            try:
                rr["ref_size"] = compressed_size(ref_argv, src, stem + ".ref")
            except BenchError:
                pass
        src.unlink()
        ref_growth = "—" if rr["ref_size"] is None else f"{rr['ref_size'] - n:+d}"
        status = (f"FAILED: {rr['error']}" if rr["error"] else
                  f"{rr['lmzip_size']:,} bytes, growth {rr['lmzip_size'] - n:+d} "
                  f"({ctx.speed_label}: {ref_growth}), round trip ok")
        print(f"    random {n:,} bytes: {label(level)} {status}", flush=True)
        results.append(rr)
    return results


# ---------------------------------------------------------------- WebAssembly

def chromium_missing() -> Optional[str]:
    """Why the Chromium timings cannot run here (what web/test-support/package-page.mjs
    needs), or None."""
    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    if not os.access(chromium, os.X_OK):
        return f"{chromium} not found (apt-get install chromium, or set CHROMIUM)"
    if not (REPO / "web/node_modules/playwright-core").is_dir():
        return "web/node_modules/playwright-core missing (cd web && npm ci)"
    return None


def wasm_speed(paths: Dict[str, Path], ctx: Context, browser: Optional[str] = None) -> List[dict]:
    """Times the npm package (bench/wasm_speed.mjs) in Node, or with browser="chromium" in
    headless Chromium, as the plan's wasm section says, on the files this run measured
    natively (paths: name -> path; the report compares them)."""
    where = "in Chromium" if browser else "in Node"
    if not (REPO / "npm/dist/lmzip-simd.wasm").is_file() or shutil.which("node") is None:
        ctx.notes.append(f"WebAssembly speed {where} skipped: run `make wasm` first (needs node)")
        return []
    if browser:
        missing = chromium_missing()
        if missing:
            ctx.notes.append(f"WebAssembly speed in Chromium skipped: {missing}")
            return []
    out: List[dict] = []
    for name, level, simd in ctx.plan.wasm_runs():  # one process per level: a failure loses one row
        if name not in paths:
            continue
        argv = (["node", str(WASM_SCRIPT)] + (["--browser", browser] if browser else [])
                + ["--levels", str(level), "--repeat", str(ctx.plan.data["wasm"]["repeat"]),
                   str(paths[name])] + ([] if simd else ["--scalar"]))
        print(f"  wasm {'simd' if simd else 'scalar'} {where}: {name} level {level}", flush=True)
        proc = subprocess.run(argv, capture_output=True, text=True)
        if proc.returncode != 0:
            err = proc.stderr.strip().splitlines()
            why = err[-1] if err else proc.returncode
            ctx.notes.append(f"WebAssembly {where} {name} level {level} failed: {why}")
            print(f"    failed: {why}", flush=True)
            continue
        for line in proc.stdout.splitlines():
            j = json.loads(line)
            w = {"file": name, "level": j["level"], "simd": j["simd"], "kernels": j["kernels"],
                 "size": j["size"],
                 "compressed": j["compressed"], "ctime": j["ctime"], "dtime": j["dtime"],
                 "engine": j["engine"], "yield_s": j["yield_s"]}
            print(f"    -{w['level']} {w['kernels']}: c {mb_per_s(w['size'], w['ctime']):.3f} "
                  f"MB/s  d {mb_per_s(w['size'], w['dtime']):.3f} MB/s", flush=True)
            out.append(w)
    return out


def npm_pack_size(folder: Path, notes: List[str]) -> Optional[int]:
    proc = subprocess.run(["npm", "pack", "--dry-run", "--json"], cwd=folder,
                          capture_output=True, text=True)
    if proc.returncode != 0:
        notes.append(f"npm pack failed: {proc.stderr.strip()[-300:]}")
        return None
    return int(json.loads(proc.stdout[proc.stdout.index("["):])[0]["size"])


def package_size(notes: List[str]) -> Optional[dict]:
    """Bytes of the npm tarball (`npm pack --dry-run`), whole and without the model files
    (packed from a copy of the package that lacks them)."""
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
    return {"bytes": whole, "without_models": without_models}


# ---------------------------------------------------------------- slices and sweep

def cut_slices(data: bytes, size: int, count: int) -> List[bytes]:
    """count evenly spaced slices of size bytes (fewer when data is short)."""
    if len(data) < size:
        return []
    count = min(count, max(1, len(data) // size))
    step = (len(data) - size) // count
    return [data[k * step: k * step + size] for k in range(count)]


def mean_sizes(pieces: List[Path], codecs: List[Tuple[str, List[str]]], ctx: Context,
               what: str) -> Dict[str, float]:
    """Mean bits/byte of each codec over equally sized pieces (sizes only, untimed: may
    run --size-jobs at a time). lmzip outputs under verify_below bytes are round-tripped.
    A codec that fails on any piece has no mean: an error for lmzip, a note otherwise."""
    verify_below = ctx.plan.data["verify_below"]
    tasks = []
    for piece in pieces:
        n = piece.stat().st_size
        for lab, argv in codecs:
            verify = str(ctx.lmzip) if lab.startswith("lmzip") and n < verify_below else None
            tasks.append((lab, argv, piece, verify, n))
    totals: Dict[str, float] = {}
    bad: Dict[str, str] = {}

    def one(task):
        lab, argv, piece, verify, n = task
        try:
            return lab, bpb(packed_size(argv, piece, verify), n), None
        except BenchError as exc:
            return lab, None, str(exc)

    with concurrent.futures.ThreadPoolExecutor(max_workers=ctx.size_jobs) as pool:
        for lab, value, err in pool.map(one, tasks):
            if err:
                bad.setdefault(lab, err)
            else:
                totals[lab] = totals.get(lab, 0.0) + value
    for lab, err in bad.items():
        (ctx.errors if lab.startswith("lmzip") else ctx.notes).append(f"{what}: {lab}: {err}")
    return {lb: t / len(pieces) for lb, t in totals.items() if lb not in bad}


def codecs_for(ctx: Context, levels: List[int]) -> List[Tuple[str, List[str]]]:
    return ([(label(lv), [str(ctx.lmzip), "-c", f"-{lv}"]) for lv in levels]
            + list(ctx.baselines))


def slices_of(ctx: Context, pieces_data: List[bytes], prefix: str) -> List[Path]:
    pieces = []
    for k, data in enumerate(pieces_data):
        piece = ctx.tmpdir / f"{prefix}-{k}"
        piece.write_bytes(data)
        pieces.append(piece)
    return pieces


def slice_bench(ctx: Context) -> List[dict]:
    """Mean bits/byte over small slices of the plan's slice sources, every level and
    baseline."""
    sl = ctx.plan.data["slices"]
    codecs = codecs_for(ctx, ctx.plan.levels)
    out = []
    for size in sl["sizes"]:
        cut = [piece for name in sl["sources"] for piece in
               cut_slices(ctx.plan.file_path(ctx.corpus, name).read_bytes(), size,
                          sl["per_file"])]
        pieces = slices_of(ctx, cut, f"slice-{size}")
        means = mean_sizes(pieces, codecs, ctx, f"{size}-byte slices")
        for piece in pieces:
            piece.unlink()
        print(f"  slices of {size} bytes ({len(pieces)}): " + ", ".join(
            f"{lb} {v:.3f}" for lb, v in means.items()), flush=True)
        out.append({"size": size, "count": len(pieces), "mean_bpb": means})
    return out


def sweep_bench(ctx: Context) -> List[dict]:
    """Mean bits/byte against slice size: slices of the plan's sweep source."""
    sw = ctx.plan.data["sweep"]
    data = ctx.plan.file_path(ctx.corpus, sw["source"]).read_bytes()
    codecs = codecs_for(ctx, ctx.plan.run_levels(sw["levels"]))
    out = []
    for size, count in sw["sizes"]:
        start = time.perf_counter()
        pieces = slices_of(ctx, cut_slices(data, size, count), f"sweep-{size}")
        if not pieces:
            continue
        means = mean_sizes(pieces, codecs, ctx, f"size sweep {fmt_bytes(size)}")
        for piece in pieces:
            piece.unlink()
        print(f"  sweep {fmt_bytes(size)} x {len(pieces)} ({time.perf_counter() - start:.1f} s): "
              + ", ".join(f"{lb} {v:.3f}" for lb, v in means.items()), flush=True)
        out.append({"size": size, "count": len(pieces), "mean_bpb": means})
    return out


# ---------------------------------------------------------------- the neural model alone

def parse_lm_line(line: str) -> dict:
    """One line of lmzip_lm_eval: FILE, N bytes, X bits/byte, S KB/s, model ID, then
    (newer builds) the description and M multiply-adds/byte. Fields are found by their
    unit (the description: the one after the model id), so an older build's line still
    parses, its missing fields None."""
    out = {"bits_per_byte": None, "kb_per_s": None, "model_id": None, "description": None,
           "multiply_adds_per_byte": None}
    after_model = False
    for cell in line.split("\t")[1:]:
        if cell.endswith(" bits/byte"):
            out["bits_per_byte"] = float(cell.split()[0])
        elif cell.endswith(" KB/s"):
            out["kb_per_s"] = float(cell.split()[0])
        elif cell.endswith(" multiply-adds/byte"):
            out["multiply_adds_per_byte"] = int(cell.split()[0])
        elif cell.startswith("model "):
            out["model_id"] = cell.split()[1]
        elif after_model:
            out["description"] = cell
        after_model = cell.startswith("model ")
    if out["bits_per_byte"] is None:
        raise ValueError("no bits/byte field")
    return out


def lm_alone(ctx: Context, tool: Path) -> List[dict]:
    """Each model file of the plan's models map, alone on the held-out set (lmzip_lm_eval
    --model FILE, built beside the lmzip binary): [{slot, path, file_bytes, levels, output,
    bits_per_byte, kb_per_s, model_id, description, multiply_adds_per_byte}]. A file not
    in the checkout is skipped with a note: slots come and go with the level table."""
    rel_data = ctx.plan.data["lm_eval"]["data"]
    data = ctx.corpus / rel_data
    if not tool.is_file() or not data.is_file():
        ctx.notes.append(f"neural model alone: skipped ({tool.name} or {rel_data} missing)")
        return []
    models = ctx.plan.data["models"]
    for slot in sorted({r["model"] for r in ctx.plan.table} - {"none"} - set(models)):
        ctx.notes.append(f"neural model alone: the level table's {slot} model has no file "
                         "in plan.json models, not evaluated")
    out = []
    for slot, rel in models.items():
        path = REPO / rel
        if not path.is_file():
            ctx.notes.append(f"neural model alone: {slot} model {rel} not in the checkout, "
                             "skipped")
            continue
        print(f"  {slot} model ({rel}) alone on {rel_data}", flush=True)
        proc = subprocess.run([str(tool), "--model", str(path), str(data)],
                              capture_output=True, text=True)
        if proc.returncode != 0:
            ctx.notes.append(f"{tool.name} --model {rel} failed: {proc.stderr.strip()[-300:]}")
            continue
        output = proc.stdout.strip()
        try:
            parsed = parse_lm_line(output.splitlines()[0])
        except (IndexError, ValueError):
            ctx.notes.append(f"{tool.name} --model {rel}: output not understood: "
                             f"{output[:200]!r}")
            continue
        rec = {"slot": slot, "path": rel, "file_bytes": path.stat().st_size,
               "levels": ctx.plan.levels_of_model(slot), "output": output, **parsed}
        print(f"    {rec['bits_per_byte']:.4f} bits/byte, {rec['kb_per_s']} KB/s, "
              f"{rec['multiply_adds_per_byte']} multiply-adds/byte", flush=True)
        out.append(rec)
    return out


# ---------------------------------------------------------------- one run

def run(plan: Plan, binary: Path, digest: str, lmzip: Path, corpus: Path,
        files: List[Tuple[str, Path, str]], sections: List[str], repeat: int, jobs: int,
        size_jobs: int, use_dict: bool, command: str, quick: bool, tmpdir: Path) -> dict:
    """Measures the sections of plan on files with binary (the snapshot of lmzip)."""
    t_start = time.perf_counter()
    ctx = Context(plan, binary, corpus, tmpdir, repeat, size_jobs)
    ctx.baselines, ctx.notes = available_baselines(plan)
    if ctx.speed_argv() is None:
        ctx.notes.append(f"{ctx.speed_label} missing: no speed reference, ratio columns and "
                         "speed targets skipped")
    meta = {
        "date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M:%S %Z"),
        "machine": machine_info(), "load": load_average(), "command": command,
        "corpus": str(corpus), "repeat": repeat, "jobs": jobs, "quick": quick,
        "sections": sections,
    }
    versions = tool_versions(binary, ctx.baselines)
    versions["lmzip"] += f" — `{lmzip}`, sha256 {digest} (run from a copy)"
    print(f"lmzip benchmark — {meta['date']} — {meta['machine']}")
    for tool, ver in versions.items():
        print(f"  {tool}: {ver}")
    for note in ctx.notes:
        print(f"  note: {note}")
    phases: List[List] = []

    def phase(name: str, fn):
        start = time.perf_counter()
        print(f"== {name}", flush=True)
        value = fn()
        phases.append([name, time.perf_counter() - start])
        return value

    dictionary, dict_path = None, None
    d = plan.data["dictionary"]
    if use_dict and any(s in sections for s in ("files", "slices", "sweep")):
        trained = phase("zstd dictionary", lambda: train_dictionary(ctx, d["per_shard"]))
        if trained:
            path, dictionary = trained
            at = next((i + 1 for i, (lb, _) in enumerate(ctx.baselines) if lb == d["after"]),
                      len(ctx.baselines))
            ctx.baselines.insert(at, (d["label"], [str(path) if a == "{dictionary}" else a
                                                   for a in d["argv"]]))
            dict_path = str(path)

    results = phase("files", lambda: bench_all(files, ctx, jobs)) if files else []
    wasm: List[dict] = []
    wasm_chromium: List[dict] = []
    if "wasm" in sections:
        if results:
            paths = {name: path for name, path, _ in files}
            wasm = phase("webassembly", lambda: wasm_speed(paths, ctx))
            if plan.data["wasm"].get("chromium"):
                wasm_chromium = phase("webassembly in chromium",
                                      lambda: wasm_speed(paths, ctx, "chromium"))
            else:
                ctx.notes.append("WebAssembly speed in Chromium: not run (plan wasm.chromium "
                                 "off, or --no-chromium)")
        else:
            ctx.notes.append("WebAssembly speed skipped: needs the files section (native times)")
    slices = (phase(" / ".join(map(fmt_bytes, plan.data["slices"]["sizes"])) + " slices",
                    lambda: slice_bench(ctx)) if "slices" in sections else [])
    sweep = phase("size sweep", lambda: sweep_bench(ctx)) if "sweep" in sections else []
    lm: List[dict] = []
    if "lm" in sections:
        tool = lmzip.parent / plan.data["lm_eval"]["tool"]
        lm = phase("neural models alone", lambda: lm_alone(ctx, tool))
    else:
        ctx.notes.append(f"neural models alone ({plan.data['lm_eval']['tool']} on "
                         f"{plan.data['lm_eval']['data']}): not run")
    randoms = phase("random input", lambda: random_check(ctx)) if "random" in sections else []
    tarball = package_size(ctx.notes) if "wasm" in sections else None
    meta["elapsed_s"] = time.perf_counter() - t_start
    meta["load_end"] = load_average()
    return {
        "meta": meta, "versions": versions, **plan.to_json(),
        "baselines": [{"label": lb, "argv": [DICT_SHOWN if a == dict_path else a for a in argv]}
                      for lb, argv in ctx.baselines],
        "dictionary": dictionary, "models": model_files(plan), "files": results,
        "wasm": wasm, "wasm_chromium": wasm_chromium, "tarball": tarball, "slices": slices,
        "sweep": sweep, "lm_models": lm,
        "random": randoms, "phases": phases, "errors": ctx.errors, "notes": ctx.notes,
    }
