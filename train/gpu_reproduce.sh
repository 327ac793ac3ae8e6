#!/usr/bin/env bash
# Reproducibility check on one GPU: runs the model card's training command for
# each size in SIZES twice (RUNS at a time) and checks that both runs of a size
# export the same model file, bit for bit. Exits non-zero on any failure or
# difference. The first run of each size is the shipped model's candidate:
# DEST/gru256a/default.lmzm, DEST/gru512a/large.lmzm (and their vectors).
#
#   CORPUS=runs/corpus bash train/gpu_reproduce.sh runs/repro
#   MEGABYTES=4 QAT_MEGABYTES=1 SIZES=256 bash train/gpu_reproduce.sh runs/smoke  # quick
set -u
dest=${1:-runs/repro}
CORPUS=${CORPUS:-runs/corpus}
SIZES=${SIZES:-"256 512"}
RUNS=${RUNS:-3}
PY=${PY:-python3}
export PYTHONUNBUFFERED=1 OMP_NUM_THREADS=2
mkdir -p "$dest"

name_of() { if [ "$1" = 256 ]; then echo default.lmzm; else echo large.lmzm; fi; }

train() {  # hidden, run letter: the card's command, budgets overridable for a quick check
  local dir="$dest/gru$1$2"
  $PY train/train.py --device "${DEVICE:-cuda}" --corpus "$CORPUS" --hidden "$1" --batch 256 --seq 128 \
      --megabytes "${MEGABYTES:-309}" --qat-megabytes "${QAT_MEGABYTES:-24}" --warmup-steps 300 \
      --out "$dir" --export "$dir/$(name_of "$1")" --export-vector "$dir/vector.txt" \
      > "$dir.log" 2>&1
  echo "gru$1$2 exit $? after $SECONDS s"
}

start=$SECONDS
for H in $SIZES; do
  for r in a b; do
    while [ "$(jobs -rp | wc -l)" -ge "$RUNS" ]; do wait -n; done
    train "$H" "$r" &
  done
done
wait

status=0
for H in $SIZES; do
  a="$dest/gru${H}a/$(name_of "$H")" b="$dest/gru${H}b/$(name_of "$H")"
  grep -hE "^torch|calibrated|done|final|exported|Error" "$dest/gru${H}a.log"
  if [ -f "$a" ] && cmp -s "$a" "$b" && cmp -s "$dest/gru${H}a/vector.txt" "$dest/gru${H}b/vector.txt"; then
    echo "gru$H: both runs identical ($(md5sum < "$a" | cut -c1-32))"
  else
    echo "gru$H: runs DIFFER or failed"; status=1
  fi
done
echo "total $((SECONDS - start)) s"
exit $status
