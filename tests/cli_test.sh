#!/usr/bin/env bash
# Tests of the lmzip command-line tool.
#   bash tests/cli_test.sh path/to/lmzip
# Exit 0 when every check passes; otherwise prints each failure and exits 1.
set -u

if [ $# -ne 1 ] || [ ! -x "$1" ]; then
  echo "usage: bash $0 path/to/lmzip   (got: ${1:-nothing})" >&2
  exit 2
fi
LMZIP="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
SCRIPT_DIR="$(cd "$(dirname "$0")" && pwd)"
CORPUS="$SCRIPT_DIR/../../shared/corpus"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/lmzip-cli-test.XXXXXX")" || exit 1
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
  if [ -s err ]; then sed 's/^/    stderr: /' err | head -n 5 >&2; fi
  failures=$((failures + 1))
}
ok() { checks=$((checks + 1)); }

# run CMD...: runs it with stdout in ./out and stderr in ./err; sets $rc.
run() {
  "$@" >out 2>err
  rc=$?
}
expect_rc() {  # expect_rc N what
  if [ "$rc" -eq "$1" ]; then ok; else fail "$2: exit status $rc, expected $1"; fi
}
expect_err() {  # expect_err PATTERN what (grep -E on stderr)
  if grep -Eq -- "$1" err; then ok; else fail "$2: stderr lacks /$1/"; fi
}
expect_file() { if [ -e "$1" ]; then ok; else fail "$1 should exist"; fi; }
expect_no_file() { if [ ! -e "$1" ] && [ ! -L "$1" ]; then ok; else fail "$1 should not exist"; fi; }
expect_same() {  # expect_same A B
  if cmp -s "$1" "$2"; then ok; else fail "$1 and $2 differ"; fi
}
expect_no_temp() {
  local left
  left=$(find . \( -name '*.tmp.*' -o -name '.lmz??????' \) | head -n 3)
  if [ -z "$left" ]; then ok; else fail "temporary files left behind: $left"; fi
}

# ----------------------------------------------------------------- inputs
: > orig/empty
printf 'x' > orig/one
for i in $(seq 1 200); do
  echo "line $i: the quick brown fox jumps over the lazy dog; lmzip test text $((i * i))"
done > orig/text
head -c 65536 /dev/urandom > orig/random
head -c 3000 /dev/zero > orig/zeros
INPUTS="empty one text random zeros"

# ----------------------------------------------------------------- round trips
section "round trip"
for f in $INPUTS; do
  cp "orig/$f" "$f"
  run "$LMZIP" "$f"
  expect_rc 0 "compress $f"
  expect_file "$f.lmz"
  expect_no_file "$f"            # input removed by default
  if [ -s out ]; then fail "compress $f wrote to stdout"; else ok; fi
  run "$LMZIP" -d "$f.lmz"
  expect_rc 0 "decompress $f.lmz"
  expect_file "$f"
  expect_no_file "$f.lmz"        # input removed by default
  expect_same "$f" "orig/$f"
  rm -f "$f" "$f.lmz"
done
expect_no_temp

# Bounded expansion of incompressible data (the library's promise; cheap to check).
"$LMZIP" -c orig/random > random.lmz
size=$(wc -c < random.lmz)
if [ "$size" -le $((65536 + 1024)) ]; then ok; else fail "random data expanded to $size bytes"; fi
rm -f random.lmz

# ----------------------------------------------------------------- -k, --keep
section "keep"
cp orig/text t1
run "$LMZIP" -k t1
expect_rc 0 "compress -k"
expect_file t1
expect_file t1.lmz
rm t1
run "$LMZIP" --decompress --keep t1.lmz
expect_rc 0 "decompress --keep"
expect_file t1.lmz
expect_same t1 orig/text
rm -f t1 t1.lmz

# ----------------------------------------------------------------- overwrite
section "overwrite"
cp orig/text t2
echo "precious" > t2.lmz
cp t2.lmz t2.lmz.before
run "$LMZIP" t2
expect_rc 1 "compress onto existing output without -f"
expect_err "t2\.lmz.*exists" "refusal names the output"
expect_same t2.lmz t2.lmz.before
expect_file t2                  # input untouched
run "$LMZIP" -f t2
expect_rc 0 "compress with -f"
expect_no_file t2
cp orig/text t2                 # decompression target exists
run "$LMZIP" -d t2.lmz
expect_rc 1 "decompress onto existing output without -f"
expect_err "exists" "refusal message"
expect_file t2.lmz
run "$LMZIP" -d --force t2.lmz
expect_rc 0 "decompress with --force"
expect_same t2 orig/text
expect_no_file t2.lmz
rm -f t2 t2.lmz t2.lmz.before
expect_no_temp

