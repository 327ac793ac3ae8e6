"""What to run: bench/plan.json, with its level roles resolved through the level table.

plan.json names lmzip levels by role, never by number, so that the harness follows the core
when levels are added or change. The roles are resolved through the table the CLI prints:

    $ lmzip --levels
    level   model     profile  memory_bytes  default      (tab-separated)
    1       none      fast     ...           no
    ...

  fastest     the lowest level            max         the highest level
  default     the level marked `yes`      all         every level
  neural      levels whose model is not `none`
  non-neural  levels whose model is `none`
  fastest-neural   the lowest level whose model is not `none`
  first-per-model  the lowest level of each model other than `none`

The command line (--levels, --every-file-levels) also takes level numbers. A Plan is the plan
data, the table and the levels chosen for one run; it is saved with the measurements
(Plan.to_json), so the report is written from the plan that ran, not from today's plan.json.
Python 3 standard library only.
"""

import json
import subprocess
from pathlib import Path
from typing import Iterable, List, Optional, Tuple

PLAN_FILE = Path(__file__).resolve().with_name("plan.json")
LEVEL_COLUMNS = ["level", "model", "profile", "memory_bytes", "default"]
MODELS = ("none", "standard", "large", "small")
PROFILES = ("fast", "cm", "neural", "max")
SECTIONS = ["files", "wasm", "slices", "sweep", "lm", "random"]

ROLES = {
    "fastest": lambda rows: [min(r["level"] for r in rows)],
    "default": lambda rows: [r["level"] for r in rows if r["default"]],
    "max": lambda rows: [max(r["level"] for r in rows)],
    "neural": lambda rows: [r["level"] for r in rows if r["model"] != "none"],
    "non-neural": lambda rows: [r["level"] for r in rows if r["model"] == "none"],
    "all": lambda rows: [r["level"] for r in rows],
    "fastest-neural": lambda rows: sorted(r["level"] for r in rows
                                          if r["model"] != "none")[:1],
    "first-per-model": lambda rows: sorted(min(r["level"] for r in rows if r["model"] == m)
                                           for m in {r["model"] for r in rows} - {"none"}),
}


class PlanError(Exception):
    """The plan, the level table or a level name given on the command line is wrong."""


