#!/usr/bin/env python3
"""lmzip determinism matrix: every platform must write the reference's bytes
for every input at every level, and decode the reference's streams.

    python3 tests/matrix/matrix.py [--reduced] [--jobs N] [--only KEY,...]

(`make test-matrix` / `make test-matrix-quick` build what it needs first.)

The reference is the native gcc x86-64 build, build/lmzip (SSE4.1 mixer; AVX2,
AVX-512 or AVX-512 VNNI model kernels where the CPU has them). The platforms
(columns of docs/DETERMINISM.md): native x86-64 builds with gcc and clang,
SIMD on and off (and the reference binary under qemu-x86_64 with CPU models
without AVX-512 and without AVX2, so that its run-time dispatch takes the AVX2
and the SSE4.1 kernels), static aarch64 (NEON) and s390x (big-endian)
builds of the Debian cross compilers run under qemu-user, and the npm
package's WebAssembly builds (SIMD128 and scalar) in Node, in headless
Chromium and Firefox (SpiderMonkey), and in Bun (JavaScriptCore).

For each platform P, input and level: P compresses the input and its bytes
must equal the reference's; P decompresses the reference's stream and must
get the input back. Where P's bytes differ, the reference decodes them too
(reported). Equal bytes and "P decodes the reference's stream" give "every
platform decodes every other's stream".

Before that, the reference is checked against tests/golden/golden.txt (the
inputs this script generates and the streams of the golden levels), so the
reference itself is pinned to the checked-in vectors.

Writes build-matrix/matrix.md (the table) and build-matrix/{inputs,ref,out}/;
build directories build-matrix-<platform>/. Exit status 0 when every cell is
ok, 1 on any mismatch or failure, 2 on a usage or setup error.
"""

import argparse
import concurrent.futures as cf
import hashlib
import json
import os
import platform as host_platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))
import inputs as matrix_inputs  # noqa: E402

OUT = ROOT / "build-matrix"
# Bun, for the JavaScriptCore columns: the npm package of tests/runtimes/.
BUN = str(ROOT / "tests" / "runtimes" / "node_modules" / ".bin" / "bun")
# Firefox, for the SpiderMonkey columns: Debian's firefox-esr, driven by the
# puppeteer-core of tests/bundlers/.
FIREFOX = os.environ.get("FIREFOX", "/usr/bin/firefox-esr")
PUPPETEER = ROOT / "tests" / "bundlers" / "node_modules" / "puppeteer-core"
LEVELS = []  # every level of the level table (main() reads it from the reference), then the framed runs
# Framed runs: "L:F" is level L in frames of F bytes, on 3 threads (the
# reference on 1: the bytes must not depend on it; natively the decoder
# also runs 3 threads on the reference's framed streams).
FRAMED = ["1:1024", "3:1024"]
MATRIX_THREADS = 3


def level_args(level, threads):
    if isinstance(level, str):
        lv, frame = level.split(":")
        return [f"-{lv}", f"--frame-size={frame}", f"-T{threads}"]
    return [f"-{level}"]


def wasm_options(level):
    """A WebAssembly job's level and frame size (the package has no threads)."""
    if isinstance(level, str):
        lv, frame = level.split(":")
        return {"level": int(lv), "frameSize": int(frame)}
    return {"level": level}