# ----------------------------------------------------------------- -c, pipes
section "stdout"
cp orig/text t3
run "$LMZIP" -c t3
expect_rc 0 "compress -c"
expect_file t3                  # -c keeps the input
expect_no_file t3.lmz
mv out t3.c.lmz
run "$LMZIP" -dc t3.c.lmz
expect_rc 0 "decompress -dc"
expect_same out orig/text
expect_file t3.c.lmz
run "$LMZIP" -dkc t3.c.lmz       # combined short flags
expect_rc 0 "decompress -dkc"
expect_same out orig/text
run "$LMZIP" --stdout --decompress t3.c.lmz
expect_rc 0 "long options"
expect_same out orig/text
# -d -c accepts any name.
cp t3.c.lmz noext
run "$LMZIP" -dc noext
expect_rc 0 "-dc on a name without .lmz"
expect_same out orig/text
rm -f t3 t3.c.lmz noext

section "stdin/stdout"
"$LMZIP" < orig/text | "$LMZIP" -d > piped 2>err
rc=$?
expect_rc 0 "stdin -> stdout pipe"
expect_same piped orig/text
cat orig/random | "$LMZIP" -9 | cat | "$LMZIP" -d | cat > piped 2>err
expect_same piped orig/random
run "$LMZIP" -c - < orig/one
expect_rc 0 "'-' as a file name"
mv out one.lmz
run "$LMZIP" -d < one.lmz
expect_rc 0 "decompress stdin"
expect_same out orig/one
rm -f piped one.lmz

# ----------------------------------------------------------------- -t
section "test"
"$LMZIP" -c orig/text > good.lmz
run "$LMZIP" -t good.lmz
expect_rc 0 "-t on a good file"
expect_file good.lmz
expect_no_file good
if [ -s out ]; then fail "-t wrote to stdout"; else ok; fi
run "$LMZIP" -tv good.lmz
expect_rc 0 "-tv on a good file"
expect_err "OK" "-tv reports OK"

# Corrupt one byte in the middle of the coded data.
size=$(wc -c < good.lmz)
cp good.lmz bad.lmz
printf '\x5a' | dd of=bad.lmz bs=1 seek=$((size / 2)) conv=notrunc status=none
if cmp -s bad.lmz good.lmz; then
  printf '\xa5' | dd of=bad.lmz bs=1 seek=$((size / 2)) conv=notrunc status=none
fi
run "$LMZIP" -t bad.lmz
expect_rc 1 "-t on a corrupted file"
expect_err "bad\.lmz: .*\(LMZ_ERR_[A-Z_]+\)" "-t names the file and the error code"
run "$LMZIP" -d bad.lmz
expect_rc 1 "decompress a corrupted file"
expect_no_file bad              # no partial output
expect_file bad.lmz             # input kept
expect_no_temp

# Not lmzip at all.
cp orig/text notlmz.lmz
run "$LMZIP" -t notlmz.lmz
expect_rc 1 "-t on a non-lmzip file"
expect_err "LMZ_ERR_NOT_LMZIP" "not-lmzip error code"

# ----------------------------------------------------------------- truncation, trailing data
section "truncated"
head -c $((size - 3)) good.lmz > trunc.lmz
run "$LMZIP" -d trunc.lmz
expect_rc 1 "decompress a truncated file"
expect_err "trunc\.lmz: .*LMZ_ERR_TRUNCATED" "truncation error code"
expect_no_file trunc
expect_file trunc.lmz
head -c $((size / 2)) good.lmz > trunc2.lmz
run "$LMZIP" -t trunc2.lmz
expect_rc 1 "-t on a file cut in half"
expect_err "LMZ_ERR_TRUNCATED" "truncation error code (half)"
: > zero.lmz
run "$LMZIP" -t zero.lmz
expect_rc 1 "-t on an empty file"
expect_err "LMZ_ERR_TRUNCATED" "empty .lmz is truncated"
head -c $((size - 3)) good.lmz | "$LMZIP" -d > /dev/null 2>err
rc=$?
expect_rc 1 "truncated stream on stdin"
expect_err "LMZ_ERR_TRUNCATED" "truncation error code (stdin)"
expect_no_temp

section "trailing data"
{ cat good.lmz; printf 'junk'; } > trail.lmz
run "$LMZIP" -d trail.lmz
expect_rc 1 "trailing garbage"
expect_err "trailing data" "trailing data message"
expect_no_file trail
{ cat good.lmz; printf 'junk'; } | "$LMZIP" -t > /dev/null 2>err
rc=$?
expect_rc 1 "trailing data on stdin"
rm -f good.lmz bad.lmz notlmz.lmz trunc.lmz trunc2.lmz zero.lmz trail.lmz

