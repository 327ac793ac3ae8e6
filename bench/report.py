"""Writing the report: measurements (results.json) and checked targets -> RESULTS.md + SVG.

write() is the only entry point. Every figure in the report is read or computed from the
measurements and the plan saved with them (measure.run, plan.Plan.to_json); level headings
come from the level table, never from level numbers written here. The SVG is drawn by
svgplot.py. Python 3 standard library only.
"""

import os
import shlex
from pathlib import Path
from typing import Dict, List, Optional

import svgplot
from measure import DICT_SHOWN, bpb, fmt_num, mb_per_s, wasm_build
from plan import Plan, label

fmt_size = svgplot.fmt_bytes

# Plot styles (colour, dashed, width, marker, opacity, z): lmzip solid and on top, the
# default level topmost; lmzip levels by role, the others by label.
ROLE_STYLES = {
    "fastest": ("#ff7f0e", False, 2.2, "square", 1.0, 2),
    "default": ("#d62728", False, 2.6, "circle", 1.0, 4),
    "max": ("#7b2d8e", False, 2.2, "diamond", 1.0, 3),
}
LABEL_STYLES = {
    "gzip -9": ("#7f7f7f", True, 1.8, "circle", 1.0, 1),
    "bzip2 -9": ("#8c564b", True, 1.8, "square", 1.0, 1),
    "xz -9e": ("#1f77b4", True, 1.8, "triangle", 1.0, 1),
    "zstd -19": ("#2ca02c", True, 1.8, "diamond", 1.0, 1),
    "zstd -19 +dict": ("#17becf", True, 2.2, "circle", 1.0, 1),
    "brotli -q11": ("#b8a000", True, 1.8, "triangle", 1.0, 1),
}
OTHER_STYLE = ("#444444", True, 1.5, "circle", 1.0, 1)


class View:
    """The measurements with what the tables need derived once."""

    def __init__(self, results: dict):
        self.r = results
        self.plan = Plan.from_json(results)
        self.files: List[dict] = results["files"]
        self.by_name = {f["name"]: f for f in self.files}
        self.baseline_labels = [b["label"] for b in results["baselines"]]
        self.labels = [label(lv) for lv in self.plan.levels] + self.baseline_labels
        self.ref = self.plan.data["speed_reference"]["label"]
        self.group = self.plan.data["every_level_group"]["title"]
        self.group_names = self.plan.every_level_files()
        self.group_files = [f for f in self.files if f["name"] in self.group_names]
        self.speed_levels = self.plan.speed_levels({w["level"] for w in results["wasm"]})
        self.lm = results.get("lm_models", [])  # absent from results saved before it

    def ref_ctime(self, f: dict) -> Optional[float]:
        m = f["codecs"].get(self.ref)
        return m["ctime"] if m else None


def levels_list(levels: List[int]) -> str:
    return ", ".join(f"-{lv}" for lv in levels)


# ---------------------------------------------------------------- table helpers

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


def timed_cell(nbytes: int, t: Optional[float], ref_c: Optional[float]) -> str:
    """MB/s, then (× the speed reference's compress time) when there is one."""
    if t is None:
        return "—"
    if not ref_c:
        return fmt_num(mb_per_s(nbytes, t), 3)
    return f"{mb_per_s(nbytes, t):.3f} ({t / ref_c:.2f}×)"


# ---------------------------------------------------------------- tables

def total_row(title: str, files: List[dict], labels: List[str]) -> List[str]:
    total = sum(f["size"] for f in files)
    sizes = {lb: (sum(f["codecs"][lb]["size"] for f in files)
                  if all(lb in f["codecs"] for f in files) else None) for lb in labels}
    return [f"**{title}**", f"{total:,}"] + bpb_cells(sizes, total, labels)


def bits_table(v: View, files: List[dict], total_title: str, subset_total: bool) -> str:
    rows = []
    for f in files:
        sizes = {lb: f["codecs"][lb]["size"] if lb in f["codecs"] else None for lb in v.labels}
        rows.append([f["name"], f"{f['size']:,}"] + bpb_cells(sizes, f["size"], v.labels))
    subset = [f for f in files if f["name"] in v.group_names]
    if subset_total and subset and len(subset) < len(files):
        rows.append(total_row(f"total ({len(subset)} {v.group})", subset, v.labels))
    rows.append(total_row(f"{total_title}, {len(files)} files", files, v.labels))
    return md_table(["file", "size"] + v.labels, rows, ["l", "r"] + ["r"] * len(v.labels))