def load(quick: bool, path: Path = PLAN_FILE) -> dict:
    """plan.json; with quick, its "quick" section laid over the rest (for a section, only
    the keys it gives)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    overrides = data.pop("quick")
    if quick:
        for key, value in overrides.items():
            if key == "about":
                continue
            if isinstance(value, dict) and isinstance(data.get(key), dict):
                data[key] = {**data[key], **value}
            else:
                data[key] = value
    return data


def parse_level_table(text: str) -> List[dict]:
    """The rows of `lmzip --levels` output, checked: the exact header, one default."""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if not lines or lines[0].split("\t") != LEVEL_COLUMNS:
        raise PlanError("`lmzip --levels`: the first line is not the header "
                        + "\\t".join(LEVEL_COLUMNS))
    rows = []
    for line in lines[1:]:
        cells = line.split("\t")
        try:
            level, model, profile, memory, default = cells
            row = {"level": int(level), "model": model, "profile": profile,
                   "memory_bytes": int(memory), "default": {"yes": True, "no": False}[default]}
        except (ValueError, KeyError):
            raise PlanError(f"`lmzip --levels`: line not understood: {line!r}") from None
        if model not in MODELS or profile not in PROFILES:
            raise PlanError(f"`lmzip --levels`: unknown model or profile in {line!r}")
        rows.append(row)
    if sum(r["default"] for r in rows) != 1:
        raise PlanError("`lmzip --levels`: not exactly one level marked default")
    return rows


def read_level_table(lmzip: Path) -> List[dict]:
    try:
        proc = subprocess.run([str(lmzip), "--levels"], stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise PlanError(f"`{lmzip} --levels` could not run: {exc}") from exc
    if proc.returncode != 0:
        err = proc.stderr.strip().splitlines()
        raise PlanError(f"`{lmzip} --levels` exited {proc.returncode}"
                        + (f": {err[-1]}" if err else ""))
    return parse_level_table(proc.stdout)


def label(level: int) -> str:
    """The codec label of an lmzip level in the measurements and the report."""
    return f"lmzip -{level}"


class Plan:
    """The plan data, the level table, and the levels of one run (--levels and
    --every-file-levels resolved)."""

    def __init__(self, data: dict, table: List[dict], levels: List[int],
                 every_file: List[int]):
        self.data = data
        self.table = table
        self.levels = levels
        self.every_file = every_file

    @classmethod
    def for_run(cls, data: dict, table: List[dict], levels: List[str],
                every_file: Optional[List[str]]) -> "Plan":
        """levels, every_file: role names or level numbers from the command line;
        every_file None: the plan's."""
        plan = cls(data, table, [], [])
        plan.levels = plan.resolve(levels, numbers=True)
        if not plan.levels:
            raise PlanError("--levels: no level")
        plan.every_file = plan.resolve(data["levels"]["every_file"] if every_file is None
                                       else every_file, numbers=True)
        return plan

    def to_json(self) -> dict:
        return {"plan": self.data, "level_table": self.table, "levels": self.levels,
                "every_file_levels": self.every_file}

    @classmethod
    def from_json(cls, saved: dict) -> "Plan":
        return cls(saved["plan"], saved["level_table"], saved["levels"],
                   saved["every_file_levels"])

    # ------------------------------------------------------------ levels

    def resolve(self, names: Iterable[str], numbers: bool = False) -> List[int]:
        """Sorted levels named by roles (and, with numbers, by level numbers)."""
        known = {r["level"] for r in self.table}
        out = set()
        for name in names:
            if name in ROLES:
                out.update(ROLES[name](self.table))
            elif numbers and name.isdigit() and int(name) in known:
                out.add(int(name))
            else:
                raise PlanError(f"unknown level {name!r}: use one of {', '.join(ROLES)}"
                                + (f" or a level of {min(known)}..{max(known)}"
                                   if numbers else ""))
        return sorted(out)

    def role(self, name: str) -> int:
        """The one level of a single-level role (fastest, default, max, fastest-neural)."""
        (level,) = ROLES[name](self.table)
        return level

    def model_of(self, level: int) -> str:
        """The model slot of a level (none, standard, ...)."""
        return next(r["model"] for r in self.table if r["level"] == level)

    def levels_of_model(self, slot: str) -> List[int]:
        return sorted(r["level"] for r in self.table if r["model"] == slot)

    def run_levels(self, names: Iterable[str]) -> List[int]:
        """The levels of roles that this run includes (--levels)."""
        return [lv for lv in self.resolve(names) if lv in self.levels]

    def timed_once(self, level: int) -> bool:
        """Whether this level's timings are one run, not best of --repeat: the slow
        levels, whose speed is far from the noise."""
        return level in self.resolve(self.data["levels"]["timed_once"])

    # ------------------------------------------------------------ files

    def every_level_files(self) -> List[str]:
        group = self.data["every_level_group"]
        return [f["name"] for f in self.data["files"]
                if f["kind"] == group["kind"] and f["dir"] in group["dirs"]]

    def levels_for(self, name: str) -> List[int]:
        """The lmzip levels measured on one benchmark file."""
        lv = self.data["levels"]
        wanted = set(self.every_file)
        if name in self.every_level_files():
            wanted.update(self.resolve(lv["every_level_group"]))
        wanted.update(self.resolve(lv["by_file"].get(name, [])))
        return [level for level in self.levels if level in wanted]

    def file_path(self, corpus: Path, name: str) -> Path:
        entry = next(f for f in self.data["files"] if f["name"] == name)
        return bench_dir(corpus) / entry["dir"] / name

    def select_files(self, corpus: Path, names: Optional[List[str]],
                     no_binary: bool) -> List[Tuple[str, Path, str]]:
        """[(name, path, kind)] in report order: names (from the plan, or paths of text
        files), else the plan's selection. Raises PlanError on an unknown or missing file."""
        known = {f["name"]: f for f in self.data["files"]}
        if names is None:
            selected = self.data["selected"]
            names = ([f["name"] for f in self.data["files"]
                      if not (no_binary and f["kind"] == "binary")]
                     if selected == "all" else selected)
        chosen = []
        for name in names:
            if name in known:
                chosen.append((name, self.file_path(corpus, name), known[name]["kind"]))
            elif Path(name).is_file():
                chosen.append((Path(name).name, Path(name), "text"))
            else:
                raise PlanError(f"unknown benchmark file {name!r} (not in plan.json, "
                                "not a path)")
        missing = [str(path) for _, path, _ in chosen if not path.is_file()]
        if missing:
            raise PlanError("missing corpus files (check --corpus):\n  " + "\n  ".join(missing))
        return chosen

    # ------------------------------------------------------------ other parts

    def wasm_runs(self) -> List[Tuple[str, int, bool]]:
        """(file, level, simd) of the WebAssembly timings, in plan order."""
        wasm = self.data["wasm"]
        runs = [(run["file"], lv, True) for run in wasm["simd"]
                for lv in self.run_levels(run["levels"])]
        runs += [(wasm["scalar"]["file"], lv, False)
                 for lv in self.run_levels(wasm["scalar"]["levels"])]
        return runs

    def speed_levels(self, wasm_levels: Iterable[int]) -> List[int]:
        """The levels of the speed tables: the every-file levels, the plan's
        speed_tables roles and the levels that ran in WebAssembly."""
        wanted = (set(self.every_file) | set(self.resolve(self.data["levels"]["speed_tables"]))
                  | set(wasm_levels))
        return [lv for lv in self.levels if lv in wanted]


def bench_dir(corpus: Path) -> Path:
    """The benchmark files' folder: <corpus>/bench, or corpus itself when it is one."""
    return corpus / "bench" if (corpus / "bench").is_dir() else corpus
