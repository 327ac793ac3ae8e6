#!/usr/bin/env bash
# Resident memory of a long stream (issue 6: "a stream of 1 GB through the CLI
# and through Node pipeline() keeps resident memory under 256 MB").
#
#   bash bench/big_stream.sh [MiB] [LEVEL] [cli|node|both]     (default 1024 1 both)
#
# CLI: MiB of real text (the training shards, decompressed on the fly and
# repeated as needed) -> `lmzip -c` -> `lmzip -d -c` -> SHA-256, compared
# with the SHA-256 of the same input; each lmzip process runs under
# /usr/bin/time -v (peak RSS = "Maximum resident set size").
# Node: npm/test/support/stream-child.mjs (generated log text ->
# createCompress -> createDecompress -> SHA-256 in one process; peak
# process.memoryUsage.rss() sampled every 50 ms and on every chunk).
# Prints one line per check; exits 1 if bytes differ or RSS >= 256 MB.
set -euo pipefail
cd "$(dirname "$0")/.."
mib=${1:-1024}
level=${2:-1}
which=${3:-both}
limit_kb=$((256 * 1000))
corpus=${CORPUS:-../shared/corpus}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0

text() {  # $mib MiB of text from the training shards, repeated as needed
  # xz stops with SIGPIPE once head has enough, which ends the loop
  while xz -dc "$corpus"/train/*.bin.xz; do :; done 2>/dev/null | head -c $((mib * 1048576)) || true
}

if [ "$which" != node ]; then
  cp build/lmzip "$work/lmzip"  # a rebuild during the run must not change the binary
  start=$(date +%s)
  text | /usr/bin/time -v -o "$work/c.time" "$work/lmzip" -c "-$level" |
    tee >(wc -c > "$work/size") |
    /usr/bin/time -v -o "$work/d.time" "$work/lmzip" -d -c | sha256sum | cut -d' ' -f1 > "$work/out.sha"
  secs=$(( $(date +%s) - start ))
  text | sha256sum | cut -d' ' -f1 > "$work/in.sha"
  rss() { awk -F': ' '/Maximum resident set size/ {print $2}' "$1"; }
  c_kb=$(rss "$work/c.time"); d_kb=$(rss "$work/d.time")
  same=$([ "$(cat "$work/in.sha")" = "$(cat "$work/out.sha")" ] && echo yes || echo NO)
  echo "cli: $mib MiB at level $level -> $(cat "$work/size") bytes, round trip identical: $same," \
       "peak RSS compress $((c_kb / 1024)) MiB, decompress $((d_kb / 1024)) MiB, ${secs} s"
  [ "$same" = yes ] && [ "$c_kb" -lt "$limit_kb" ] && [ "$d_kb" -lt "$limit_kb" ] || status=1
fi

if [ "$which" != cli ]; then
  json=$(node npm/test/support/stream-child.mjs "$mib" "$level")
  echo "node: $json"
  node -e '
    const r = JSON.parse(process.argv[1]);
    const ok = r.inputSha256 === r.outputSha256 && r.inputBytes === r.outputBytes && r.peakRssBytes < 256e6;
    console.log(`node: ${(r.inputBytes / 2 ** 20).toFixed(0)} MiB, round trip identical: ${r.inputSha256 === r.outputSha256}, peak RSS ${(r.peakRssBytes / 2 ** 20).toFixed(0)} MiB`);
    process.exit(ok ? 0 : 1);' "$json" || status=1
fi
exit $status