def speed_table(v: View, labels: List[str]) -> str:
    """Per file and codec: compress and decompress cells."""
    def cells(size: int, codecs: Dict[str, dict], ref_c: Optional[float]) -> List[str]:
        return [timed_cell(size, codecs[lb].get(t) if lb in codecs else None, ref_c)
                for lb in labels for t in ("ctime", "dtime")]

    rows = [[f["name"], f"{f['size']:,}"] + cells(f["size"], f["codecs"], v.ref_ctime(f))
            for f in v.files]
    texts = [f for f in v.files if f["kind"] == "text"]
    if texts:
        sums = {lb: {t: sum(f["codecs"][lb][t] for f in texts) for t in ("ctime", "dtime")}
                for lb in labels
                if all(f["codecs"].get(lb, {}).get("ctime") is not None for f in texts)}
        total = sum(f["size"] for f in texts)
        rows.append(["**total (text)**", f"{total:,}"]
                    + cells(total, sums, sums[v.ref]["ctime"] if v.ref in sums else None))
    headers = ["file", "size"] + [f"{lb} {op}" for lb in labels
                                  for op in ("compress", "decompress")]
    return md_table(headers, rows, ["l", "r"] + ["r"] * (2 * len(labels)))


def level_summary(v: View) -> Optional[str]:
    """Every codec over the files where every level ran: bits/byte, speed, memory."""
    subset = v.group_files
    if not subset:
        return None
    total = sum(f["size"] for f in subset)
    ref_c = (sum(f["codecs"][v.ref]["ctime"] for f in subset)
             if all(v.ref in f["codecs"] for f in subset) else None)
    rows, values = [], []
    for lb in v.labels:
        if not all(lb in f["codecs"] for f in subset):
            continue
        ms = [f["codecs"][lb] for f in subset]

        def summed(key: str) -> Optional[float]:
            return sum(m[key] for m in ms) if all(m.get(key) for m in ms) else None

        def peak(key: str) -> Optional[float]:
            return max(m[key] for m in ms) / 1024 if all(m.get(key) for m in ms) else None

        ct, dt = summed("ctime"), summed("dtime")
        values.append(bpb(sum(m["size"] for m in ms), total))
        rows.append([lb, fmt_num(mb_per_s(total, ct), 3), fmt_num(mb_per_s(total, dt), 3),
                     fmt_num(ct / ref_c if ct and ref_c else None, 2),
                     fmt_num(dt / ref_c if dt and ref_c else None, 2),
                     fmt_num(peak("cmem"), 0), fmt_num(peak("dmem"), 0)])
    for row, cell in zip(rows, bold_best(values)):
        row.insert(1, cell)
    return md_table(["codec", "bits/byte", "compress MB/s", "decompress MB/s",
                     f"compress time × {v.ref}", f"decompress time × {v.ref}",
                     "peak RSS compress (MiB)", "peak RSS decompress (MiB)"],
                    rows, ["l"] + ["r"] * 7)


def speed_summary(v: View) -> Optional[str]:
    """Native and WebAssembly speeds against the speed reference's compress time."""
    simd_files = {w["file"] for w in v.r["wasm"] if wasm_build(w) == "simd128"}
    files = [f for f in v.files if f["name"] in simd_files and v.ref in f["codecs"]] or [
        f for f in v.files if f["name"] in {run["file"] for run in v.plan.data["wasm"]["simd"]}
        and v.ref in f["codecs"]]
    if not files:
        return None
    wasm_by = {(w["file"], w["level"]): w for w in v.r["wasm"] if wasm_build(w) == "simd128"}
    rowdefs = [(v.ref, "native", None)] + [(label(lv), build, lv) for lv in v.speed_levels
                                           for build in ("native", "WASM SIMD")]
    rows = []
    for lab, build, lv in rowdefs:
        cells = []
        for f in files:
            m = f["codecs"].get(lab) if build == "native" else wasm_by.get((f["name"], lv))
            cells += [timed_cell(f["size"], m.get(t) if m else None, v.ref_ctime(f))
                      for t in ("ctime", "dtime")]
        if any(c != "—" for c in cells):
            rows.append([lab, build] + cells)
    headers = ["codec", "build"] + [f"{f['name']} {op}" for f in files
                                    for op in ("compress", "decompress")]
    return md_table(headers, rows, ["l", "l"] + ["r"] * (2 * len(files)))