# ----------------------------------------------------------------- frames, threads, concatenation
section "concatenation"
# Files one after another decode as the concatenation of their contents (as
# gzip, xz and zstd do), and -c of several files writes such a file.
"$LMZIP" -1 -c orig/text > c1.lmz
"$LMZIP" -6 -c orig/one > c2.lmz
cat c1.lmz c2.lmz c1.lmz | "$LMZIP" -d > out 2>err
rc=$?
expect_rc 0 "concatenated files on stdin"
cat orig/text orig/one orig/text > want
expect_same out want
run "$LMZIP" -c orig/text orig/one
expect_rc 0 "-c of two files"
cp out ab.lmz
run "$LMZIP" -t ab.lmz
expect_rc 0 "-t of a file written by -c a b"
run "$LMZIP" -dc ab.lmz
cat orig/text orig/one > want
expect_same out want
run "$LMZIP" -l ab.lmz
expect_rc 0 "-l of concatenated files"
if awk 'NR == 2 { exit !($7 == 2) }' out; then ok; else fail "-l of two files: $(sed -n 2p out)"; fi
{ cat c1.lmz; head -c 8 c2.lmz; } > cut.lmz
run "$LMZIP" -t cut.lmz
expect_rc 1 "a second file cut short"
expect_err "LMZ_ERR_TRUNCATED" "a second file cut short is truncated"
rm -f c1.lmz c2.lmz ab.lmz cut.lmz want

section "frames and threads"
# The bytes depend on the frame size, never on the thread count.
for i in $(seq 1 40); do cat orig/text; done > big
"$LMZIP" -1 -c --frame-size=16K big > f1.lmz
for t in 2 3 0; do
  run "$LMZIP" -1 -c --frame-size=16K -T "$t" big
  expect_rc 0 "-T $t"
  expect_same out f1.lmz
done
run "$LMZIP" -1 -c -T2 --frame-size 16K big
expect_same out f1.lmz
for t in 1 2 0; do
  run "$LMZIP" -1 -T"$t" -dc f1.lmz
  expect_same out big
done
run "$LMZIP" -T2 -t f1.lmz
expect_rc 0 "-t -T2 of a framed file"
run "$LMZIP" -T2 -dc --max-output=1000 f1.lmz
expect_rc 1 "-T2 with --max-output"
expect_err "LMZ_ERR_OUTPUT_LIMIT" "-T2 stops at the output limit"
if [ "$(wc -c < out)" -le 1000 ]; then ok; else fail "-T2 wrote past --max-output"; fi
"$LMZIP" -T2 -dc < f1.lmz > out 2>err
expect_same out big
run "$LMZIP" -l f1.lmz
frames=$(awk 'NR == 2 { print $7 }' out)
want=$(( ($(wc -c < big) + 16383) / 16384 ))
if [ "$frames" = "$want" ]; then ok; else fail "-l: $frames frames, want $want"; fi
# -l -v: a row per frame; the frames lie end to end, then the seek table
# (16 + 8 bytes per frame), and their originals add up to the input.
run "$LMZIP" -lv f1.lmz
expect_rc 0 "-l -v of a framed file"
if awk -v frames="$frames" -v size="$(wc -c < f1.lmz)" -v original="$(wc -c < big)" '
     BEGIN { next_offset = 0 }
     NR > 3 { if ($1 != NR - 3 || $2 != next_offset || $9 !~ /^[0-9a-f]+$/ || length($9) != 8) bad = 1
              next_offset = $2 + $3; sum += $4; n++ }
     END { exit bad || !(n == frames && next_offset + 16 + 8 * n == size && sum == original) }' out
then ok; else fail "-l -v frame rows: $(cat out)"; fi
# Input of unknown size (a pipe): framed once it is longer than one frame.
"$LMZIP" -1 --frame-size=16K < big > piped.lmz
run "$LMZIP" -dc piped.lmz
expect_same out big
"$LMZIP" -1 --frame-size=16K < orig/one > piped1.lmz
"$LMZIP" -1 --frame-size=16K -c orig/one > file1.lmz
run "$LMZIP" -l piped1.lmz
if awk 'NR == 2 { exit !($7 == 1) }' out; then ok; else fail "a short pipe is one frame: $(sed -n 2p out)"; fi
# A frame cut from the middle, a seek table damaged: errors, never wrong bytes.
size=$(wc -c < f1.lmz)
head -c $((size - 30)) f1.lmz > cut.lmz
run "$LMZIP" -t cut.lmz
expect_rc 1 "a framed file cut short"
cp f1.lmz bad.lmz
printf '\xff' | dd of=bad.lmz bs=1 seek=$((size - 14)) conv=notrunc 2>/dev/null
run "$LMZIP" -t bad.lmz
expect_rc 1 "a damaged seek table"
expect_err "LMZ_ERR_CORRUPT_DATA" "a damaged seek table is corrupt data"
for bad in "-T x" "-T 257" "-T -1" "--frame-size=100" "--frame-size=2G" "-T"; do
  # shellcheck disable=SC2086
  run "$LMZIP" -c $bad orig/text
  expect_rc 1 "usage error: $bad"
done
rm -f big f1.lmz piped.lmz piped1.lmz file1.lmz cut.lmz bad.lmz

