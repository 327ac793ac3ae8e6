#!/usr/bin/env bash
# Checks the Node CLI (npm/bin/lmzip.mjs) against the native one:
#   - the same compressed bytes for the same input and level,
#   - each decompresses the other's output,
#   - the same exit status and the same stderr for error cases (corrupt,
#     truncated, not lmzip, trailing data, output limit, missing file,
#     refusal to overwrite, bad suffix, bad options, a stream naming another
#     model, a wrong or unusable --model file, ...),
#   - the same stdout and stderr for --help, -V, --levels and -l (listings of
#     good, bad and golden files, several at once, stdin),
#   - stdin -> stdout in both directions,
#   - and, when the repository's CLI test script is there, that whole suite
#     run against the Node CLI.
#
#   bash npm/scripts/cli-check.sh
# The native CLI is $LMZIP_NATIVE_CLI, else ../build/lmzip (from npm/).
# Exit 0 when every check passes; otherwise prints each failure, exits 1.
set -u

SCRIPT_DIR="$(cd "$(dirname "$0")" && pwd)"
NPM_DIR="$(cd "$SCRIPT_DIR/.." && pwd)"
NODE_CLI="$NPM_DIR/bin/lmzip.mjs"
NATIVE="${LMZIP_NATIVE_CLI:-$NPM_DIR/../build/lmzip}"

if [ ! -x "$NATIVE" ]; then
  echo "cli-check: native CLI not found at $NATIVE (build it with 'make', or set LMZIP_NATIVE_CLI)" >&2
  exit 2
fi
NATIVE="$(cd "$(dirname "$NATIVE")" && pwd)/$(basename "$NATIVE")"
if [ ! -f "$NPM_DIR/dist/lmzip-simd.wasm" ]; then
  echo "cli-check: $NPM_DIR/dist is not built (run 'make wasm')" >&2
  exit 2
fi
command -v node > /dev/null || { echo "cli-check: node not found" >&2; exit 2; }
NODE=(node "$NODE_CLI")

WORK="$(mktemp -d "${TMPDIR:-/tmp}/lmzip-cli-check.XXXXXX")" || exit 1
trap 'rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM
cd "$WORK" || exit 1
mkdir orig

failures=0
checks=0
current=""
section() { current="$1"; }
fail() {
  echo "FAIL [$current]: $*" >&2
  failures=$((failures + 1))
}
ok() { checks=$((checks + 1)); }
same() {  # same A B what
  if cmp -s "$1" "$2"; then ok; else fail "$3: $1 and $2 differ"; fi
}

# ----------------------------------------------------------------- inputs
: > orig/empty
printf 'x' > orig/one
for i in $(seq 1 400); do
  echo "line $i: the quick brown fox jumps over the lazy dog; lmzip test text $((i * i))"
done > orig/text
head -c 65536 /dev/urandom > orig/random
head -c 3000 /dev/zero > orig/zeros
# Over one 1 MiB block, with incompressible stretches: stored and coded
# blocks, and a block boundary.
{ for _ in 1 2 3 4; do cat orig/text orig/random; done
  for i in $(seq 1 9000); do echo "record $i of the second part, value $((i * 7919 % 1000))"; done
  head -c 200000 /dev/urandom | base64; } > orig/multi
INPUTS="empty one text random zeros multi"

# ----------------------------------------------------------------- same bytes
section "same bytes"
for f in $INPUTS; do
  if [ "$f" = text ]; then levels="1 2 5 6 9"; else levels="1 6"; fi
  for l in $levels; do
    "$NATIVE" -"$l" -c "orig/$f" > "$f.$l.native.lmz" || fail "native -$l -c $f failed"
    "${NODE[@]}" -"$l" -c "orig/$f" > "$f.$l.node.lmz" || fail "node -$l -c $f failed"
    same "$f.$l.native.lmz" "$f.$l.node.lmz" "-$l on $f"
  done
done
# Default level and in-place mode (FILE -> FILE.lmz, FILE removed).
cp orig/text a
cp orig/text b
"$NATIVE" a && "${NODE[@]}" b || fail "in-place compression failed"
same a.lmz b.lmz "in-place, default level"
[ ! -e a ] && [ ! -e b ] && ok || fail "in-place compression kept its input"
rm -f a.lmz b.lmz

# ----------------------------------------------------------------- cross decompression
section "cross decompression"
for f in $INPUTS; do
  "${NODE[@]}" -dc "$f.1.native.lmz" > out.node || fail "node -dc $f.1.native.lmz failed"
  same out.node "orig/$f" "node decompressing native's $f"
  "$NATIVE" -dc "$f.6.node.lmz" > out.native || fail "native -dc $f.6.node.lmz failed"
  same out.native "orig/$f" "native decompressing node's $f"
done
cp text.9.native.lmz x.lmz
"${NODE[@]}" -d x.lmz || fail "node -d x.lmz failed"
same x orig/text "node -d in place"
[ ! -e x.lmz ] && ok || fail "node -d kept x.lmz"
"${NODE[@]}" -t text.6.native.lmz && ok || fail "node -t on a good file"
"$NATIVE" -t text.6.node.lmz && ok || fail "native -t on node's file"
rm -f x out.node out.native