def wasm_table(v: View) -> str:
    rows = []
    for w in v.r["wasm"]:
        f = v.by_name[w["file"]]
        m = f["codecs"].get(label(w["level"]))
        ref_c = v.ref_ctime(f)
        same = "yes" if m and m["size"] == w["compressed"] else "NO"
        cn, dn = (mb_per_s(w["size"], m["ctime"]), mb_per_s(w["size"], m["dtime"])) if m else (
            None, None)
        cw, dw = mb_per_s(w["size"], w["ctime"]), mb_per_s(w["size"], w["dtime"])
        rows.append([w["file"], f"-{w['level']}", w["kernels"], same,
                     fmt_num(cn, 3), fmt_num(cw, 3), fmt_num(cw / cn if cn else None, 2),
                     fmt_num(w["ctime"] / ref_c if ref_c else None, 2),
                     fmt_num(dn, 3), fmt_num(dw, 3), fmt_num(dw / dn if dn else None, 2),
                     fmt_num(w["dtime"] / ref_c if ref_c else None, 2)])
    return md_table(["file", "level", "wasm kernels", "same size as native", "native c MB/s",
                     "wasm c MB/s", "wasm/native", f"wasm c time × {v.ref}", "native d MB/s",
                     "wasm d MB/s", "wasm/native", f"wasm d time × {v.ref}"],
                    rows, ["l", "l", "l", "l"] + ["r"] * 8)


def chromium_table(v: View) -> str:
    """Per Chromium run: its speeds next to Node's (same file, level, kernels) and native."""
    node_by = {(w["file"], w["level"], wasm_build(w)): w for w in v.r["wasm"]}
    rows = []
    for w in v.r["wasm_chromium"]:
        f = v.by_name[w["file"]]
        m = f["codecs"].get(label(w["level"]))
        n = node_by.get((w["file"], w["level"], wasm_build(w)))
        same = "yes" if m and m["size"] == w["compressed"] else "NO"
        cells = []
        for t in ("ctime", "dtime"):
            native = mb_per_s(w["size"], m[t]) if m else None
            node = mb_per_s(w["size"], n[t]) if n else None
            chrome = mb_per_s(w["size"], w[t])
            cells += [fmt_num(native, 3), fmt_num(node, 3), fmt_num(chrome, 3),
                      fmt_num(chrome / native if native else None, 2),
                      fmt_num(chrome / node if node else None, 2)]
        rows.append([w["file"], f"-{w['level']}", w["kernels"], same] + cells)
    return md_table(["file", "level", "wasm kernels", "same size as native",
                     "native c MB/s", "Node c MB/s", "Chromium c MB/s", "Chromium/native",
                     "Chromium/Node", "native d MB/s", "Node d MB/s", "Chromium d MB/s",
                     "Chromium/native", "Chromium/Node"],
                    rows, ["l", "l", "l", "l"] + ["r"] * 10)


def yield_text(v: View) -> str:
    """The engines' price of the package's setTimeout(0) yields, when measured."""
    def ms(rows: List[dict]) -> Optional[float]:
        got = [w["yield_s"] for w in rows if w.get("yield_s") is not None]
        return 1000 * min(got) if got else None
    chrome, node = ms(v.r["wasm_chromium"]), ms(v.r["wasm"])
    if chrome is None:
        return ""
    return (" `compress()` and `decompress()` yield to the event loop with `setTimeout(0)` as "
            "they go (npm/lib/lmzip.mjs, `YIELD_EVERY` bytes of input); one such yield, chained "
            f"as they chain them, took {chrome:.1f} ms in Chromium (it clamps nested timeouts "
            "to 4 ms)" + (f" and {node:.1f} ms in Node" if node is not None else "")
            + ": that waiting is in the times, and weighs most at the fast levels.")


def mean_table(rows_in: List[dict], labels: List[str], first: str) -> str:
    labels = [lb for lb in labels if any(lb in sl["mean_bpb"] for sl in rows_in)]
    rows = [[fmt_size(sl["size"]) + (f" ({sl['size']:,} B)" if sl["size"] >= 1024 else ""),
             str(sl["count"])] + bold_best([sl["mean_bpb"].get(lb) for lb in labels])
            for sl in rows_in]
    return md_table([first, "slices"] + labels, rows, ["l", "r"] + ["r"] * len(labels))


def headline_table(v: View) -> Optional[str]:
    """A few rows: the headline levels against the baselines (for README.md)."""
    roles = v.plan.data["levels"]["headline"]
    default = label(v.plan.role("default"))
    labels = [label(v.plan.role(role)) for role in roles] + v.baseline_labels
    heads = [f"{label(v.plan.role(role))} ({role})" for role in roles] + v.baseline_labels + [
        "default vs best other"]
    rows = []

    def add(title: str, size: str, values: Dict[str, Optional[float]]):
        cells = bold_best([values.get(lb) for lb in labels])
        others = [(values[lb], lb) for lb in v.baseline_labels if values.get(lb) is not None]
        ours = values.get(default)
        if ours is not None and others:
            best, who = min(others)
            cells.append(f"{(ours / best - 1) * 100:+.0f} % vs {who}")
        else:
            cells.append("—")
        rows.append([title, size] + cells)

    for name in v.plan.data["headline_files"]:
        f = v.by_name.get(name)
        if f is not None and default in f["codecs"]:
            add(name, f"{f['size']:,}", {lb: bpb(f["codecs"][lb]["size"], f["size"])
                                         for lb in labels if lb in f["codecs"]})
    for sl in v.r["slices"]:
        add(f"{fmt_size(sl['size'])} slices (mean of {sl['count']})", f"{sl['size']:,}",
            dict(sl["mean_bpb"]))
    texts = [f for f in v.files if f["kind"] == "text"]
    if texts and all(default in f["codecs"] for f in texts):
        total = sum(f["size"] for f in texts)
        add(f"all {len(texts)} text files", f"{total:,}",
            {lb: bpb(sum(f["codecs"][lb]["size"] for f in texts), total) for lb in labels
             if all(lb in f["codecs"] for f in texts)})
    if not rows:
        return None
    return md_table(["input", "bytes"] + heads, rows, ["l", "r"] + ["r"] * len(heads))