# ----------------------------------------------------------------- suffix
section "suffix"
cp orig/text plain
# Skipped with a warning (status 2), as every other skipped file.
run "$LMZIP" -d plain
expect_rc 2 "-d on a name without .lmz"
expect_err "^lmzip: plain: unknown suffix \(expected \.lmz\) -- ignored$" "warning names the file"
expect_file plain
run "$LMZIP" -dq plain
expect_rc 2 "-dq on a name without .lmz"
if [ -s err ]; then fail "-q printed the unknown-suffix warning"; else ok; fi
cp orig/text .lmz
run "$LMZIP" -d .lmz
expect_rc 2 "-d on the bare name .lmz"
rm -f .lmz
"$LMZIP" -c plain > plain.lmz
cp plain.lmz plain.lmz.keep
run "$LMZIP" -k plain.lmz
expect_rc 2 "compressing a .lmz file warns"
expect_no_file plain.lmz.lmz
rm -f plain plain.lmz plain.lmz.keep

# ----------------------------------------------------------------- levels
section "levels"
for opt in -1 -9 --level=3 "--level 5" --fast --best -k2; do
  cp orig/text lv
  # shellcheck disable=SC2086
  run "$LMZIP" $opt -c lv
  expect_rc 0 "compress $opt"
  mv out lv.lmz
  run "$LMZIP" -dc lv.lmz
  expect_rc 0 "decompress after $opt"
  expect_same out orig/text
  rm -f lv lv.lmz
done
for bad in --level=0 --level=10 --level=x -0; do
  run "$LMZIP" "$bad" -c orig/one
  expect_rc 1 "invalid level $bad"
done

# ----------------------------------------------------------------- --max-output
section "max-output"
tsize=$(wc -c < orig/text)
"$LMZIP" -c orig/text > mo.lmz
run "$LMZIP" -d --max-output 100 mo.lmz
expect_rc 1 "--max-output too small"
expect_err "mo\.lmz: .*LMZ_ERR_OUTPUT_LIMIT" "output limit error code"
expect_no_file mo
expect_file mo.lmz
expect_no_temp
run "$LMZIP" -t --max-output=1K mo.lmz
expect_rc 1 "--max-output=1K"
expect_err "LMZ_ERR_OUTPUT_LIMIT" "output limit error code (1K)"
run "$LMZIP" -dc --max-output="$tsize" mo.lmz
expect_rc 0 "--max-output exactly the size"
expect_same out orig/text
run "$LMZIP" -dc --max-output=$((tsize - 1)) mo.lmz
expect_rc 1 "--max-output one byte short"
run "$LMZIP" -dc --max-output=1M mo.lmz
expect_rc 0 "--max-output=1M"
run "$LMZIP" -dc --max-output=12Q mo.lmz
expect_rc 1 "--max-output with a bad suffix"
"$LMZIP" -c orig/random > mo2.lmz
run "$LMZIP" -t --max-output 1000 mo2.lmz
expect_rc 1 "--max-output on stored data"
expect_err "LMZ_ERR_OUTPUT_LIMIT" "output limit error code (stored)"
rm -f mo.lmz mo2.lmz

# ----------------------------------------------------------------- --model
section "model"
MODELS="$SCRIPT_DIR/../models"
large_id=$(python3 -c "import sys, zlib; print('%08x' % zlib.crc32(open(sys.argv[1], 'rb').read()))" "$MODELS/large.lmzm")
run "$LMZIP" -c -6 --model "$MODELS/large.lmzm" orig/text
expect_rc 0 "compress -6 with --model large.lmzm"
cp out ml.lmz
if [ "$(od -An -tx1 -j6 -N4 ml.lmz | tr -d ' \n' | sed 's/\(..\)\(..\)\(..\)\(..\)/\4\3\2\1/')" = "$large_id" ]; then ok
else fail "the stream should name the --model file's id $large_id"; fi
run "$LMZIP" -dc ml.lmz
expect_rc 0 "decompress: the built-in large model has that id"
expect_same out orig/text
run "$LMZIP" -dc --model="$MODELS/large.lmzm" ml.lmz
expect_rc 0 "decompress with the same --model"
expect_same out orig/text
"$LMZIP" -c -6 orig/text > md.lmz
run "$LMZIP" -dc --model "$MODELS/large.lmzm" md.lmz
expect_rc 1 "decompress with the wrong --model"
expect_err "md\.lmz: .*needs model [0-9a-f]{8}, the --model file is $large_id.*LMZ_ERR_MODEL_MISMATCH" "names both models"
# A stream naming model id 0, which no model has: a corrupt header, not a
# missing model.
cp md.lmz id0.lmz
printf '\0\0\0\0' | dd of=id0.lmz bs=1 seek=6 conv=notrunc status=none
for mode in -t -l -d; do
  run "$LMZIP" "$mode" id0.lmz
  expect_rc 1 "$mode on a stream naming model id 0"
  expect_err "^lmzip: id0\.lmz: corrupt header: the stream names no model \(id 0\), but level 6 needs one \(LMZ_ERR_CORRUPT_HEADER\)$" "$mode: model id 0"