# ----------------------------------------------------------------- stdin/stdout
section "stdin/stdout"
"${NODE[@]}" -5 < orig/text > s.node.lmz || fail "node stdin -> stdout"
"$NATIVE" -5 < orig/text > s.native.lmz
same s.node.lmz s.native.lmz "stdin -> stdout compression"
# Through pipes, input arriving in small pieces.
# The size of a pipe is unknown, so its tables are sized for a frame, not
# for the input: compare with the native CLI on the same pipe.
cat orig/multi | "${NODE[@]}" -1 | cat > p.node.lmz
cat orig/multi | "$NATIVE" -1 | cat > p.native.lmz
same p.node.lmz p.native.lmz "piped compression"
cat multi.1.native.lmz | "${NODE[@]}" -d | cat > p.out
same p.out orig/multi "piped decompression"
"${NODE[@]}" -c - < orig/one > one.lmz && "${NODE[@]}" -d < one.lmz > one.out || fail "'-' and -d from stdin"
same one.out orig/one "'-' as a file name"
"${NODE[@]}" -t < s.native.lmz && ok || fail "node -t from stdin"
rm -f s.node.lmz s.native.lmz p.node.lmz p.native.lmz p.out one.lmz one.out

# ----------------------------------------------------------------- the same errors
# run_both NAME SETUP ARGS...: runs ARGS under each CLI in a fresh copy of
# the fixtures made by the shell snippet SETUP; compares exit status, stderr
# and the files left behind.
section "errors"
"$NATIVE" -c orig/text > good.lmz
size=$(wc -c < good.lmz)
cp good.lmz bad.lmz
printf '\x5a' | dd of=bad.lmz bs=1 seek=$((size / 2)) conv=notrunc status=none
if cmp -s bad.lmz good.lmz; then
  printf '\xa5' | dd of=bad.lmz bs=1 seek=$((size / 2)) conv=notrunc status=none
fi
head -c $((size - 3)) good.lmz > trunc.lmz
{ cat good.lmz; printf 'junk'; } > trail.lmz
cat good.lmz good.lmz > twice.lmz
cp orig/text notlmz.lmz
: > zero.lmz
cp orig/text plain
"$NATIVE" -1 -c orig/text > l1.lmz
"$NATIVE" -9 -c orig/text > l9.lmz
"$NATIVE" -1 -c --frame-size=1K orig/text > framed.lmz
# The model id (header bytes 6..9, docs/FORMAT.md) changed: as if written
# with a model neither CLI has.
cp good.lmz othermodel.lmz
printf '\x5a' | dd of=othermodel.lmz bs=1 seek=6 conv=notrunc status=none
mkdir -p fixtures
mv good.lmz bad.lmz trunc.lmz trail.lmz twice.lmz notlmz.lmz zero.lmz plain l1.lmz l9.lmz framed.lmz othermodel.lmz \
  fixtures/
printf 'not a model' > fixtures/bad.lmzm
MODELS="$NPM_DIR/../models"
GOLDEN="$NPM_DIR/../tests/golden"

run_both() {
  local what="$1"
  shift
  local tool rc_native rc_node
  for tool in native node; do
    rm -rf "run.$tool"
    cp -a fixtures "run.$tool"
    if [ "$tool" = native ]; then
      (cd "run.$tool" && "$NATIVE" "$@" > ../stdout.$tool 2> ../stderr.$tool)
      rc_native=$?
    else
      (cd "run.$tool" && "${NODE[@]}" "$@" > ../stdout.$tool 2> ../stderr.$tool)
      rc_node=$?
    fi
  done
  if [ "$rc_native" = "$rc_node" ]; then ok; else fail "$what: exit status $rc_node, native $rc_native"; fi
  if cmp -s stderr.native stderr.node; then ok; else
    fail "$what: stderr differs"
    diff stderr.native stderr.node | sed 's/^/    /' | head -n 6 >&2
  fi
  if cmp -s stdout.native stdout.node; then ok; else fail "$what: stdout differs"; fi
  if diff -r run.native run.node > /dev/null; then ok; else
    fail "$what: files left behind differ"
    diff -r run.native run.node | sed 's/^/    /' | head -n 6 >&2
  fi
  last_rc=$rc_node
  rm -rf run.native run.node
}

run_both "-t on a corrupt file" -t bad.lmz
if [ "$last_rc" -ne 0 ] && grep -Eq '^lmzip: bad\.lmz: .*\(LMZ_ERR_[A-Z_]+\)$' stderr.node; then ok; else
  fail "-t on a corrupt file: status $last_rc, stderr: $(cat stderr.node)"
