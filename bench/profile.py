#!/usr/bin/env python3
"""Runs lmzip_profile (src/tools/profile.cpp) natively and in WebAssembly and
writes bench/PROFILE.md: per level, where the time goes; per matvec kernel,
its multiply-adds per second next to the peak of the instruction it is built
on. `make profile` runs it; every figure in the report is measured by the
tool in this run.

    python3 bench/profile.py --input FILE --out bench/PROFILE.md \
        [--native build/lmzip_profile] [--wasm-simd build-wasm-simd/lmzip_profile.js] \
        [--wasm-scalar build-wasm-scalar/lmzip_profile.js] [--repeat R] [--quick]

A build whose tool is not given (or missing) is left out with a note.
"""
import argparse
import datetime
import os
import statistics
import subprocess
import sys
import time

KIB = 1024

# What each build runs: (bytes of the input at the levels with a neural
# model, rounds). The other levels take about a second natively and run on
# the whole file. The neural levels cost 10-100x more per byte, and 10x more
# again in the scalar WebAssembly build, so they run on a prefix, which is
# enough for a per-byte cost: the model's work per byte does not depend on the
# text. More rounds on fewer bytes rather than the reverse: the shares are the
# median of the rounds', which one round slowed by other jobs on the shared VM
# cannot move. Together about five minutes on the 2-core VM.
PLAN = {
    'native': (32 * KIB, 5),
    'wasm-simd': (16 * KIB, 5),
    'wasm-scalar': (2 * KIB, 3),
}
QUICK_LEVELS, QUICK_BYTES = '1,3', 8 * KIB  # --quick: a smoke test of the whole chain

TITLES = {
    'native': 'Native',
    'wasm-simd': 'WebAssembly SIMD (build-wasm-simd)',
    'wasm-scalar': 'WebAssembly scalar (build-wasm-scalar, -DLMZIP_SIMD=OFF)',
}

# A round's times, as lmzip_profile prints them.
MEASUREMENTS = ('compress', 'decompress', 'predictor', 'model', 'matvec')

# The stages, innermost first: (name, the measurement it is, the one inside
# it that is subtracted). See src/tools/profile.cpp.
STAGES = [
    ('matvec', 'matvec', None),
    ('model other (gates, softmax)', 'model', 'matvec'),
    ('context models + mixing', 'predictor', 'model'),
    ('coder + framing + checksum', 'compress', 'predictor'),
]


def run_tool(command):
    """Runs one lmzip_profile command; returns its records (lists of fields)."""
    print('+ ' + ' '.join(command), file=sys.stderr, flush=True)
    out = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True).stdout
    return [line.split('\t') for line in out.splitlines() if line]


def profile_build(tool, input_path, model_bytes, repeat, quick):
    """Runs one build's tool; returns {meta, levels, peaks, kernels, seconds}."""
    # --no-liftoff: V8 compiles with its optimizing tier from the start, the
    # steady state of a long run; else each function starts in baseline code
    # and a loop running in it stays there (V8 replaces no running loop).
    command = ['node', '--no-liftoff', tool] if tool.endswith('.js') else [tool]
    command += ['--repeat', str(repeat), '--model-bytes', str(model_bytes)]
    if quick:
        command += ['--levels', QUICK_LEVELS, '--bytes', str(QUICK_BYTES)]
    result = {'meta': {}, 'levels': [], 'peaks': [], 'kernels': []}
    start = time.monotonic()
    for record in run_tool(command + [input_path]):
        kind, fields = record[0], record[1:]
        if kind == 'level':
            level, profile, slot, hidden, used, packed = fields
            result['levels'].append({'level': int(level), 'profile': profile, 'slot': slot, 'hidden': int(hidden),
                                     'bytes': int(used), 'compressed': int(packed), 'rounds': []})
        elif kind == 'round':
            times = [None if f == '-' else float(f) for f in fields[1:]]
            result['levels'][-1]['rounds'].append(dict(zip(MEASUREMENTS, times)))
        elif kind == 'peak':
            isa, instruction, macs, rate = fields
            result['peaks'].append({'isa': isa, 'instruction': instruction, 'macs': int(macs), 'rate': float(rate)})
        elif kind == 'kernel':
            name, hidden, offset, rate = fields
            result['kernels'].append({'name': name, 'hidden': int(hidden), 'offset': int(offset),
                                      'rate': float(rate)})
        else:
            result['meta'][kind] = fields
    result['seconds'] = time.monotonic() - start
    return result