def random_table(v: View) -> str:
    rows = []
    for rr in v.r["random"]:
        ref = "—" if rr["ref_size"] is None else f"{rr['ref_size'] - rr['size']:+d}"
        if rr["error"]:
            rows.append([f"{rr['size']:,}", "—", "FAILED", ref, rr["error"]])
        else:
            rows.append([f"{rr['size']:,}", f"{rr['lmzip_size']:,}",
                         f"{rr['lmzip_size'] - rr['size']:+d}", ref, "ok"])
    lab = label(v.r["random"][0]["level"])
    return md_table(["random input bytes", f"{lab} bytes", f"{lab} growth",
                     f"{v.ref} growth", "round trip"], rows, ["r", "r", "r", "r", "l"])


def front_speed(v: View, rec: dict) -> Optional[float]:
    """WebAssembly SIMD compress KB/s of the first level using a model, on the plan's
    front file: the model's cost in the setting that ships it (None: not measured)."""
    if not rec["levels"]:
        return None
    name = v.plan.data["front"]["wasm_file"]
    w = next((w for w in v.r["wasm"] if w["file"] == name and wasm_build(w) == "simd128"
              and w["level"] == rec["levels"][0]), None)
    return w["size"] / 1000 / w["ctime"] if w and w["ctime"] else None


def lm_table(v: View) -> str:
    """One row per model file: what it is, its compute, and its bits/byte alone."""
    recs = v.lm
    front = v.plan.data["front"]["wasm_file"]
    speeds = [front_speed(v, rec) for rec in recs]
    rows = []
    for rec, bits, speed in zip(recs, bold_best([rec["bits_per_byte"] for rec in recs], 4),
                                speeds):
        rows.append([rec["slot"], f"`{rec['path']}`", f"{rec['file_bytes']:,}",
                     rec["model_id"] or "—", rec["description"] or "—",
                     levels_list(rec["levels"]) or "(none)",
                     "—" if rec["multiply_adds_per_byte"] is None
                     else f"{rec['multiply_adds_per_byte']:,}",
                     bits, fmt_num(rec["kb_per_s"], 1)]
                    + ([fmt_num(speed, 1)] if any(speeds) else []))
    headers = ["model", "file", "bytes", "id", "architecture", "levels", "multiply-adds/byte",
               "bits/byte alone", "native KB/s alone"]
    if any(speeds):
        headers.append(f"WASM SIMD KB/s, first level, {front} compress")
    return md_table(headers, rows, ["l", "l", "r", "l", "l", "l", "r", "r", "r"]
                    + (["r"] if any(speeds) else []))


def level_table(v: View) -> str:
    rows = [[f"-{row['level']}", row["model"], row["profile"],
             f"{row['memory_bytes'] / (1 << 20):.0f}", "yes" if row["default"] else ""]
            for row in v.plan.table]
    return md_table(["level", "model", "profile", "memory (MiB)", "default"], rows,
                    ["l", "l", "l", "r", "l"])


# ---------------------------------------------------------------- prose

def dict_crossover(v: View) -> str:
    """A sentence on where the dictionary stops helping zstd in the size sweep."""
    d = v.plan.data["dictionary"]
    pairs = [(sl["size"], sl["mean_bpb"][d["label"]], sl["mean_bpb"][d["after"]])
             for sl in v.r["sweep"] if d["label"] in sl["mean_bpb"] and d["after"] in sl["mean_bpb"]]
    worse = [size for size, with_dict, without in pairs if with_dict >= without]
    if not pairs or not worse:
        return ""
    first = min(worse)
    if any(with_dict < without for size, with_dict, without in pairs if size > first):
        return ""
    return (f" In the size sweep the dictionary helps zstd below {fmt_size(first)} and makes it "
            f"worse from {fmt_size(first)} up (at {fmt_size(pairs[-1][0])}: {pairs[-1][1]:.3f} "
            f"bits/byte with it, {pairs[-1][2]:.3f} without).")