done
expect_file id0.lmz
expect_no_file id0
rm -f id0.lmz
printf 'not a model' > bad.lmzm
for m in bad.lmzm orig/empty missing.lmzm /dev/zero ""; do
  run "$LMZIP" -c --model "$m" orig/text
  expect_rc 1 "--model $m"
  expect_err "^lmzip: $m: not a usable model file" "--model '$m' error"
done
run "$LMZIP" -c --model
expect_rc 1 "--model without a file"
rm -f ml.lmz md.lmz bad.lmzm

# ----------------------------------------------------------------- -v, -q
section "verbose"
cp orig/text vb
run "$LMZIP" -v -k vb
expect_rc 0 "compress -v"
expect_err "^vb: $tsize -> [0-9]+ bytes, [0-9.]+:1, [0-9.]+ bits/byte, [0-9.]+ MB/s, [0-9.]+ s$" "-v summary line"
run "$LMZIP" -dvc vb.lmz
expect_rc 0 "decompress -v"
expect_err "bits/byte" "-v on decompression"
rm -f vb vb.lmz
mkdir adir
run "$LMZIP" -q adir
expect_rc 2 "-q on a directory (warning status)"
if [ -s err ]; then fail "-q printed a warning"; else ok; fi
run "$LMZIP" adir
expect_rc 2 "directory is skipped with a warning"
expect_err "adir" "warning names the directory"
rmdir adir

# ----------------------------------------------------------------- errors in a list of files
section "missing file"
cp orig/text m1
cp orig/one m2
run "$LMZIP" m1 does-not-exist m2
expect_rc 1 "a missing file among others"
expect_err "does-not-exist: .*No such file" "error names the missing file"
expect_file m1.lmz
expect_file m2.lmz
expect_no_file m1
expect_no_file m2
run "$LMZIP" -d m1.lmz missing.lmz m2.lmz
expect_rc 1 "a missing file among others (-d)"
expect_err "missing\.lmz" "error names the missing file (-d)"
expect_same m1 orig/text
expect_same m2 orig/one
rm -f m1 m2

# ----------------------------------------------------------------- metadata, options
section "metadata"
cp orig/text md
chmod 640 md
touch -d '2001-02-03 04:05:06' md
before=$(stat -c '%a %Y' md)
run "$LMZIP" md
expect_rc 0 "compress md"
after=$(stat -c '%a %Y' md.lmz)
if [ "$before" = "$after" ]; then ok; else fail "mode/mtime not kept on .lmz: $before vs $after"; fi
run "$LMZIP" -d md.lmz
after=$(stat -c '%a %Y' md)
if [ "$before" = "$after" ]; then ok; else fail "mode/mtime not kept on decompression: $before vs $after"; fi
rm -f md

section "options"
cp orig/text ./-dash
run "$LMZIP" -k -- -dash
expect_rc 0 "'--' ends options"
expect_file ./-dash.lmz
run "$LMZIP" -d -c -- -dash.lmz
expect_same out orig/text
rm -f ./-dash ./-dash.lmz
run "$LMZIP" --bogus
expect_rc 1 "unknown long option"
expect_err "^lmzip: unrecognized option '--bogus'$" "unknown long option message"
run "$LMZIP" --bogus=1
expect_rc 1 "unknown long option with a value"
expect_err "^lmzip: unrecognized option '--bogus=1'$" "unknown long option with a value: message"
run "$LMZIP" --keep=1
expect_rc 1 "a value on a flag"
expect_err "^lmzip: option '--keep' doesn't allow an argument$" "a value on a flag: message"
run "$LMZIP" -Z
expect_rc 1 "unknown short option"
run "$LMZIP" --help
expect_rc 0 "--help"
if grep -q -- "--decompress" out; then ok; else fail "--help does not list --decompress"; fi
run "$LMZIP" -V
expect_rc 0 "-V"
if grep -q "lmzip" out; then ok; else fail "-V prints no version"; fi
ln -s orig/text link
run "$LMZIP" link
expect_rc 2 "symbolic link skipped without -f"
expect_file orig/text
rm -f link link.lmz

# ----------------------------------------------------------------- -r
section "recursive"
mkdir -p rt/sub/deeper rt/empty
cp orig/text rt/a
cp orig/random rt/sub/b
cp orig/empty rt/sub/deeper/c
cp orig/one rt/.hidden
"$LMZIP" -c orig/text > rt/sub/done.lmz
cp rt/sub/done.lmz done.before
ln -s a rt/link
ln -s sub rt/dirlink
mkfifo rt/fifo
run "$LMZIP" -r rt
expect_rc 2 "-r with files to skip (warning status)"
for f in rt/a rt/sub/b rt/sub/deeper/c rt/.hidden; do
  expect_file "$f.lmz"
  expect_no_file "$f"
