#!/usr/bin/env bash
# Checks that two lmzip binaries write the same compressed bytes: every file
# of the bench corpus at the levels without a neural model and the default
# level, and the Canterbury and Calgary files at every other level. For
# refactors that must not change the format (compare a build of the old
# commit with the new one).
#   bash scripts/same_bytes.sh OLD_LMZIP NEW_LMZIP [CORPUS_BENCH_DIR]
# Exit 0 when every stream is identical.
set -u
if [ $# -lt 2 ] || [ ! -x "$1" ] || [ ! -x "$2" ]; then
  echo "usage: bash $0 OLD_LMZIP NEW_LMZIP [CORPUS_BENCH_DIR]" >&2
  exit 2
fi
OLD=$1 NEW=$2
BENCH=${3:-"$(cd "$(dirname "$0")/.." && pwd)/../shared/corpus/bench"}
# The level table, as the new binary prints it (level model profile memory default).
every=() rest=()
while IFS=$'\t' read -r level model _ _ default; do
  [ "$level" = level ] && continue
  if [ "$model" = none ] || [ "$default" = yes ]; then every+=("$level"); else rest+=("$level"); fi
done < <("$NEW" --levels)
checked=0 differing=0
compare() {  # FILE LEVEL
  local a b
  a=$("$OLD" -c "-$2" "$1" | sha256sum | cut -c1-16)
  b=$("$NEW" -c "-$2" "$1" | sha256sum | cut -c1-16)
  checked=$((checked + 1))
  if [ "$a" != "$b" ]; then
    echo "DIFFERENT: $1 at level $2 ($a vs $b)"
    differing=$((differing + 1))
  fi
}
while IFS= read -r f; do
  for level in "${every[@]}"; do compare "$f" "$level"; done
done < <(find "$BENCH" -type f ! -name SHA1SUM | sort)
while IFS= read -r f; do
  for level in "${rest[@]}"; do compare "$f" "$level"; done
done < <(find "$BENCH/canterbury" "$BENCH/calgary" -type f ! -name SHA1SUM | sort)
echo "same_bytes: $checked streams compared, $differing differing"
[ "$differing" -eq 0 ]