def round_shares(t):
    """{stage: share of the compress time} in one round; the model stages
    only with a model (without one, the predictor is all context models and
    mixing)."""
    out = {}
    for name, outer, inner in STAGES:
        if t[outer] is not None:
            out[name] = (t[outer] - (t[inner] if inner and t[inner] is not None else 0.0)) / t['compress']
    return out


def shares(row):
    """[(stage, share)]: the median over the rounds of each round's share
    (a round's stages ran back to back; the VM's speed drifts between them)."""
    per_round = [round_shares(t) for t in row['rounds']]
    return [(name, statistics.median(r[name] for r in per_round))
            for name, _, _ in STAGES if name in per_round[0]]


def best(row, key):
    return min(t[key] for t in row['rounds'])


def spread(row):
    """How much slower the slowest round's compress was than the fastest's."""
    times = [t['compress'] for t in row['rounds']]
    return max(times) / min(times) - 1


def kbs(row, key):
    return row['bytes'] / 1000 / best(row, key)


def model_label(row):
    return row['slot'] if row['slot'] == 'none' else '%s (H %d)' % (row['slot'], row['hidden'])


def fmt_bytes(n):
    return '{:,}'.format(n)


def build_section(build, r):
    meta = r['meta']
    lines = ['## ' + TITLES[build], '']
    repeat = int(meta['repeat'][0])
    lines.append('%s; kernels `%s`. Input `%s` (%s bytes); each row used the first *bytes* of it, in %d rounds '
                 'of every stage after an untimed one on the first 2 KiB. KB/s: the fastest round; shares: the '
                 'median of the rounds\' shares; *spread*: how much slower the slowest round compressed than the '
                 'fastest. This build\'s part of the run took %.0f s.' % (
                     meta['engine'][0], meta['kernels'][0], meta['input'][0], fmt_bytes(int(meta['input'][1])),
                     repeat, r['seconds']))
    lines.append('')
    lines.append('| level | profile | model | bytes | bits/byte | compress KB/s | decompress KB/s | spread '
                 '| matvec | model other | context models + mixing | coder + framing + checksum |')
    lines.append('|---:|:---|:---|---:|---:|---:|---:|---:|---:|---:|---:|---:|')
    for row in r['levels']:
        share = dict(shares(row))
        cells = ['%.1f %%' % (100 * share[name]) if name in share else '—' for name, _, _ in STAGES]
        lines.append('| %d | %s | %s | %s | %.3f | %.1f | %.1f | %.0f %% | %s |' % (
            row['level'], row['profile'], model_label(row), fmt_bytes(row['bytes']),
            8 * row['compressed'] / row['bytes'], kbs(row, 'compress'), kbs(row, 'decompress'),
            100 * spread(row), ' | '.join(cells)))
    lines.append('')
    lines.append('<details><summary>Per stage: share of the compress time, and what it makes of the fastest '
                 'round\'s: seconds, ns per byte</summary>')
    lines.append('')
    lines.append('| level | stage | % of total | seconds | ns/byte |')
    lines.append('|---:|:---|---:|---:|---:|')
    for row in r['levels']:
        total = best(row, 'compress')
        for name, part in shares(row) + [('**total** (compress)', 1.0)]:
            lines.append('| %d | %s | %.1f %% | %.4f | %.0f |' % (
                row['level'], name, 100 * part, part * total, 1e9 * part * total / row['bytes']))
    lines.append('')
    lines.append('</details>')
    lines.append('')
    return lines