def cost_of_every_level(v: View, some: List[int]) -> str:
    """Why `some` levels ran on the group only: their measured speed there, and the time
    every file of this run would have added (one compress and one decompress each)."""
    rates, extra = [], 0.0
    for lv in some:
        ms = [(f["size"], f["codecs"][label(lv)]) for f in v.group_files
              if label(lv) in f["codecs"]]
        if not ms:
            continue
        nbytes = sum(n for n, _ in ms)
        rates.append(mb_per_s(nbytes, sum(m["ctime"] for _, m in ms)))
        rest = sum(f["size"] for f in v.files if label(lv) not in f["codecs"])
        extra += rest * sum(m["ctime"] + m["dtime"] for _, m in ms) / nbytes
    if not rates:
        return ""
    lo, hi = f"{min(rates):.3f}", f"{max(rates):.3f}"
    return (f": they compressed at {lo if lo == hi else f'{lo}-{hi}'} MB/s here, so running "
            f"them on all {sum(f['size'] for f in v.files):,} bytes would have added about "
            f"{fmt_duration(extra)}")


def fmt_duration(seconds: float) -> str:
    if seconds >= 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 60:.0f} min" if seconds >= 60 else f"{seconds:.0f} s"


def method_text(v: View) -> List[str]:
    plan, r = v.plan, v.r
    every = levels_list([lv for lv in plan.every_file if lv in plan.levels])
    some = [lv for lv in plan.levels if lv not in plan.every_file]
    lines = ["## How this was measured", "",
             f"- **Which lmzip levels ran where.** Levels {every or '(none)'} ran on every file "
             f"below ({len(v.files)} files)."]
    if some:
        parts = []
        if r["slices"]:
            parts.append("The small-input slices ran at every level")
        if r["sweep"]:
            parts.append("the size sweep at levels "
                         + levels_list(plan.run_levels(plan.data["sweep"]["levels"])))
        lines.append(f"  Levels {levels_list(some)} ran only on the {v.group} "
                     f"({len(v.group_files)} files here, "
                     f"{sum(f['size'] for f in v.group_files):,} bytes)"
                     + cost_of_every_level(v, some) + "."
                     + (" " + "; ".join(parts) + "." if parts else ""))
        for name, roles in plan.data["levels"]["by_file"].items():
            extra = [lv for lv in plan.run_levels(roles) if lv not in plan.every_file]
            if extra and name in v.by_name:
                lines.append(f"  Level{'s' if len(extra) > 1 else ''} {levels_list(extra)} "
                             f"also ran on {name}.")
    lines += [
        "- **Bits/byte** = 8 × compressed bytes / original bytes, each tool's own container "
        "(headers and checksums included: gzip CRC-32, bzip2 CRCs, xz CRC-64, zstd XXH64 "
        "checksum (+ dictionary id with -D), brotli none, lmzip CRC-32). Best value per row in bold.",
        "- **Commands** (FILE on disk, output to stdout, redirected to a temporary file):",
        "  - lmzip: `lmzip -c -N FILE`, decompressed with `lmzip -d -c FILE.lmz` and compared "
        "byte for byte (every file, every level; slices under "
        f"{fmt_size(plan.data['verify_below'])} too)"]
    ref_d = plan.data["speed_reference"]["decompress_argv"]
    for b in r["baselines"]:
        lines.append(f"  - {b['label']}: `{shlex.join(b['argv'])} FILE`"
                     + (f"; decompressed with `{shlex.join(ref_d)}` for its speed"
                        if b["label"] == v.ref else ""))
    d = r["dictionary"]
    if d:
        lines.append(
            f"- **zstd dictionary**: `zstd --train -q -r SAMPLES/ -o {DICT_SHOWN} "
            f"--maxdict={plan.data['dictionary']['max_bytes']}` on {d['samples']:,} samples of "
            f"{d['sample_bytes']:,} bytes cut from the first {d['per_shard']:,} bytes of each of "
            f"the {d['shards']} training shards (`{plan.data['dictionary']['shards']}`, the text "
            "the neural model was trained on; no benchmark file, slice or author is in it): "
            f"{d['size']:,} bytes, sha256 {d['sha']}. The dictionary is not counted in the "
            "compressed sizes (nor is brotli's built-in dictionary, nor lmzip's model)."
            + dict_crossover(v))
    meta = r["meta"]
    once = [lv for lv in plan.levels if plan.timed_once(lv)]
    best = [lv for lv in plan.levels if not plan.timed_once(lv)]
    wasm_repeat = plan.data["wasm"]["repeat"]
    lines += [
        f"- **Timing**: wall clock per process (spawn + read the input file + write a temporary "
        f"file), best of {meta['repeat']} at levels {levels_list(best) or '(none)'} and for "
        f"{v.ref}"
        + (f", one run at levels {levels_list(once)} (slow enough for one run to be far above "
           "the noise)" if once else "") + "; "
        + ("one process at a time. " if meta["jobs"] == 1 else
           f"{meta['jobs']} files at a time — PARALLEL, timings disturbed. ") +
        f"\"× {v.ref}\" = this time ÷ {v.ref}'s *compress* time on the same file, measured in "
        f"the same run (below 1× is faster than {v.ref} compresses). MB/s = original bytes / "
        "10^6 / s. Peak RSS from wait4(). WebAssembly: the npm package in Node, in-process "
        "`compress()`/`decompress()` on a buffer after `init()`, "
        + ("one run" if wasm_repeat == 1 else f"best of {wasm_repeat}")
        + f" (`node bench/wasm_speed.mjs --levels L --repeat {wasm_repeat} FILE`)"
        + ("; in headless Chromium the same with `--browser chromium`"
           if r.get("wasm_chromium") else "") + ".",
        "- **Slices**: evenly spaced pieces of a file, each compressed alone as its own file; "
        f"the mean of the per-slice bits/byte. The "
        + " / ".join(map(fmt_size, plan.data["slices"]["sizes"])) + " slices come from "
        + " and ".join(plan.data["slices"]["sources"])
        + f"; the size sweep from {plan.data['sweep']['source']}.",
        "- **Levels** (`lmzip --levels`: the memory each level's model allocates):", "",
        level_table(v), ""]
    return lines