# key, title, how it is built and run. "build": None uses the reference
# binary; otherwise CMake options for build-matrix-<key>/.
NATIVE = [
    {
        "key": "x86-64-gcc-simd",
        "title": "x86-64, gcc, SSE4.1 + AVX2/AVX-512 dispatch (reference: build/lmzip)",
        "build": None,
        "runner": [],
    },
    {
        "key": "x86-64-gcc-avx2",
        "title": "x86-64, gcc, AVX2 (build/lmzip under qemu-x86_64 -cpu Haswell: no AVX-512)",
        "build": None,
        "runner": ["qemu-x86_64", "-cpu", "Haswell"],
        "tool": "qemu-x86_64",
    },
    {
        "key": "x86-64-gcc-sse4.1",
        "title": "x86-64, gcc, SSE4.1 only (build/lmzip under qemu-x86_64 -cpu Nehalem: no AVX2)",
        "build": None,
        "runner": ["qemu-x86_64", "-cpu", "Nehalem"],
        "tool": "qemu-x86_64",
    },
    {
        "key": "x86-64-gcc-scalar",
        "title": "x86-64, gcc, scalar kernels (-DLMZIP_SIMD=OFF)",
        "build": {"cxx": "g++", "cmake": ["-DLMZIP_SIMD=OFF"]},
        "runner": [],
    },
    {
        "key": "x86-64-clang-simd",
        "title": "x86-64, clang, SSE4.1 + AVX2/AVX-512 dispatch",
        "build": {"cxx": "clang++", "cmake": []},
        "runner": [],
    },
    {
        "key": "x86-64-clang-scalar-native",
        "title": "x86-64, clang, scalar kernels, -march=native (auto-vectorised at the host's widest SIMD)",
        "build": {"cxx": "clang++", "cmake": ["-DLMZIP_SIMD=OFF", "-DCMAKE_CXX_FLAGS=-march=native"]},
        "runner": [],
    },
    {
        "key": "aarch64-gcc",
        "title": "aarch64, gcc cross (static), NEON kernels, qemu-aarch64",
        "build": {"cxx": "aarch64-linux-gnu-g++", "cmake": [], "cross": "aarch64"},
        "runner": ["qemu-aarch64"],
        "tool": "qemu-aarch64",
    },
    {
        "key": "s390x-gcc",
        "title": "s390x (big-endian), gcc cross (static), scalar kernels, qemu-s390x",
        "build": {"cxx": "s390x-linux-gnu-g++", "cmake": [], "cross": "s390x"},
        "runner": ["qemu-s390x"],
        "tool": "qemu-s390x",
    },
]
WASM = [
    {"key": "wasm-simd-node", "title": "WebAssembly SIMD128, Node (npm package)", "runner": "wasm-node.mjs", "simd": True},
    {"key": "wasm-scalar-node", "title": "WebAssembly scalar, Node (npm package)", "runner": "wasm-node.mjs", "simd": False},
    {"key": "wasm-simd-chromium", "title": "WebAssembly SIMD128, headless Chromium (npm package)", "runner": "wasm-browser.mjs", "simd": True, "browser": "chromium"},
    {"key": "wasm-scalar-chromium", "title": "WebAssembly scalar, headless Chromium (npm package)", "runner": "wasm-browser.mjs", "simd": False, "browser": "chromium"},
    # SpiderMonkey: the browser runner in Debian's firefox-esr (tests/bundlers/, npm ci there).
    {"key": "wasm-simd-firefox", "title": "WebAssembly SIMD128, headless Firefox ESR / SpiderMonkey (npm package)", "runner": "wasm-browser.mjs", "simd": True, "browser": "firefox"},
    {"key": "wasm-scalar-firefox", "title": "WebAssembly scalar, headless Firefox ESR / SpiderMonkey (npm package)", "runner": "wasm-browser.mjs", "simd": False, "browser": "firefox"},
    # JavaScriptCore: the Node column's runner under Bun (tests/runtimes/, npm ci there).
    {"key": "wasm-simd-bun", "title": "WebAssembly SIMD128, Bun / JavaScriptCore (npm package)", "runner": "wasm-node.mjs", "simd": True, "engine": BUN},
    {"key": "wasm-scalar-bun", "title": "WebAssembly scalar, Bun / JavaScriptCore (npm package)", "runner": "wasm-node.mjs", "simd": False, "engine": BUN},
]
# Slowest first, so that the pool's two workers finish together.
ORDER = ["s390x-gcc", "aarch64-gcc", "x86-64-gcc-sse4.1", "x86-64-gcc-avx2", "wasm-scalar-chromium", "wasm-scalar-firefox",
         "wasm-scalar-node", "wasm-simd-chromium", "wasm-simd-firefox", "wasm-simd-node", "wasm-scalar-bun", "wasm-simd-bun", "x86-64-gcc-scalar", "x86-64-clang-scalar-native",
         "x86-64-clang-simd"]


