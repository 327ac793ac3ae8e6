"""The PASS/FAIL targets (bench/targets.json) evaluated against the measurements.

A target reads one measured quantity and compares it with a threshold, or with factor × a
reference quantity. Its "measure" names the quantity and what it is of:

  quantity                          fields
  bits_per_byte, compressed_bytes   file, every or total (a kind: text, binary), level or codec
  seconds, kb_per_s                 the same, op (compress, decompress), build (native,
                                    wasm-simd, wasm-scalar; default native); KB = 1000 bytes
  slice_bits_per_byte               slice_bytes, level or codec (mean over the slices)
  random_growth_bytes               random_bytes, level
  lm_bits_per_byte                  model (a slot of the level table: standard, large, small)
                                    or level (its model); neither: the default level's model
                                    (one model alone on the held-out set, lmzip_lm_eval)
  model_file_bytes                  model or level, as for lm_bits_per_byte
  largest_model_file_bytes          (the largest of the plan's model files in the checkout)
  npm_tarball_bytes_without_models

level is a role of plan.py (fastest, default, ...), codec a baseline label. A list, or a
role of several levels, makes one check per element. "every" is one check over all measured
files of the kind: it passes when each passes; "total" is one value over all the plan's
files of the kind together (their summed sizes; SKIP unless every one was measured).
"reference" is the measure with its fields replaced (giving level or codec replaces both).
A quantity not measured is SKIP; one whose lmzip run failed is FAIL. Python 3 standard
library only.
"""

import itertools
import json
import operator
from pathlib import Path
from typing import List, Optional

from measure import wasm_build
from plan import Plan, label
from svgplot import fmt_bytes

TARGETS_FILE = Path(__file__).resolve().with_name("targets.json")
COMPARE = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}
# build -> (its name in titles, the kernels of its WebAssembly records)
BUILDS = {"native": ("native", None), "wasm-simd": ("WASM SIMD", "simd128"),
          "wasm-scalar": ("WASM scalar", "scalar")}

# quantity -> (unit after a threshold, noun in a comparison with a reference, digits shown;
# None: an integer with thousands separators, "+": a signed integer)
QUANTITIES = {
    "bits_per_byte": ("bits/byte", "bits/byte", 3),
    "compressed_bytes": ("bytes", "size", None),
    "seconds": ("s", "time", 3),
    "kb_per_s": ("KB/s", "throughput", 1),
    "slice_bits_per_byte": ("bits/byte", "mean bits/byte", 3),
    "random_growth_bytes": ("bytes", "growth", "+"),
    "lm_bits_per_byte": ("bits/byte", "bits/byte", 4),
    "model_file_bytes": ("bytes", "size", None),
    "largest_model_file_bytes": ("bytes", "size", None),
    "npm_tarball_bytes_without_models": ("bytes", "size", None),
}


TOTALS = ("bits_per_byte", "compressed_bytes")


class Unmeasured(Exception):
    """A quantity has no value: SKIP, or FAIL when failed (its lmzip run failed)."""

    def __init__(self, why: str, failed: bool = False):
        super().__init__(why)
        self.failed = failed


def load(path: Path = TARGETS_FILE) -> List[dict]:
    targets = json.loads(path.read_text(encoding="utf-8"))["targets"]
    for t in targets:
        if t["measure"]["quantity"] not in QUANTITIES or t["compare"] not in COMPARE:
            raise ValueError(f"targets.json: {t['id']}: unknown quantity or comparison")
        if ("threshold" in t) == ("reference" in t):
            raise ValueError(f"targets.json: {t['id']}: give a threshold or a reference")
        if "total" in t["measure"] and t["measure"]["quantity"] not in TOTALS:
            raise ValueError(f"targets.json: {t['id']}: total is for {', '.join(TOTALS)}")
    return targets


def fmt_value(quantity: str, value: float) -> str:
    digits = QUANTITIES[quantity][2]
    if digits is None:
        return f"{value:,}"
    if digits == "+":
        return f"{value:+d}"
    return f"{value:.{digits}f}"


def fmt_plain(number: float) -> str:
    return f"{number:,}" if isinstance(number, int) else f"{number:g}"