def targets_text(checks: List[dict]) -> str:
    return "\n".join(f"- **{c['status']}** {c['title']}: {c['detail']} (issue {c['issue']})"
                     for c in checks)


# ---------------------------------------------------------------- the SVGs

def sweep_svg(v: View) -> str:
    sweep, plan = v.r["sweep"], v.plan
    roles = {label(plan.role(role)): role for role in ROLE_STYLES}
    default = label(plan.role("default"))
    series = []
    for lb in [lb for lb in v.labels if any(lb in sl["mean_bpb"] for sl in sweep)]:
        pts = [(sl["size"], sl["mean_bpb"][lb]) for sl in sweep if lb in sl["mean_bpb"]]
        style = ROLE_STYLES[roles[lb]] if lb in roles else LABEL_STYLES.get(lb, OTHER_STYLE)
        name = f"{lb} (default)" if lb == default else lb
        series.append(svgplot.Series(name, pts, *style))
    top = max((val for sl in sweep for val in sl["mean_bpb"].values()), default=8.0)
    d = v.r["dictionary"]
    notes = ["solid: lmzip; dashed: others"] + (
        [f"zstd dictionary: {fmt_size(d['size'])},", "trained on the training corpus",
         "(dictionary and models not", "counted in the sizes)"] if d else
        ["(models not counted", "in the sizes)"])
    sw = plan.data["sweep"]
    return svgplot.line_chart(
        series, title="lmzip vs general-purpose compressors: bits/byte by input size",
        subtitle=f"slices of {sw['source']} ({sw['plot_about']}), each compressed alone; mean "
                 f"over {sweep[0]['count']} slices at {fmt_size(sweep[0]['size'])} down to "
                 f"{sweep[-1]['count']} at {fmt_size(sweep[-1]['size'])}",
        xlabel="input size (bytes, log scale)", ylabel="bits per byte (lower is better)",
        xticks=[sl["size"] for sl in sweep], y_max=float(int(top) + 1),
        ref_line=(8.0, "8 bits/byte = stored"), notes=notes)


FRONT_COLORS = ["#d62728", "#1f77b4", "#2ca02c", "#7b2d8e", "#ff7f0e", "#8c564b", "#17becf"]