def log(msg):
    print(msg, flush=True)


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def run(cmd, timeout=900, **kw):
    """Runs cmd, capturing its output; a hang raises TimeoutExpired (the
    platform is then reported as failed)."""
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout, **kw)


def stream_name(name, level):
    return f"{name}-{str(level).replace(':', 'f')}.lmz"


# ------------------------------------------------------------------ golden


def check_golden(ref):
    """The generator against '# input' lines, the reference against the rest."""
    problems = []
    expect_inputs, expect_streams = {}, {}
    for line in (ROOT / "tests" / "golden" / "golden.txt").read_text().splitlines():
        f = line.split()
        if line.startswith("# input") and len(f) == 5:
            expect_inputs[f[2]] = (int(f[3]), f[4])
        elif f and not line.startswith("#") and len(f) == 4:
            expect_streams[(f[0], int(f[1]))] = (int(f[2]), f[3])
    data = {}
    for name, (size, fnv) in expect_inputs.items():
        gen = matrix_inputs.GOLDEN.get(name)
        if gen is None:
            problems.append(f"golden input {name}: tests/matrix/inputs.py has no generator for it")
            continue
        data[name] = gen()
        got = (len(data[name]), f"{matrix_inputs.fnv1a64(data[name]):016x}")
        if got != (size, fnv):
            problems.append(f"golden input {name}: generated {got}, golden.txt says {(size, fnv)}")
    golden_dir = OUT / "golden-inputs"
    golden_dir.mkdir(parents=True, exist_ok=True)
    for (name, level), (size, fnv) in sorted(expect_streams.items()):
        if name not in data:
            continue
        # From a file, as the golden streams are one-shot compress() calls:
        # the size is known (a pipe's is not, and sizes the tables otherwise).
        src = golden_dir / name
        src.write_bytes(data[name])
        r = run([str(ref), "-c", f"-{level}", str(src)])
        got = (len(r.stdout), f"{matrix_inputs.fnv1a64(r.stdout):016x}")
        if r.returncode != 0 or got != (size, fnv):
            problems.append(f"reference {name} -{level}: {got} (exit {r.returncode}), golden.txt says {(size, fnv)}")
    return len(expect_streams), problems


# ------------------------------------------------------------------ builds


def build_native(p, jobs):
    """Configures and builds build-matrix-<key>/lmzip and the probe."""
    b = p["build"]
    bdir = ROOT / f"build-matrix-{p['key']}"
    if shutil.which(b["cxx"]) is None:
        raise RuntimeError(f"{b['cxx']} not found (make matrix-deps, or bash scripts/install-deps.sh matrix)")
    cmake = ["cmake", "-S", str(ROOT), "-B", str(bdir), "-DCMAKE_BUILD_TYPE=Release", "-DLMZIP_TESTS=OFF",
             f"-DCMAKE_CXX_COMPILER={b['cxx']}"] + b["cmake"]
    if b.get("cross"):
        cmake += ["-DCMAKE_SYSTEM_NAME=Linux", f"-DCMAKE_SYSTEM_PROCESSOR={b['cross']}",
                  "-DCMAKE_EXE_LINKER_FLAGS=-static"]
    for cmd in (cmake, ["cmake", "--build", str(bdir), "-j", str(jobs), "--target", "lmzip"]):
        r = run(cmd)
        if r.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed:\n{r.stdout.decode()[-3000:]}{r.stderr.decode()[-3000:]}")
    probe = bdir / "matrix-probe"
    cmd = [b["cxx"], "-std=c++20", "-O2", "-I", str(ROOT / "src"), str(HERE / "probe.cpp"),
           str(bdir / "liblmzip_core.a"), "-o", str(probe)]
    if b.get("cross"):
        cmd.append("-static")
    r = run(cmd)
    if r.returncode != 0:
        raise RuntimeError(f"probe build failed: {r.stderr.decode()[-3000:]}")
    return bdir / "lmzip", probe