class Measurements:
    """Reads quantities from one results.json dict."""

    def __init__(self, results: dict):
        self.r = results
        self.plan = Plan.from_json(results)
        self.files = {f["name"]: f for f in results["files"]}

    # --- what a spec names

    def codec(self, spec: dict) -> str:
        return label(spec["level"]) if "level" in spec else spec["codec"]

    def subject(self, spec: dict) -> str:
        """What a check is about, before the colon of its title."""
        if "file" in spec:
            return spec["file"]
        if "every" in spec:
            return f"every {spec['every']} file"
        if "total" in spec:
            return f"all {len(self.kind_files(spec['total']))} {spec['total']} files together"
        if "slice_bytes" in spec:
            return f"{fmt_bytes(spec['slice_bytes'])} slices"
        if "random_bytes" in spec:
            return f"random {spec['random_bytes']:,} bytes"
        if spec["quantity"] == "lm_bits_per_byte":
            return self.r["plan"]["lm_eval"]["data"]
        return ""

    def describe(self, spec: dict) -> str:
        """The measured thing without its unit: "WASM SIMD lmzip -1 compress"."""
        q = spec["quantity"]
        if q == "lm_bits_per_byte":
            return f"{self.whose_model(spec)} alone"
        if q == "model_file_bytes":
            slot = self.slot(spec)
            return (f"{self.whose_model(spec)} file "
                    f"({self.r['plan']['models'].get(slot, 'no file in the plan')})")
        if q == "largest_model_file_bytes":
            largest = self.largest_model()
            return "largest model file" + (f" ({largest['path']})" if largest else "")
        if q == "npm_tarball_bytes_without_models":
            return "npm tarball without the model files"
        words = [self.codec(spec)]
        if q in ("seconds", "kb_per_s"):
            build = spec.get("build", "native")
            words = ([] if build == "native" and q == "seconds" else [BUILDS[build][0]]
                     ) + words + [spec["op"]]
        if q == "random_growth_bytes":
            words.append("growth")
        return " ".join(words)

    def slot(self, spec: dict) -> str:
        """The model slot a model quantity is about."""
        if "model" in spec:
            return spec["model"]
        return self.plan.model_of(spec["level"] if "level" in spec
                                  else self.plan.role("default"))

    def whose_model(self, spec: dict) -> str:
        """"standard model", or with a level "lmzip -6's model (standard)"."""
        if "model" in spec:
            return f"{spec['model']} model"
        level = spec["level"] if "level" in spec else self.plan.role("default")
        return f"{label(level)}'s model ({self.plan.model_of(level)})"

    def kind_files(self, kind: str) -> List[str]:
        return [f["name"] for f in self.r["plan"]["files"] if f["kind"] == kind]

    def largest_model(self) -> Optional[dict]:
        return max(self.r["models"], key=lambda m: m["bytes"], default=None)

    # --- values

    def value(self, spec: dict) -> float:
        q = spec["quantity"]
        if "total" in spec:
            return self.total_value(spec)
        if q in ("bits_per_byte", "compressed_bytes", "seconds", "kb_per_s"):
            return self.file_value(spec, spec["file"])
        if q == "slice_bits_per_byte":
            sl = next((s for s in self.r["slices"] if s["size"] == spec["slice_bytes"]), None)
            if sl is None or self.codec(spec) not in sl["mean_bpb"]:
                raise Unmeasured("not measured")
            return sl["mean_bpb"][self.codec(spec)]
        if q == "random_growth_bytes":
            rr = next((x for x in self.r["random"] if x["size"] == spec["random_bytes"]
                       and x["level"] == spec["level"]), None)
            if rr is None:
                raise Unmeasured("not measured")
            if rr["error"]:
                raise Unmeasured(rr["error"], failed=True)
            return rr["lmzip_size"] - rr["size"]
        if q == "lm_bits_per_byte":
            slot = self.slot(spec)
            if slot == "none":
                raise Unmeasured("that level has no neural model")
            lm = next((x for x in self.r.get("lm_models", []) if x["slot"] == slot), None)
            if lm is None:
                raise Unmeasured("not measured")
            return lm["bits_per_byte"]
        if q == "model_file_bytes":
            m = next((m for m in self.r["models"] if m["model"] == self.slot(spec)), None)
            if m is None:
                raise Unmeasured("not in the checkout")
            return m["bytes"]
        if q == "largest_model_file_bytes":
            largest = self.largest_model()
            if largest is None:
                raise Unmeasured("no model file in the checkout")
            return largest["bytes"]
        if self.r["tarball"] is None:  # npm_tarball_bytes_without_models
            raise Unmeasured("not measured")
        return self.r["tarball"]["without_models"]

    def total_value(self, spec: dict) -> float:
        """A size quantity of the plan's files of one kind together; only when every one
        of them was measured, so a partial run cannot pass on its easier files."""
        names = self.kind_files(spec["total"])
        measured = [self.files[n] for n in names if n in self.files]
        codec = self.codec(spec)
        if any(codec in f["failed"] for f in measured):
            raise Unmeasured(f"{codec} failed on a {spec['total']} file (see hard failures)",
                             failed=True)
        done = [f for f in measured if codec in f["codecs"]]
        if not names or len(done) < len(names):
            raise Unmeasured(f"{len(done)} of {len(names)} {spec['total']} files measured")
        packed = sum(f["codecs"][codec]["size"] for f in done)
        if spec["quantity"] == "compressed_bytes":
            return packed
        return 8.0 * packed / sum(f["size"] for f in done)

    def file_value(self, spec: dict, name: str) -> float:
        q, codec = spec["quantity"], self.codec(spec)
        f = self.files.get(name)
        if f is None:
            raise Unmeasured("not measured")
        build = spec.get("build", "native")
        if build == "native":
            if codec in f["failed"]:
                raise Unmeasured(f"{codec} failed on {name} (see hard failures)", failed=True)
            m = f["codecs"].get(codec)
            packed = m["size"] if m else None
        else:
            m = next((w for w in self.r["wasm"] if w["file"] == name
                      and wasm_build(w) == BUILDS[build][1] and label(w["level"]) == codec),
                     None)
            packed = m["compressed"] if m else None
        if m is None:
            raise Unmeasured("not measured")
        if q == "bits_per_byte":
            return 8.0 * packed / f["size"]
        if q == "compressed_bytes":
            return packed
        t = m.get("ctime" if spec["op"] == "compress" else "dtime")
        if not t:
            raise Unmeasured("not timed")
        return t if q == "seconds" else f["size"] / 1000 / t