def front_svg(v: View) -> str:
    """Each model alone: bits/byte against its multiply-adds per byte and against the
    WebAssembly speed of the first level using it. Points come from the measured models,
    so another architecture or slot is one more point."""
    recs, front = v.lm, v.plan.data["front"]["wasm_file"]

    def point(rec: dict, x: Optional[float], i: int) -> Optional[svgplot.Point]:
        if not x:
            return None
        name = rec["description"] or rec["model_id"] or rec["path"]
        return svgplot.Point(x, rec["bits_per_byte"], f"{name} ({rec['slot']})",
                             FRONT_COLORS[i % len(FRONT_COLORS)])

    compute = [point(rec, rec["multiply_adds_per_byte"], i) for i, rec in enumerate(recs)]
    speed = [point(rec, front_speed(v, rec), i) for i, rec in enumerate(recs)]
    panels = [svgplot.Panel("multiply-adds per byte (log scale; fewer is cheaper)",
                            [p for p in compute if p], fmt_x=svgplot.fmt_count),
              svgplot.Panel(f"WASM SIMD KB/s of its first level, {front} compress (log; "
                            "more is faster)", [p for p in speed if p],
                            empty_note="WebAssembly not measured in this run",
                            fmt_x=lambda x: f"{x:g}", higher_x_better=True)]
    firsts = ", ".join(f"{rec['slot']} -{rec['levels'][0]}" for rec in recs if rec["levels"])
    return svgplot.scatter_panels(
        panels, title="lmzip's neural models: bits/byte against compute and speed",
        subtitle=f"each model alone (no context mixing) on {v.plan.data['lm_eval']['data']} "
                 "of the corpus, held out from training",
        ylabel="bits per byte, model alone (lower is better)",
        notes=["dashed: the models no other beats on both axes (fewer multiply-adds, more KB/s, "
               "fewer bits/byte)"]
              + ([f"first levels: {firsts}; the speed is the whole level (context mixing "
                  "included)"] if firsts else []))


# ---------------------------------------------------------------- the report

