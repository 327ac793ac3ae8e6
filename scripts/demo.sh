#!/usr/bin/env bash
# The main job: compress a real text file with lmzip, decompress it, check the
# round trip byte for byte and compare the size with gzip -9 and xz -9e.
set -euo pipefail
lmzip=${1:-build/lmzip}
root=$(cd "$(dirname "$0")/.." && pwd)
input=${2:-$root/../shared/corpus/bench/canterbury/alice29.txt}
if [ ! -f "$input" ]; then
  # Without the corpus, use a real text file every Debian system has.
  input=/usr/share/common-licenses/GPL-3
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$input" "$work/input"
echo "input: $input ($(stat -c %s "$input") bytes)"
"$lmzip" -v -k "$work/input"
mv "$work/input" "$work/original"
"$lmzip" -v -d -k "$work/input.lmz"
cmp "$work/original" "$work/input"
echo "round trip: identical"
size=$(stat -c %s "$work/original")
report() { echo "$1: $2 bytes, $(awk -v c="$2" -v n="$size" 'BEGIN{printf "%.3f", 8*c/n}') bits/byte"; }
report "lmzip (default level)" "$(stat -c %s "$work/input.lmz")"
for tool in "gzip -9" "xz -9e"; do
  report "$tool" "$($tool -c "$work/original" | wc -c)"
done
