#!/usr/bin/env bash
# Writes the seed corpus of both fuzz targets into DIR/seeds/<target>/
# (DIR = build-fuzz by default; never committed):
#   fuzz_decode:    every stream of tests/golden/*.lmz, fuzz/seeds/decode/*
#                   and, when build/lmzip exists, small samples compressed
#                   at levels 1, 2, 3, 6 and 9 — each behind three chunk-size
#                   selector bytes (see fuzz/fuzz_common.h);
#   fuzz_roundtrip: small samples behind level and chunk-size bytes, plus
#                   fuzz/seeds/roundtrip/*;
#   both:           the inputs of tests/fuzz_regressions/ (decode-*, roundtrip-*).
# Also copies fuzz/lmzip.dict into DIR. Usage: make_seeds.sh [DIR] [LMZIP_CLI]
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/build-fuzz}
cli=${2:-$root/build/lmzip}
dec=$out/seeds/fuzz_decode
rt=$out/seeds/fuzz_roundtrip
mkdir -p "$dec" "$rt"
cp "$root/fuzz/lmzip.dict" "$out/lmzip.dict"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Prefixes one selector byte per variant: 0xff all at once, 0x00 byte by
# byte, 0x37 8-byte input / 4-byte output chunks.
add_decode() {  # NAME FILE
  for sel in ff 00 37; do
    { printf "\\x$sel"; cat "$2"; } >"$dec/$1-$sel"
  done
}

# Sample inputs: text, UTF-8, binary, repeats, empty.
head -c 3000 "$root/README.md" >"$tmp/text3k"
head -c 1000 "$tmp/text3k" >"$tmp/text"  # within the decode target's 1 KiB at the neural levels
printf 'Grüße, 世界! Привет, мир. ' >"$tmp/utf8"
LC_ALL=C awk 'BEGIN { srand(7); for (i = 0; i < 1024; i++) printf "%c", int(rand() * 256) }' >"$tmp/random"
for i in $(seq 1 64); do printf 'abcabcabd%03d\n' $((i % 7)); done >"$tmp/repeat"
: >"$tmp/empty"
printf 'a' >"$tmp/one"

for f in "$root"/tests/golden/*.lmz; do
  [ -e "$f" ] && add_decode "golden-$(basename "$f" .lmz)" "$f"
done
if [ -d "$root/fuzz/seeds/decode" ]; then
  for f in "$root"/fuzz/seeds/decode/*; do [ -f "$f" ] && add_decode "seed-$(basename "$f")" "$f"; done
fi
if [ -x "$cli" ]; then
  # From files (their size known: tables sized to them, as compress() does,
  # so that mutants decode fast), and the text in 1 KiB frames (framed files
  # with a seek table).
  for s in text utf8 random repeat empty one; do
    for level in 1 2 3 6 9; do
      "$cli" -c -q -"$level" "$tmp/$s" >"$tmp/$s.$level.lmz" && add_decode "$s-$level" "$tmp/$s.$level.lmz"
    done
  done
  for level in 1 2; do
    "$cli" -c -q -"$level" "$tmp/text3k" >"$tmp/text3k.$level.lmz" && add_decode "text3k-$level" "$tmp/text3k.$level.lmz"
  done
  for level in 1 3; do
    "$cli" -c -q -"$level" --frame-size=1K "$tmp/text3k" >"$tmp/framed.$level.lmz" &&
      add_decode "framed-$level" "$tmp/framed.$level.lmz"
  done
else
  echo "make_seeds.sh: no $cli; decode seeds are the golden and committed streams only" >&2
fi

# Round-trip seeds: byte 0 level-1 (0..8) + flags (0x30: record costs,
# compare with one-shot compress), byte 1 chunk sizes.
for s in text3k utf8 random repeat empty one; do
  for lv in 0 1 2 5 8; do
    printf "\\x0$lv\\xff" | cat - "$tmp/$s" >"$rt/$s-$((lv + 1))-ff"
    printf "\\x3$lv\\x21" | cat - "$tmp/$s" >"$rt/$s-$((lv + 1))-21"
  done
done
# The regression inputs are in the targets' layout already.
for f in "$root"/tests/fuzz_regressions/decode-*; do [ -f "$f" ] && cp "$f" "$dec/reg-$(basename "$f")"; done
for f in "$root"/tests/fuzz_regressions/roundtrip-*; do [ -f "$f" ] && cp "$f" "$rt/reg-$(basename "$f")"; done
if [ -d "$root/fuzz/seeds/roundtrip" ]; then
  for f in "$root"/fuzz/seeds/roundtrip/*; do [ -f "$f" ] && cp "$f" "$rt/seed-$(basename "$f")"; done
fi
echo "make_seeds.sh: $(ls "$dec" | wc -l) decode seeds in $dec, $(ls "$rt" | wc -l) round-trip seeds in $rt"