done
expect_same rt/sub/done.lmz done.before
expect_no_file rt/sub/done.lmz.lmz
expect_err "^lmzip: rt/sub/done\.lmz: already has \.lmz suffix -- unchanged$" "-r: a file with the suffix is skipped with a warning"
expect_err "^lmzip: rt/link: is a symbolic link -- ignored" "-r: a symbolic link is skipped"
expect_err "^lmzip: rt/dirlink: is a symbolic link -- ignored" "-r: a link to a directory is not followed"
expect_err "^lmzip: rt/fifo: is not a regular file -- ignored$" "-r: a FIFO is skipped"
if [ -L rt/link ] && [ -L rt/dirlink ] && [ -p rt/fifo ]; then ok; else fail "-r changed a link or the FIFO"; fi
expect_no_file rt/link.lmz
expect_no_temp
# -l, -t and -d take only the .lmz files, in byte order within each
# directory; the others (the links, the FIFO) are no concern of theirs.
run "$LMZIP" -lr rt
expect_rc 0 "-lr"
if [ "$(awk 'NR > 1 && !/\([0-9]+ files\)$/ { print $NF }' out | tr '\n' ' ')" = "rt/.hidden.lmz rt/a.lmz rt/sub/b.lmz rt/sub/deeper/c.lmz rt/sub/done.lmz " ]; then ok
else fail "-lr lists: $(awk 'NR > 1 { print $NF }' out | tr '\n' ' ')"; fi
run "$LMZIP" --test --recursive rt
expect_rc 0 "-t --recursive"
run "$LMZIP" -dr rt
expect_rc 0 "-dr"
expect_same rt/a orig/text
expect_same rt/sub/b orig/random
expect_same rt/sub/deeper/c orig/empty
expect_same rt/.hidden orig/one
expect_same rt/sub/done orig/text
if [ -z "$(find rt -name '*.lmz')" ]; then ok; else fail "-dr left $(find rt -name '*.lmz' | head -n 3)"; fi
expect_no_temp
# A file argument is a file with -r too; without -r a directory is skipped.
run "$LMZIP" -rk rt/a
expect_rc 0 "-r on a file"
expect_file rt/a.lmz
run "$LMZIP" rt/sub
expect_rc 2 "a directory without -r"
expect_err "rt/sub: is a directory -- ignored" "a directory without -r: warning"
expect_file rt/sub/b
rm -rf rt done.before