fi
run_both "-d on a corrupt file" -d bad.lmz
run_both "truncated" -d trunc.lmz
grep -q 'LMZ_ERR_TRUNCATED' stderr.node && ok || fail "truncated: no LMZ_ERR_TRUNCATED"
run_both "empty .lmz" -t zero.lmz
run_both "not lmzip" -t notlmz.lmz
grep -q 'LMZ_ERR_NOT_LMZIP' stderr.node && ok || fail "not lmzip: no LMZ_ERR_NOT_LMZIP"
run_both "trailing data" -d trail.lmz
run_both "two streams" -t twice.lmz
run_both "output limit" -d --max-output 1K good.lmz
grep -q 'LMZ_ERR_OUTPUT_LIMIT' stderr.node && ok || fail "output limit: no LMZ_ERR_OUTPUT_LIMIT"
run_both "output limit, exact size" -dc --max-output="$(wc -c < orig/text)" good.lmz
run_both "output limit, bad size" -dc --max-output=12Q good.lmz
run_both "refuse to overwrite (compress)" -k plain plain
run_both "refuse to overwrite (decompress)" -dk good.lmz good.lmz
run_both "overwrite with -f" -dkf good.lmz
run_both "unknown suffix" -d plain
run_both "already .lmz" -k good.lmz
run_both "missing file among others" -k missing plain
run_both "a directory" -k .
run_both "a directory, -q" -q .
run_both "unknown option" -Z plain
run_both "unknown long option" --bogus plain
run_both "invalid level" --level=0 -c plain
run_both "level without argument" --level
run_both "value on a flag" --keep=1 plain
run_both "--help" --help
run_both "--version" -V
run_both "--levels" --levels
run_both "a stream naming another model" -t othermodel.lmz
grep -q 'LMZ_ERR_MODEL_MISMATCH' stderr.node && ok || fail "another model: no LMZ_ERR_MODEL_MISMATCH"
if [ -f "$MODELS/large.lmzm" ]; then
  run_both "the wrong --model" -dc --model "$MODELS/large.lmzm" good.lmz
  grep -q 'the --model file is' stderr.node && ok || fail "wrong --model: $(cat stderr.node)"
  run_both "--model at a level without a model" -1 -c --model "$MODELS/large.lmzm" plain
  run_both "-l with --model" -l --model "$MODELS/large.lmzm" good.lmz
fi
run_both "an unusable --model file" -c --model bad.lmzm plain
run_both "a missing --model file" -c --model missing.lmzm plain

section "list"
run_both "-l" -l good.lmz
run_both "--list of several levels" --list good.lmz l1.lmz l9.lmz
run_both "-l of good and bad files" -l good.lmz bad.lmz trunc.lmz notlmz.lmz zero.lmz trail.lmz twice.lmz plain l9.lmz
run_both "-l of a directory and a missing file" -l . missing.lmz good.lmz
run_both "-lq, -lv" -lqv good.lmz l1.lmz
run_both "-lv: frame rows" -lv framed.lmz twice.lmz l9.lmz
if compgen -G "$GOLDEN/*.lmz" > /dev/null; then
  run_both "-l of every golden file" -l "$GOLDEN"/*.lmz
  [ "$last_rc" = 0 ] && ok || fail "-l of the golden files: status $last_rc"
fi
for tool in native node; do
  if [ "$tool" = native ]; then "$NATIVE" -l < fixtures/l9.lmz > list.$tool 2>&1; else "${NODE[@]}" -l < fixtures/l9.lmz > list.$tool 2>&1; fi
done
same list.native list.node "-l from stdin"
for tool in native node; do
  if [ "$tool" = native ]; then "$NATIVE" -l < fixtures/trail.lmz > list.$tool 2>&1; else "${NODE[@]}" -l < fixtures/trail.lmz > list.$tool 2>&1; fi
done
same list.native list.node "-l from stdin, trailing data"
rm -f list.native list.node

# Nothing may be overwritten without -f, and no temporary file may remain.
section "overwrite"
cp orig/text o
echo precious > o.lmz
"${NODE[@]}" o 2> err && fail "node overwrote o.lmz (status 0)" || ok
grep -q 'o.lmz: already exists; not overwritten (use -f to overwrite)' err && ok || fail "refusal message: $(cat err)"
[ "$(cat o.lmz)" = precious ] && ok || fail "o.lmz was changed"
[ -e o ] && ok || fail "input removed after a refusal"
"${NODE[@]}" -f o && ok || fail "node -f o"
"$NATIVE" -dc o.lmz | cmp -s - orig/text && ok || fail "node -f output does not decompress"
left=$(find . \( -name '*.tmp.*' -o -name '.lmz??????' \) | head -n 3)
[ -z "$left" ] && ok || fail "temporary files left behind: $left"
rm -f o o.lmz err

# ----------------------------------------------------------------- the native test suite
SUITE="$NPM_DIR/../tests/cli_test.sh"
if [ -f "$SUITE" ] && [ "${LMZIP_CLI_CHECK_SUITE:-1}" != 0 ]; then
  section "tests/cli_test.sh"
  if bash "$SUITE" "$NODE_CLI" > suite.out 2>&1; then ok; else
    fail "tests/cli_test.sh against the Node CLI"
    grep FAIL suite.out | head -n 10 | sed 's/^/    /' >&2
  fi
fi

if [ "$failures" -ne 0 ]; then
  echo "cli-check: $failures check(s) FAILED ($checks passed)" >&2
  exit 1
fi
echo "cli-check: all $checks checks passed"