def kernel_section(build, r):
    peaks = {p['isa']: p for p in r['peaks']}
    hiddens = sorted({k['hidden'] for k in r['kernels']})
    names = list(dict.fromkeys(k['name'] for k in r['kernels']))
    rates = {(k['name'], k['hidden'], k['offset']): k['rate'] for k in r['kernels']}
    offsets = sorted({k['offset'] for k in r['kernels']})
    lines = ['### %s: matvec kernels' % TITLES[build], '']
    lines.append('Each kernel on the two products of one GRU step of a model of hidden size H '
                 '(W 3H×H, V 256×H; random operands, h on a cache line), next to the peak of the instruction it '
                 'is built on (the row of the peak table with its name).')
    lines.append('')
    lines.append('| kernel | peak instruction | peak GMAC/s | ' +
                 ' | '.join('H %d GMAC/s (of peak)' % h for h in hiddens) + ' |')
    lines.append('|:---|:---|---:|' + '---:|' * len(hiddens))
    notes = []
    for name in names:
        peak = peaks.get(name)
        cells = []
        for h in hiddens:
            rate = rates.get((name, h, 0))
            if rate is None:
                cells.append('—')
                continue
            cells.append('%.1f (%.0f %%)' % (rate / 1e9, 100 * rate / peak['rate']) if peak else '%.1f' % (rate / 1e9))
            if peak and name == 'scalar' and rate > peak['rate'] and not notes:
                notes.append('The reference (`scalar`) runs faster than the scalar peak: the compiler vectorized '
                             'it (natively GCC emits pmaddwd xmm for it at -O3 -msse4.1).')
        lines.append('| %s | %s | %s | %s |' % (
            name, peak['instruction'] if peak else '—', '%.1f' % (peak['rate'] / 1e9) if peak else '—',
            ' | '.join(cells)))
    lines.append('')
    lines += notes + ([''] if notes else [])
    for offset in offsets[1:]:
        lines.append('With h %d bytes past a cache line (all that malloc promises, so what the GRU\'s '
                     '`std::vector` state may get): GMAC/s, and the change against h on a line.' % offset)
        lines.append('')
        lines.append('| kernel | ' + ' | '.join('H %d' % h for h in hiddens) + ' |')
        lines.append('|:---|' + '---:|' * len(hiddens))
        for name in names:
            cells = []
            for h in hiddens:
                moved, lined = rates.get((name, h, offset)), rates.get((name, h, 0))
                change = round(100 * (moved / lined - 1)) if moved and lined else None
                cells.append('%.1f (%+d %%)' % (moved / 1e9, change) if change is not None else '—')
            lines.append('| %s | %s |' % (name, ' | '.join(cells)))
        lines.append('')
    lines.append('Peaks: one instruction into independent registers, no memory traffic; MACs = its multiplies.')
    lines.append('')
    lines.append('| ISA | instruction | MACs/instruction | G instructions/s | peak GMAC/s |')
    lines.append('|:---|:---|---:|---:|---:|')
    for p in r['peaks']:
        lines.append('| %s | %s | %d | %.2f | %.1f |' % (
            p['isa'], p['instruction'], p['macs'], p['rate'] / p['macs'] / 1e9, p['rate'] / 1e9))
    lines.append('')
    return lines


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--input', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--native')
    ap.add_argument('--wasm-simd')
    ap.add_argument('--wasm-scalar')
    ap.add_argument('--repeat', type=int, help='rounds for every build (default: as PLAN says)')
    ap.add_argument('--quick', action='store_true', help='a smoke test: levels %s on %d bytes' % (
        QUICK_LEVELS, QUICK_BYTES))
    args = ap.parse_args()

    tools = {'native': args.native, 'wasm-simd': args.wasm_simd, 'wasm-scalar': args.wasm_scalar}
    load_before = os.getloadavg()
    results, missing = {}, []
    for build, tool in tools.items():
        if tool and os.path.exists(tool):
            model_bytes, repeat = PLAN[build]
            repeat = args.repeat or repeat
            results[build] = profile_build(tool, args.input, model_bytes, repeat, args.quick)
        else:
            missing.append(build)
    load_after = os.getloadavg()
    if not results:
        sys.exit('profile.py: no tool to run')

    first = next(iter(results.values()))
    lines = ['# Profile: where the time goes', '']
    lines.append('Written by `python3 bench/profile.py %s` (what `make profile` runs) on %s UTC. ' % (
        ' '.join(sys.argv[1:]), datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M')))
    lines.append('CPU: %s. The run took %.0f s.' % (first['meta']['cpu'][0],
                                                    sum(r['seconds'] for r in results.values())))
    lines.append('')
    lines.append('Times are CPU times (of the thread natively, of the Node process in WebAssembly), which leave out '
                 'the waits for a core that another job on this shared 2-core VM causes, but not what it costs in '
                 'shared caches and memory bandwidth: they are noisy (load average %.2f before the run, %.2f after). '
                 'Compare figures of one run, and read differences of a few percent as noise.' % (
                     load_before[0], load_after[0]))
    for build in missing:
        lines.append('The %s build was not run (no tool).' % TITLES[build])
    lines.append('')
    lines.append('Every stage is timed on its own over the same bytes (WebAssembly has no cycle counters, no perf), '
                 'and the stages are differences: **total** = one-shot `lmzip::compress()` in memory; '
                 '**coder + framing + checksum** = total − the level\'s `Predictor` fed every bit; '
                 '**context models + mixing** = predictor − the neural model alone (`step()` and the 8 `p_bit()` '
                 'per byte); **model other** (gates, softmax or bit tree) = model − **matvec**, the model\'s '
                 'matrix-vector products alone (`best_matvec()`, W 3H×H and, for a softmax output, V 256×H once per byte; the bit-tree output\'s 8 rows of V per byte count in model other). A stage run '
                 'alone has the caches to itself, so the cache misses stages cause each other count in the '
                 'outer one; a negative share means a stage ran slower alone than inside the stage around it (noise, or '
                 'code that runs differently there): read it as small. KB/s = 1000 bytes of input per second of CPU time. '
                 'The round trip is checked at every level. Node ran with `--no-liftoff` (optimized code from the '
                 'first call: the steady state of a long run).')
    lines.append('')

    lines.append('## Compress speed per level (KB/s)')
    lines.append('')
    lines.append('| level | profile | model | ' + ' | '.join(TITLES[b].split(' (')[0] for b in results) + ' |')
    lines.append('|---:|:---|:---|' + '---:|' * len(results))
    for level in sorted({row['level'] for r in results.values() for row in r['levels']}):
        rows = {b: next((x for x in r['levels'] if x['level'] == level), None) for b, r in results.items()}
        any_row = next(x for x in rows.values() if x)
        cells = ['%.1f (%s B)' % (kbs(x, 'compress'), fmt_bytes(x['bytes'])) if x else '—' for x in rows.values()]
        lines.append('| %d | %s | %s | %s |' % (level, any_row['profile'], model_label(any_row), ' | '.join(cells)))
    lines.append('')

    for build, r in results.items():
        lines += build_section(build, r)
    lines.append('## Matvec kernels: multiply-adds per second against the peak')
    lines.append('')
    for build, r in results.items():
        lines += kernel_section(build, r)

    with open(args.out, 'w') as f:
        f.write('\n'.join(lines).rstrip() + '\n')
    print('profile.py: wrote %s' % args.out, file=sys.stderr)


if __name__ == '__main__':
    main()