def expand(m: Measurements, spec: dict) -> List[dict]:
    """One spec per element of each list (levels of a role count as a list), in the order
    of the spec's fields."""
    choices = []
    for key, value in spec.items():
        values = value if isinstance(value, list) else [value]
        if key == "level":
            values = [lv for role in values for lv in m.plan.resolve([role])]
        choices.append([(key, v) for v in values])
    return [dict(combo) for combo in itertools.product(*choices)]


def reference_of(m: Measurements, spec: dict, reference: dict) -> dict:
    """The measure with the reference's fields; giving level or codec replaces both (a
    reference level is a single-level role)."""
    ref = dict(spec)
    if "level" in reference or "codec" in reference:
        ref.pop("level", None)
        ref.pop("codec", None)
    ref.update(reference)
    if "level" in reference:
        ref["level"] = m.plan.role(reference["level"])
    return ref


def title_of(m: Measurements, target: dict, spec: dict) -> str:
    unit, noun, _ = QUANTITIES[spec["quantity"]]
    if "reference" in target:
        factor = target.get("factor", 1)
        times = "" if factor == 1 else f"{fmt_plain(factor)} × "
        ref = reference_of(m, spec, target["reference"])
        title = f"{m.describe(spec)} {noun} {target['compare']} {times}{m.describe(ref)} {noun}"
    else:
        title = f"{m.describe(spec)} {target['compare']} {fmt_plain(target['threshold'])} {unit}"
    subject = m.subject(spec)
    return f"{subject}: {title}" if subject else title


def check_one(m: Measurements, target: dict, spec: dict,
              name: Optional[str] = None) -> dict:
    """{status, detail} of one check; name: the file of one file of an "every" check."""
    q = spec["quantity"]
    unit = QUANTITIES[q][0]
    get = (lambda s: m.file_value(s, name)) if name else m.value
    try:
        value = get(spec)
        if "reference" in target:
            other = get(reference_of(m, spec, target["reference"]))
            limit = target.get("factor", 1) * other
            detail = (f"{fmt_value(q, value)} vs {fmt_value(q, other)} {unit} "
                      f"({value / other:.2f}×)")
        else:
            limit = target["threshold"]
            detail = f"{fmt_value(q, value)} {unit}"
    except Unmeasured as why:
        return {"status": "FAIL" if why.failed else "SKIP", "detail": str(why)}
    return {"status": "PASS" if COMPARE[target["compare"]](value, limit) else "FAIL",
            "detail": detail}


def check_every(m: Measurements, target: dict, spec: dict) -> dict:
    """One check over every measured file of spec["every"]'s kind; files where either
    side was not measured do not count."""
    kind = spec["every"]
    counted = [(f["name"], c) for f in m.r["files"] if f["kind"] == kind
               for c in [check_one(m, target, spec, f["name"])] if c["status"] != "SKIP"]
    if not counted:
        return {"status": "SKIP", "detail": "not measured"}
    losers = [(n, c) for n, c in counted if c["status"] == "FAIL"]
    detail = f"{len(counted) - len(losers)}/{len(counted)} {kind} files"
    if losers:
        detail += "; not met: " + "; ".join(f"{n}: {c['detail']}" for n, c in losers)
    return {"status": "FAIL" if losers else "PASS", "detail": detail}


def evaluate(targets: List[dict], results: dict) -> List[dict]:
    """Every check of every target: [{id, issue, status, title, detail}], in file order."""
    m = Measurements(results)
    out = []
    for t in targets:
        for spec in expand(m, t["measure"]):
            c = check_every(m, t, spec) if "every" in spec else check_one(m, t, spec)
            out.append({"id": t["id"], "issue": t["issue"], "title": title_of(m, t, spec), **c})
    return out