def render(v: View, checks: List[dict], svg_link: Optional[str],
           front_link: Optional[str] = None) -> str:
    r, plan, meta = v.r, v.plan, v.r["meta"]
    notes = list(r["notes"])
    models = "; ".join(f"`{m['path']}` {m['bytes']:,} bytes, sha256 {m['sha']}"
                       for m in r["models"]) or "(no model files)"
    parts = ["# lmzip benchmark results", "",
             f"- Date: {meta['date']}",
             f"- Machine: {meta['machine']}; load average at start {meta['load']}",
             f"- Command: `{meta['command']}`" + (" (QUICK MODE: smoke test, not the full "
                                                   "benchmark)" if meta["quick"] else ""),
             f"- Run time: {meta['elapsed_s'] / 60:.1f} min; load average at the end "
             f"{meta['load_end']} (other work on the machine slows every tool; compare times "
             "within this run only)",
             f"- Corpus: `{meta['corpus']}`",
             f"- Model: {models}",
             "- Tool versions:"]
    parts += [f"  - {tool}: {ver}" for tool, ver in r["versions"].items()]
    parts.append("")
    if r["errors"]:
        parts += ["## HARD FAILURES", ""] + [f"- {e}" for e in r["errors"]] + [""]
    headline = headline_table(v)
    if headline:
        slices = plan.data["slices"]["sources"]
        roles = [f"{role} ({label(plan.role(role))})" if role == "default" else role
                 for role in plan.data["levels"]["headline"]]
        parts += ["## Headline (bits/byte, lower is better)", "",
                  f"lmzip's {', '.join(roles[:-1])} and {roles[-1]} levels against the usual compressors at their strongest settings; the last column is "
                  "the default level's size relative to the best of the others. The slices are "
                  f"pieces of {' and '.join(slices)}, each compressed alone"
                  + ("; zstd's dictionary was trained on the training corpus (below)."
                     if r["dictionary"] else "."), "", headline, ""]
    speed = speed_summary(v)
    if speed:
        parts += [f"## Speed against {v.ref} (same run)", "",
                  f"MB/s of original data (× the time {v.ref} takes to compress the same file). "
                  "Native = the CLI, one process per file; WASM SIMD = the npm package in Node.",
                  "", speed, ""]
    if r["sweep"]:
        sw = plan.data["sweep"]
        parts += ["## Bits/byte against input size", ""]
        if svg_link:
            parts += [f"![bits/byte against input size, slices of {sw['source']}]({svg_link})", ""]
        parts += [f"Mean bits/byte over evenly spaced slices of {sw['source']} ({sw['about']}), "
                  "each compressed alone.", "", mean_table(r["sweep"], v.labels, "slice size"), ""]
    parts += method_text(v)
    texts = [f for f in v.files if f["kind"] == "text"]
    bins = [f for f in v.files if f["kind"] == "binary"]
    if texts:
        parts += ["## Text files (bits/byte)", "", "— = level not run on this file (see above).",
                  "", bits_table(v, texts, "total (text)", True), ""]
    if bins:
        parts += ["## Binary files (bits/byte)", "",
                  bits_table(v, bins, "total (binary)", False), ""]
    summary = level_summary(v)
    if summary:
        parts += [f"## Every level on the {v.group}", "",
                  f"{len(v.group_files)} files, {sum(f['size'] for f in v.group_files):,} bytes: "
                  "bits/byte of the concatenated results, speed from the summed times, peak "
                  "memory the largest of any file (xz -9e sizes its dictionary to the input).", "",
                  summary, ""]
    if v.files:
        labels = [label(lv) for lv in v.speed_levels] + ([v.ref] if v.ref in v.labels else [])
        parts += ["## Native speed per file", "",
                  f"Each cell: MB/s of original data, then (× {v.ref}) = this time ÷ {v.ref} "
                  "*compress* time on the same file. The total row uses summed times over the "
                  "text files.", "", speed_table(v, labels), ""]
    if r["wasm"]:
        if any(label(w["level"]) in v.by_name[w["file"]]["codecs"]
               and v.by_name[w["file"]]["codecs"][label(w["level"])]["size"] != w["compressed"]
               for w in r["wasm"] + r.get("wasm_chromium", [])):
            notes.append("WebAssembly output differs in size from the native CLI's (\"same size "
                         "as native: NO\"): npm/dist is probably stale (another model): run "
                         "`make wasm` before `make bench`")
        wasm_repeat = plan.data["wasm"]["repeat"]
        parts += ["## WebAssembly in Node (npm package) vs native", "",
                  "Same run, one thread. WASM times are in-process, "
                  + ("one run" if wasm_repeat == 1 else f"best of {wasm_repeat}")
                  + "; native times are whole CLI processes (process start and file I/O "
                  "included). wasm kernels: the module's kernel names (with simd128: the SIMD "
                  "build; scalar alone: the fallback for engines without WebAssembly SIMD).", "", wasm_table(v), ""]
    if r.get("wasm_chromium"):
        engines = sorted({w["engine"].replace("chromium", "Chromium", 1)
                          for w in r["wasm_chromium"]})
        node = sorted({w["engine"] for w in r["wasm"] if "engine" in w})
        parts += ["## WebAssembly in Chromium (web demo engine) vs Node and native", "",
                  f"The same runs in headless {', '.join(engines)} (Debian's build, driven by "
                  "playwright-core): the package's browser entry served from 127.0.0.1, "
                  "`compress()`/`decompress()` on the page's main thread after `init()`, timed "
                  "in the page with the loop the Node runs use (bench/wasm_timing.mjs), the "
                  "round trip checked (the demo makes the same calls from a Web Worker). Node "
                  + (f"({', '.join(node)}) " if node else "")
                  + "and native columns: the tables above. Ratios over 1: Chromium is faster."
                  + yield_text(v), "", chromium_table(v), ""]
    if r["tarball"] is not None:
        parts += [f"npm package tarball (`npm pack`): {r['tarball']['bytes']:,} bytes; "
                  f"{r['tarball']['without_models']:,} bytes without the model files.", ""]
    if r["slices"]:
        parts += ["## Small inputs (mean bits/byte over slices)", "",
                  f"Evenly spaced slices of {' and '.join(plan.data['slices']['sources'])} (texts "
                  "no model was trained on), each compressed on its own.", "",
                  mean_table(r["slices"], v.labels, "slice"), ""]
    if v.lm:
        tool = plan.data["lm_eval"]["tool"]
        parts += ["## Neural models alone", "",
                  f"`{tool} --model FILE {plan.data['lm_eval']['data']}` for each model file of "
                  "the plan: the integer model's own 12-bit bit probabilities over the held-out "
                  "set, no context mixing. Multiply-adds/byte: the model's matrix work per byte "
                  "(its own count, the same on every machine); KB/s: native, one thread.", "",
                  lm_table(v), ""]
        if front_link:
            parts += [f"![bits/byte of each model alone against multiply-adds per byte and "
                      f"WebAssembly speed]({front_link})", ""]
        parts += ["```"] + [rec["output"] for rec in v.lm] + ["```", ""]
    if r["random"]:
        parts += ["## Random input", "", random_table(v), ""]
    parts += ["## Targets", "", targets_text(checks), ""]
    if r["phases"]:
        parts += ["## Run time by part", "",
                  md_table(["part", "seconds"], [[p, f"{s:.0f}"] for p, s in r["phases"]],
                           ["l", "r"]), ""]
    if notes:
        parts += ["## Notes", ""] + [f"- {n}" for n in notes] + [""]
    return "\n".join(parts)


def write(results: dict, checks: List[dict], out: Path, svg: Path, front: Path) -> str:
    """Writes the report to out and, when their sections ran, the size-sweep plot to svg
    and the models' plot to front; returns the report."""
    v = View(results)

    def plot(path: Path, draw) -> str:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(draw(v), encoding="utf-8")
        print(f"wrote {path}")
        return os.path.relpath(path.resolve(), out.resolve().parent)

    svg_link = plot(svg, sweep_svg) if results["sweep"] else None
    front_link = plot(front, front_svg) if v.lm else None
    text = render(v, checks, svg_link, front_link)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    return text