# ----------------------------------------------------------------- list
section "list"
GOLDEN="$SCRIPT_DIR/golden"
# golden.txt: "# input NAME SIZE HASH" gives each input's size.
for f in "$GOLDEN"/*.lmz; do
  name=$(basename "$f" .lmz)
  input=${name%-*}
  level=${name##*-}
  size=$(awk -v n="$input" '$1 == "#" && $2 == "input" && $3 == n { print $4 }' "$GOLDEN/golden.txt")
  run "$LMZIP" -l "$f"
  expect_rc 0 "-l $name.lmz"
  row=$(tail -n 1 out)
  # Compressed, uncompressed, ratio, bits/byte, level, model, frames, name.
  read -r c u _ _ l m _ file <<< "$row"
  if [ "$c" = "$(wc -c < "$f" | tr -d ' ')" ] && [ "$u" = "$size" ] && [ "$l" = "$level" ] &&
     [ "$file" = "$f" ]; then ok; else fail "-l $name.lmz: row '$row' (want $size bytes, level $level)"; fi
  if [ "$level" -ge 3 ]; then
    if [[ "$m" =~ ^[0-9a-f]{8}$ ]]; then ok; else fail "-l $name.lmz names no model id: '$m'"; fi
  else
    if [ "$m" = "none" ]; then ok; else fail "-l $name.lmz: model '$m' at a level without one"; fi
  fi
done
run "$LMZIP" -l "$GOLDEN"/*.lmz
expect_rc 0 "-l of several files"
if tail -n 1 out | grep -Eq "\($(ls "$GOLDEN"/*.lmz | wc -l | tr -d ' ') files\)"; then ok; else fail "-l totals row: $(tail -n 1 out)"; fi
"$LMZIP" -c -1 orig/text > listed.lmz
run "$LMZIP" -l < listed.lmz
expect_rc 0 "-l from stdin"
if grep -q "(stdin)" out; then ok; else fail "-l from stdin names (stdin)"; fi
head -c 20 listed.lmz > cut.lmz
run "$LMZIP" -l cut.lmz
expect_rc 1 "-l of a truncated file"
expect_err "cut\.lmz: .*LMZ_ERR_TRUNCATED" "-l of a truncated file says so"
run "$LMZIP" -l orig/text
expect_rc 1 "-l of a file that is not lmzip"
expect_err "LMZ_ERR_NOT_LMZIP" "-l of a file that is not lmzip says so"
expect_file orig/text
rm -f listed.lmz cut.lmz
run "$LMZIP" --levels
expect_rc 0 "--levels"
if [ "$(head -n 1 out)" = "$(printf 'level\tmodel\tprofile\tmemory_bytes\tdefault')" ] &&
   [ "$(grep -c $'\tyes$' out)" = 1 ] && [ "$(wc -l < out | tr -d ' ')" -ge 2 ]; then ok; else fail "--levels table: $(head -n 3 out)"; fi

# ----------------------------------------------------------------- size bound
# docs/FORMAT.md "Size bound": incompressible input of N bytes grows by
# 6 [+ 4: model id] + 3 per 1 MiB block (at least one) + varint(N) + 4.
# Checked on random input at each varint and block-count boundary up to 4
# blocks at level 1, and at the first block boundary at level 6; the runs go
# in parallel (level 1 takes ~1 s per MiB). LMZIP_QUICK=1: the first
# boundary at level 1 only.
section "size bound"
growth_bound() {  # growth_bound N MODEL_ID_BYTES
  local n=$1 blocks v=1 x=$1
  blocks=$(( n == 0 ? 1 : (n + 1048575) / 1048576 ))
  while [ "$x" -ge 128 ]; do x=$((x >> 7)); v=$((v + 1)); done
  echo $(( 6 + $2 + 3 * blocks + v + 4 ))
}
MiB=1048576
if [ "${LMZIP_QUICK:-0}" = 1 ]; then max_blocks=1; else max_blocks=4; fi
sizes="0 1 127 128 16383 16384"
for k in $(seq 1 "$max_blocks"); do sizes="$sizes $((k * MiB - 1)) $((k * MiB)) $((k * MiB + 1))"; done
head -c $((max_blocks * MiB + 1)) /dev/urandom > sb.random
runs=""
for n in $sizes; do runs="$runs 1:$n"; done
[ "${LMZIP_QUICK:-0}" = 1 ] || runs="$runs 6:$((MiB + 1))"
jobs_max=$(nproc 2> /dev/null || echo 2)
for run_spec in $runs; do
  level=${run_spec%%:*}
  n=${run_spec#*:}
  while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do sleep 0.05; done
  (head -c "$n" sb.random | "$LMZIP" -"$level" > "sb.$level.$n.lmz" 2> "sb.$level.$n.err"; echo $? > "sb.$level.$n.rc") &
done
wait
for run_spec in $runs; do
  level=${run_spec%%:*}
  n=${run_spec#*:}
  if [ "$(cat "sb.$level.$n.rc")" = 0 ]; then ok; else fail "-$level on $n random bytes: $(cat "sb.$level.$n.err")"; fi
  if [ "$level" -ge 3 ]; then id=4; else id=0; fi
  bound=$(growth_bound "$n" "$id")
  growth=$(( $(wc -c < "sb.$level.$n.lmz") - n ))
  if [ "$growth" -le "$bound" ]; then ok; else fail "-$level on $n random bytes grew by $growth, the bound is $bound"; fi
done
rm -f sb.*

# ----------------------------------------------------------------- target created meanwhile
# A target that appears while lmzip writes its temporary file must not be
# replaced without -f: lmzip is stopped once its temporary file exists, the
# target is created, and lmzip goes on.
section "target created meanwhile"
for _ in 1 2 3 4 5 6; do cat orig/text; done > race.orig
cp race.orig race
"$LMZIP" -6 race 2>err &
pid=$!
for _ in $(seq 1 1000); do
  if compgen -G '.lmz??????' > /dev/null || compgen -G 'race.lmz.tmp.*' > /dev/null ||
     ! kill -0 "$pid" 2> /dev/null; then break; fi
  sleep 0.01
done
kill -STOP "$pid" 2> /dev/null
if [ -e race.lmz ]; then
  kill -CONT "$pid" 2> /dev/null
  wait "$pid"
  echo "note: lmzip finished before the target could be created; test inconclusive"
else
  echo precious > race.lmz
  kill -CONT "$pid"
  wait "$pid"
  rc=$?
  expect_rc 1 "a target created while compressing"
  expect_err "race\.lmz: already exists" "the refusal names the target"
  if [ "$(cat race.lmz)" = precious ]; then ok; else fail "race.lmz was replaced"; fi
  expect_same race race.orig      # input kept
  expect_no_temp
fi
rm -f race race.orig race.lmz

# ----------------------------------------------------------------- signals
# A signal that ends lmzip while it writes must not leave its temporary
# file (nor a partial output) behind, and the input stays.
section "signals"
cp orig/random sig
# SIGXFSZ: the output outgrows `ulimit -f` (KiB). The shell's report of the
# signal goes to /dev/null, and no core file is written.
{ (ulimit -c 0; ulimit -f 16; exec "$LMZIP" -1 sig 2> err); } 2> /dev/null
rc=$?
if [ "$rc" -ne 0 ]; then ok; else fail "beyond ulimit -f: exit status 0"; fi
expect_no_temp
expect_no_file sig.lmz
expect_same sig orig/random
# SIGPIPE: stderr is a pipe nobody reads, and -v writes to it before the
# output is moved into place. lmzip may die of it (with nothing left) or,
# ignoring it, finish (with the complete output).
if command -v python3 > /dev/null; then
  rc=$(python3 -c '
import os, subprocess, sys
r, w = os.pipe()
os.close(r)
print(subprocess.run(sys.argv[1:], stderr=w).returncode)' "$LMZIP" -v sig)
  expect_no_temp
  if [ "$rc" -ne 0 ] && [ ! -e sig.lmz ] && cmp -s sig orig/random; then ok
  elif [ "$rc" -eq 0 ] && [ ! -e sig ] && "$LMZIP" -dc sig.lmz 2> /dev/null | cmp -s - orig/random; then ok
  else fail "stderr a broken pipe: status $rc, the input or the output is lost"; fi
  rm -f sig.lmz
  [ -e sig ] || cp orig/random sig
else
  echo "note: python3 not found; SIGPIPE test skipped"
fi
# SIGTERM once the temporary file exists (lmzip is stopped until then).
for _ in 1 2 3 4 5 6; do cat orig/text; done > sig
cp sig sig.orig
"$LMZIP" -6 sig 2> err &
pid=$!
for _ in $(seq 1 1000); do
  if compgen -G '.lmz??????' > /dev/null || compgen -G 'sig.lmz.tmp.*' > /dev/null ||
     ! kill -0 "$pid" 2> /dev/null; then break; fi
  sleep 0.01
done
kill -STOP "$pid" 2> /dev/null
if [ -e sig.lmz ]; then
  kill -CONT "$pid" 2> /dev/null
  wait "$pid"
  echo "note: lmzip finished before SIGTERM; test inconclusive"
else
  kill -TERM "$pid"
  kill -CONT "$pid"
  wait "$pid"
  rc=$?
  expect_rc $((128 + 15)) "ended by SIGTERM"
  expect_no_temp
  expect_no_file sig.lmz
  expect_same sig sig.orig
fi
rm -f sig sig.orig sig.lmz

# ----------------------------------------------------------------- long names
# Any name that fits NAME_MAX (255) works: the temporary name must not be
# the target's name plus a suffix.
section "long names"
mkdir -p ln
for len in 250 251; do
  name="ln/$(printf 'n%.0s' $(seq "$len"))"
  cp orig/text "$name"
  run "$LMZIP" "$name"
  expect_rc 0 "compress to a $((len + 4))-character name"
  expect_file "$name.lmz"
  rm -f "$name" "$name.lmz"
  "$LMZIP" -c orig/text > "$name.lmz"
  run "$LMZIP" -d "$name.lmz"
  expect_rc 0 "decompress to a $len-character name"
  expect_same "$name" orig/text
  rm -f "$name" "$name.lmz"
done
expect_no_temp
rm -rf ln

# ----------------------------------------------------------------- closed fds 0-2
# A closed stdin and stderr must not become the input and the output's
# descriptors: the -v line would land inside the output file.
section "closed standard fds"
"$LMZIP" -c orig/text > cf.lmz
"$LMZIP" -d -v cf.lmz <&- 2>&-
rc=$?
expect_rc 0 "decompress -v with stdin and stderr closed"
expect_same cf orig/text
expect_no_file cf.lmz
"$LMZIP" -v cf <&- 2>&-
rc=$?
expect_rc 0 "compress -v with stdin and stderr closed"
expect_no_file cf
"$LMZIP" -dc cf.lmz > cf.out 2>err
rc=$?
expect_rc 0 "its output decompresses"
expect_same cf.out orig/text
rm -f cf cf.lmz cf.out
expect_no_temp

# ----------------------------------------------------------------- a real text
section "corpus"
ALICE="$CORPUS/bench/canterbury/alice29.txt"
if [ -f "$ALICE" ]; then
  cp "$ALICE" alice29.txt
  run "$LMZIP" -v alice29.txt
  expect_rc 0 "compress alice29.txt"
  expect_err "bits/byte" "-v on alice29.txt"
  grep -Eo '[0-9.]+ bits/byte' err | sed 's/^/    alice29.txt: /'
  run "$LMZIP" -d alice29.txt.lmz
  expect_rc 0 "decompress alice29.txt"
  if cmp alice29.txt "$ALICE"; then ok; else fail "alice29.txt round trip differs"; fi
  rm -f alice29.txt alice29.txt.lmz
else
  echo "note: $ALICE not found; corpus round trip skipped"
fi

expect_no_temp
if [ "$failures" -ne 0 ]; then
  echo "cli_test: $failures check(s) FAILED ($checks passed)" >&2
  exit 1
fi
echo "cli_test: all $checks checks passed"
exit 0
