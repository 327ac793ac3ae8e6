#!/usr/bin/env bash
# Runs the lmzip fuzz targets one after the other from an already-built
# build-fuzz/ directory; needs neither make nor clang (the binaries link the
# sanitizer and libFuzzer runtimes statically), so build-fuzz/ may be copied
# to another x86-64 Linux machine and run there.
#
#   run.sh SECONDS [JOBS]
#
# SECONDS  fuzzing time per target (-max_total_time)
# JOBS     parallel worker processes per target (libFuzzer -fork=JOBS)
#
# Environment:
#   FUZZ_BIN_DIR   where the binaries are (default: this script's directory
#                  if it holds them, i.e. build-fuzz/run.sh, else
#                  ../build-fuzz beside fuzz/run.sh)
#   FUZZ_LOG_DIR   logs (default: $FUZZ_BIN_DIR/logs)
#   FUZZ_TARGETS   which targets (default: "fuzz_decode fuzz_roundtrip")
#   FUZZ_TIMEOUT   seconds one input may take before it counts as a hang (60)
#   FUZZ_RSS_MB    RSS limit per process in MiB (2560)
#   FUZZ_EXTRA     further libFuzzer flags
#
# Layout under $FUZZ_BIN_DIR: seeds/<target>/ (read only), corpus/<target>/
# (grows with each run), findings/<target>/ (crash-*, leak-*, timeout-*,
# oom-* inputs). Prints one summary line per target; exits 1 if a run left
# new findings.
set -u

if [ $# -lt 1 ] || ! [[ "$1" =~ ^[0-9]+$ ]]; then
  echo "usage: $0 SECONDS [JOBS]" >&2
  exit 2
fi
seconds=$1
jobs=${2:-1}
here=$(cd "$(dirname "$0")" && pwd)
if [ -z "${FUZZ_BIN_DIR:-}" ]; then
  if [ -x "$here/fuzz_decode" ]; then FUZZ_BIN_DIR=$here; else FUZZ_BIN_DIR=$here/../build-fuzz; fi
fi
bin_dir=$(cd "$FUZZ_BIN_DIR" && pwd) || exit 2
log_dir=${FUZZ_LOG_DIR:-$bin_dir/logs}
mkdir -p "$log_dir"
log_dir=$(cd "$log_dir" && pwd)
targets=${FUZZ_TARGETS:-fuzz_decode fuzz_roundtrip}
timeout=${FUZZ_TIMEOUT:-60}
rss_mb=${FUZZ_RSS_MB:-2560}
stamp=$(date +%Y%m%d-%H%M%S)
status=0

for t in $targets; do
  exe=$bin_dir/$t
  if [ ! -x "$exe" ]; then
    echo "$t: no binary at $exe (make fuzz-build)" >&2
    status=2
    continue
  fi
  corpus=$bin_dir/corpus/$t
  seeds=$bin_dir/seeds/$t
  findings=$bin_dir/findings/$t
  mkdir -p "$corpus" "$seeds" "$findings"
  dict=()
  [ -f "$bin_dir/lmzip.dict" ] && [ "$t" = fuzz_decode ] && dict=(-dict="$bin_dir/lmzip.dict")
  log=$log_dir/$t-$stamp.log
  before=$(ls "$findings" | wc -l)
  start=$(date +%s)
  # Fork mode even for one job: a crash, leak or timeout is saved under
  # findings/ and fuzzing goes on for the rest of the time. The worker logs
  # (fuzz-N.log) land in the current directory, so run from the log dir.
  (cd "$log_dir" && "$exe" -fork="$jobs" -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
      -max_total_time="$seconds" -timeout="$timeout" -rss_limit_mb="$rss_mb" \
      -artifact_prefix="$findings/" -print_final_stats=1 "${dict[@]}" ${FUZZ_EXTRA:-} \
      "$corpus" "$seeds") >"$log" 2>&1
  rc=$?
  elapsed=$(( $(date +%s) - start ))
  # Fork mode prints "#<total executions>: cov: ..." lines; the last one counts.
  execs=$(grep -aoE '^#[0-9]+' "$log" | tail -1 | tr -d '#')
  execs=${execs:-0}
  cov=$(grep -aoE 'cov: [0-9]+' "$log" | tail -1 | awk '{print $2}')
  after=$(ls "$findings" | wc -l)
  new=$((after - before))
  files=$(ls "$corpus" | wc -l)
  rate=$(( elapsed > 0 ? execs / elapsed : execs ))
  echo "$t: $execs executions in ${elapsed}s (${rate}/s, $jobs jobs), cov ${cov:-?}, corpus $files files, new findings $new, rc $rc, log $log"
  [ "$new" -gt 0 ] && { status=1; ls "$findings" | sed "s|^|  $findings/|" | tail -n "$new"; }
done
exit $status