def build_ref_probe(ref):
    probe = OUT / "ref-probe"
    lib = ref.parent / "liblmzip_core.a"
    r = run(["g++", "-std=c++20", "-O2", "-I", str(ROOT / "src"), str(HERE / "probe.cpp"), str(lib), "-o", str(probe)])
    if r.returncode != 0:
        raise RuntimeError(f"reference probe build failed ({lib}): {r.stderr.decode()[-3000:]}")
    return probe


# ------------------------------------------------------------------ platforms


class Result:
    def __init__(self, p):
        self.key, self.title = p["key"], p["title"]
        self.cells = {}  # (name, level) -> list of problems ([] = ok)
        self.info = ""
        self.seconds = 0.0
        self.error = None
        self.outputs = {}  # (name, level) -> Path of P's stream


def compare(res, cases, outdir, ref_streams):
    """Fills res.cells from P's streams (outdir/NAME-L.lmz) and its decodings
    of the reference's streams (outdir/NAME-L.dec)."""
    for name, data, levels in cases:
        for level in levels:
            problems = []
            s = outdir / stream_name(name, level)
            if s.with_name(s.name + ".err").exists():
                problems.append(f"compress failed: {s.with_name(s.name + '.err').read_text().strip()}")
            elif not s.exists():
                problems.append("compress wrote nothing")
            else:
                res.outputs[(name, level)] = s
                if s.read_bytes() != ref_streams[(name, level)]:
                    problems.append(f"bytes differ from the reference ({s.stat().st_size} vs "
                                    f"{len(ref_streams[(name, level)])} bytes)")
            d = outdir / (stream_name(name, level)[:-4] + ".dec")
            if d.with_name(d.name + ".err").exists():
                problems.append(f"decoding the reference's stream failed: {d.with_name(d.name + '.err').read_text().strip()}")
            elif not d.exists():
                problems.append("decoding the reference's stream wrote nothing")
            elif d.read_bytes() != data:
                problems.append("decoding the reference's stream gave other bytes")
            res.cells[(name, level)] = problems


def run_native(p, exe, cases, ref_dir, outdir):
    res = Result(p)
    outdir.mkdir(parents=True, exist_ok=True)
    start = time.monotonic()
    for name, _, levels in cases:
        src = OUT / "inputs" / name
        for level in levels:
            s = outdir / stream_name(name, level)
            r = run(p["runner"] + [str(exe), "-c", *level_args(level, MATRIX_THREADS), str(src)])
            if r.returncode == 0:
                s.write_bytes(r.stdout)
            else:
                s.with_name(s.name + ".err").write_text(f"exit {r.returncode}: {r.stderr.decode().strip()}")
            d = outdir / (stream_name(name, level)[:-4] + ".dec")
            threads = [f"-T{MATRIX_THREADS}"] if isinstance(level, str) else []
            r = run(p["runner"] + [str(exe), "-d", "-c", *threads, str(ref_dir / stream_name(name, level))])
            if r.returncode == 0:
                d.write_bytes(r.stdout)
            else:
                d.with_name(d.name + ".err").write_text(f"exit {r.returncode}: {r.stderr.decode().strip()}")
    res.seconds = time.monotonic() - start
    return res


