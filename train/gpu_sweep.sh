#!/usr/bin/env bash
# Model-size sweep on one GPU: trains GRUs of several hidden sizes at once,
# each for about MINUTES (byte budgets calibrated from the measured speed and
# printed in its log, so a single size can be re-run with fixed budgets), and
# exports each integer model. Meant for a lent GPU machine (train/train.py
# --device cuda); the corpus comes from CORPUS (train/*.bin.xz, valid/valid.bin).
#
#   CORPUS=runs/corpus MINUTES=7 SIZES="128 192 256 384 512" bash train/gpu_sweep.sh runs/sweep
set -u
dest=${1:-runs/sweep}
MINUTES=${MINUTES:-7}
SIZES=${SIZES:-"128 192 256 384 512"}
CORPUS=${CORPUS:-runs/corpus}
PY=${PY:-python3}
DEVICE=${DEVICE:-cuda}
export PYTHONUNBUFFERED=1 OMP_NUM_THREADS=2
mkdir -p "$dest"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || true
$PY -c 'import torch; print("torch", torch.__version__, "cuda", torch.cuda.is_available())'

pids=()
for H in $SIZES; do
  $PY train/train.py --device "$DEVICE" --corpus "$CORPUS" --hidden "$H" --batch 256 --seq 128 \
      --minutes "$MINUTES" --warmup-steps 300 --eval-minutes 1 --checkpoint-minutes 2 \
      --threads 2 --out "$dest/gru$H" --export "$dest/gru$H/gru$H.lmzm" \
      --export-valid-bytes 16384 --export-vector "$dest/gru$H/vector.txt" \
      > "$dest/gru$H.log" 2>&1 &
  pids+=($!)
done
status=0
for p in "${pids[@]}"; do wait "$p" || status=1; done
for H in $SIZES; do echo "== gru$H"; grep -E "calibrated|done|final|exported|Error" "$dest/gru$H.log"; done
exit $status
