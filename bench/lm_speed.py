#!/usr/bin/env python3
"""Times the shipped integer models alone, natively and in WebAssembly SIMD
(lmzip_lm_eval, the same source built both ways), side by side on the first
MiB of valid, and fills the measured columns of bench/arch_search_speed.tsv,
the speed panel of the architecture search (bench/arch_search.py). The model,
family, size, bytes trained and float bits/byte columns are the model card's
(models/MODEL.md); a file written `git:REV:PATH` is read from that revision.

    make all && NODE_PATH=/usr/share/nodejs emcmake cmake -S . -B build-wasm-simd \\
        -DCMAKE_BUILD_TYPE=Release -DLMZIP_WASM_NAME=lmzip-simd && \\
        cmake --build build-wasm-simd --target lmzip_lm_eval
    python3 bench/lm_speed.py bench/arch_search_speed.tsv

Native and WebAssembly runs alternate, --repeat times each, and each column
keeps the fastest run: on a shared machine the fastest is the least disturbed.
Both builds must give the same bits/byte (the coding path is integer-only).
"""

import argparse
import csv
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))
from measure import parse_lm_line  # noqa: E402


def model_file(spec: str, tmp: Path) -> Path:
    if not spec.startswith("git:"):
        return REPO / spec
    _, rev, path = spec.split(":", 2)
    out = tmp / f"{rev}-{Path(path).name}"
    out.write_bytes(subprocess.run(["git", "-C", str(REPO), "show", f"{rev}:{path}"],
                                   capture_output=True, check=True).stdout)
    return out


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("tsv")
    p.add_argument("--data", default=str(REPO.parent / "shared/corpus/valid/valid.bin"))
    p.add_argument("--bytes", type=int, default=1 << 20)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--native", default=str(REPO / "build/lmzip_lm_eval"))
    p.add_argument("--wasm", default=str(REPO / "build-wasm-simd/lmzip_lm_eval.js"))
    args = p.parse_args(argv)
    rows = list(csv.DictReader(open(args.tsv), delimiter="\t"))
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data.bin"
        data.write_bytes(Path(args.data).read_bytes()[: args.bytes])
        runners = {"native": [args.native], "wasm": ["node", args.wasm]}
        for row in rows:
            path = model_file(row["file"], Path(tmp))
            best = {}
            for _ in range(args.repeat):
                for name, cmd in runners.items():
                    line = subprocess.run(cmd + ["--model", str(path), str(data)], capture_output=True,
                                          text=True, check=True).stdout.strip()
                    r = parse_lm_line(line)
                    if name in best and r["bits_per_byte"] != best[name]["bits_per_byte"]:
                        raise SystemExit(f"{row['model']}: bits/byte differ between runs")
                    if name not in best or r["kb_per_s"] > best[name]["kb_per_s"]:
                        best[name] = r
            if best["native"]["bits_per_byte"] != best["wasm"]["bits_per_byte"]:
                raise SystemExit(f"{row['model']}: native and WebAssembly bits/byte differ")
            row.update(multiply_adds_per_byte=best["native"]["multiply_adds_per_byte"],
                       bits_per_byte_1mib=f"{best['native']['bits_per_byte']:.4f}",
                       native_kb_per_s=f"{best['native']['kb_per_s']:.1f}",
                       wasm_kb_per_s=f"{best['wasm']['kb_per_s']:.1f}")
            print("\t".join(str(v) for v in row.values()), flush=True)
    with open(args.tsv, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]), delimiter="\t", lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


if __name__ == "__main__":
    main(sys.argv[1:])