def run_wasm(p, cases, ref_dir, outdir):
    res = Result(p)
    outdir.mkdir(parents=True, exist_ok=True)
    jobs = []
    for name, _, levels in cases:
        for level in levels:
            jobs.append({"op": "compress", **wasm_options(level), "input": str(OUT / "inputs" / name),
                         "output": str(outdir / stream_name(name, level))})
            jobs.append({"op": "decompress", "input": str(ref_dir / stream_name(name, level)),
                         "output": str(outdir / (stream_name(name, level)[:-4] + ".dec"))})
    jobs_file = outdir / "jobs.json"
    jobs_file.write_text(json.dumps({"jobs": jobs}))
    start = time.monotonic()
    browser = ["--browser", p["browser"]] if "browser" in p else []
    r = run([p.get("engine", "node"), str(HERE / p["runner"]), "--simd" if p["simd"] else "--scalar", *browser, str(jobs_file)],
            timeout=3600)
    res.seconds = time.monotonic() - start
    if r.returncode != 0:
        raise RuntimeError(f"{p['runner']} exited {r.returncode}: {r.stderr.decode()[-3000:]}")
    info = json.loads(r.stdout.decode().strip().splitlines()[-1])
    if bool(info.get("simd")) != p["simd"]:
        raise RuntimeError(f"{p['runner']} loaded the {'SIMD' if info.get('simd') else 'scalar'} build")
    res.info = f"kernels={info.get('kernels')}" + (f" {info['browser']}" if "browser" in info else "")
    return res


def platform_job(p, exe, probe, cases, ref_dir, ref_streams):
    outdir = OUT / "out" / p["key"]
    if outdir.exists():
        shutil.rmtree(outdir)
    try:
        if "runner" in p and isinstance(p["runner"], list):
            res = run_native(p, exe, cases, ref_dir, outdir)
            r = run(p["runner"] + [str(probe)])
            res.info = r.stdout.decode().strip() or f"probe failed: {r.stderr.decode().strip()}"
            if r.returncode != 0:
                res.error = f"probe: {res.info}"
        else:
            res = run_wasm(p, cases, ref_dir, outdir)
        compare(res, cases, outdir, ref_streams)
    except Exception as e:  # reported as a failed platform
        res = Result(p)
        res.error = str(e)
    return res


# ------------------------------------------------------------------ report


def cell_text(problems):
    return "ok" if not problems else "MISMATCH"


def report(results, cases, ref_streams, ref_info, golden, timings, reduced):
    lines = []
    add = lines.append
    add(f"# lmzip determinism matrix ({'reduced' if reduced else 'full'})")
    add("")
    add(f"Host: {host_platform.machine()}, {os.cpu_count()} cores; reference: build/lmzip ({ref_info}).")
    add(f"Golden check: the generated inputs and {golden[0]} reference streams against tests/golden/golden.txt: "
        + ("ok." if not golden[1] else "FAILED."))
    digest = hashlib.sha256(b"".join(ref_streams[k] for k in sorted(ref_streams))).hexdigest()
    add(f"Reference streams: {len(ref_streams)}; SHA-256 of all of them, concatenated in (input, level) order: `{digest[:16]}`.")
    add("")
    add("Inputs (bytes; levels):")
    add("")
    add("| input | bytes | levels | SHA-256 |")
    add("|---|---:|---|---|")
    for name, data, levels in cases:
        plain = [l for l in LEVELS if l not in FRAMED]
        lv = f"{plain[0]}–{plain[-1]}" if list(levels) == plain else ",".join(map(str, levels))
        add(f"| {name} | {len(data)} | {lv} | `{sha256(data)[:16]}` |")
    add("")
    add("Each cell: for every input at that level the platform wrote the reference's bytes (compared in full)")
    add("and decoded the reference's stream to the input. `ok` or `MISMATCH`; `—`: no input at that level.")
    add("")
    add("| platform | " + " | ".join(str(l) for l in LEVELS) + " | seconds | runs |")
    add("|---|" + "---|" * len(LEVELS) + "---:|---|")
    bad = []
    for res in results:
        if res.error:
            add(f"| {res.key} | " + " | ".join("FAIL" for _ in LEVELS) + f" | {res.seconds:.1f} | error |")
            bad.append(f"{res.key}: {res.error}")
            continue
        cells = []
        for level in LEVELS:
            probs = [(n, res.cells[(n, level)]) for n, _, lv in cases if level in lv]
            if not probs:
                cells.append("—")
                continue
            cells.append(cell_text([x for _, pr in probs for x in pr]))
            for n, pr in probs:
                for x in pr:
                    bad.append(f"{res.key} {n} -{level}: {x}")
        add(f"| {res.key} | " + " | ".join(cells) + f" | {res.seconds:.1f} | {res.info} |")
    add("")
    add("Platforms:")
    add("")
    for res in results:
        add(f"- `{res.key}`: {res.title}")
    add("")
    add("Times (seconds, wall): " + ", ".join(f"{k} {v:.1f}" for k, v in timings))
    add("")
    if golden[1]:
        bad = golden[1] + bad
    if bad:
        add("## Problems")
        add("")
        for b in bad:
            add(f"- {b}")
    else:
        add("All cells ok: every platform writes the same bytes and decodes the reference's streams.")
    return "\n".join(lines) + "\n", bad


# ------------------------------------------------------------------ main


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reduced", action="store_true", help="smaller inputs, no multi-block input (for CI)")
    ap.add_argument("--jobs", type=int, default=2, help="platforms run at once, and make -j for builds")
    ap.add_argument("--only", default="", help="comma-separated platform keys (default: all)")
    ap.add_argument("--ref", default=str(ROOT / "build" / "lmzip"), help="the reference CLI (default build/lmzip)")
    args = ap.parse_args()

    t0 = time.monotonic()
    timings = []
    ref = Path(args.ref).resolve()
    if not ref.exists():
        log(f"matrix: no reference {ref} (run make first)")
        return 2
    platforms = NATIVE + WASM
    if args.only:
        keys = args.only.split(",")
        unknown = [k for k in keys if k not in {p["key"] for p in platforms}]
        if unknown:
            log(f"matrix: unknown platform(s) {unknown}; known: {[p['key'] for p in platforms]}")
            return 2
        platforms = [p for p in platforms if p["key"] in keys]
    for p in platforms:
        if p.get("tool") and shutil.which(p["tool"]) is None:
            log(f"matrix: {p['tool']} not found (bash scripts/install-deps.sh matrix)")
            return 2
    if any(p in WASM for p in platforms):
        for f in ("lmzip-simd.wasm", "lmzip-scalar.wasm", "default.lmzm", "large.lmzm", "small.lmzm", "default-0.1.lmzm"):
            if not (ROOT / "npm" / "dist" / f).exists():
                log(f"matrix: npm/dist/{f} missing (make wasm)")
                return 2
        if any(p.get("browser") == "chromium" for p in platforms) and not (ROOT / "web" / "node_modules" / "playwright-core").exists():
            log("matrix: web/node_modules/playwright-core missing (cd web && npm ci)")
            return 2
        if any(p.get("browser") == "firefox" for p in platforms):
            if not Path(FIREFOX).exists():
                log(f"matrix: {FIREFOX} missing (bash scripts/install-deps.sh matrix, or set FIREFOX)")
                return 2
            if not PUPPETEER.exists():
                log("matrix: tests/bundlers/node_modules/puppeteer-core missing (cd tests/bundlers && npm ci)")
                return 2
        if any(p.get("engine") == BUN for p in platforms) and not Path(BUN).exists():
            log(f"matrix: {BUN} missing (cd tests/runtimes && npm ci)")
            return 2

    OUT.mkdir(exist_ok=True)
    table = matrix_inputs.level_table(ref)
    LEVELS[:] = [row["level"] for row in table] + FRAMED
    cases = matrix_inputs.inputs(table, reduced=args.reduced)
    (OUT / "inputs").mkdir(exist_ok=True)
    for name, data, _ in cases:
        (OUT / "inputs" / name).write_bytes(data)

    # The reference: golden check, its streams, and its own round trip.
    t = time.monotonic()
    golden = check_golden(ref)
    ref_dir = OUT / "ref"
    if ref_dir.exists():
        shutil.rmtree(ref_dir)
    ref_dir.mkdir()
    ref_streams = {}
    for name, data, levels in cases:
        for level in levels:
            r = run([str(ref), "-c", *level_args(level, 1), str(OUT / "inputs" / name)])
            if r.returncode != 0:
                log(f"matrix: the reference failed on {name} -{level}: {r.stderr.decode()}")
                return 1
            ref_streams[(name, level)] = r.stdout
            (ref_dir / stream_name(name, level)).write_bytes(r.stdout)
            back = run([str(ref), "-d", "-c", str(ref_dir / stream_name(name, level))])
            if back.returncode != 0 or back.stdout != data:
                log(f"matrix: the reference does not round-trip {name} -{level}")
                return 1
    ref_probe = build_ref_probe(ref)
    ref_info = run([str(ref_probe)]).stdout.decode().strip()
    timings.append(("reference", time.monotonic() - t))
    log(f"matrix: reference ok ({len(ref_streams)} streams; {ref_info}); golden: "
        + ("ok" if not golden[1] else "; ".join(golden[1])))

    # Builds, one after another (each uses --jobs cores).
    exes = {}
    for p in platforms:
        if p in NATIVE:
            if p["build"] is None:
                exes[p["key"]] = (ref, ref_probe)
                continue
            t = time.monotonic()
            log(f"matrix: building {p['key']} ...")
            try:
                exes[p["key"]] = build_native(p, args.jobs)
            except Exception as e:
                log(f"matrix: build of {p['key']} failed: {e}")
                exes[p["key"]] = None
            timings.append((f"build {p['key']}", time.monotonic() - t))

    # The platforms, --jobs at a time.
    order = sorted(platforms, key=lambda p: ORDER.index(p["key"]) if p["key"] in ORDER else len(ORDER))
    results = {}
    t = time.monotonic()
    with cf.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = {}
        for p in order:
            if p in NATIVE and exes.get(p["key"]) is None:
                res = Result(p)
                res.error = "build failed"
                results[p["key"]] = res
                continue
            exe, probe = exes.get(p["key"], (None, None))
            futures[pool.submit(platform_job, p, exe, probe, cases, ref_dir, ref_streams)] = p
        for f in cf.as_completed(futures):
            res = f.result()
            results[res.key] = res
            n_bad = sum(1 for v in res.cells.values() if v)
            log(f"matrix: {res.key}: {res.seconds:.1f} s, "
                + (f"ERROR {res.error}" if res.error else ("ok" if not n_bad else f"{n_bad} MISMATCH")))
    timings.append(("platforms", time.monotonic() - t))

    # Where a platform's bytes differ, can the reference decode them?
    for res in results.values():
        for (name, level), s in res.outputs.items():
            if s.read_bytes() != ref_streams[(name, level)]:
                data = (OUT / "inputs" / name).read_bytes()
                r = run([str(ref), "-d", "-c", str(s)])
                ok = r.returncode == 0 and r.stdout == data
                res.cells[(name, level)].append(
                    "the reference decodes its stream" if ok else "the reference cannot decode its stream")

    timings.append(("total", time.monotonic() - t0))
    ordered = [results[p["key"]] for p in platforms if p["key"] in results]
    text, bad = report(ordered, cases, ref_streams, ref_info, golden, timings, args.reduced)
    name = "matrix-reduced.md" if args.reduced else "matrix.md"
    (OUT / name).write_text(text)
    print()
    print(text)
    log(f"matrix: written to {OUT / name}")
    if bad:
        log(f"matrix: FAILED ({len(bad)} problems)")
        return 1
    log("matrix: all ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
