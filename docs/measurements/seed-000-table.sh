#!/bin/bash
# Seed 000's table on the CPU twin (README, "The CPU twin"): 10 epochs, seed 1, both sketch styles, then the
# attempts at the >= 0.80 goal. Every run trains into its own folder under $OUT; a finished one is skipped.
# Usage: docs/measurements/seed-000-table.sh [OUT] (run from the repository root, with `sbirlab` on the PATH).
set -u
OUT=${1:-runs/seed-000-table}
S="--set seed=1 --set training.evaluateEvery=0 --set evaluation.mapPoints=0"
T="$S --set data.trainLimit=10000 --set training.epochs=10"
run() { # name template overrides...
  local name=$1 template=$2; shift 2
  [ -f "$OUT/$name/eval.json" ] || [ -f "$OUT/$name/sbirlab.db" ] && return
  local t0=$(date +%s)
  sbirlab train "experiments/sbir/$template.json" "$@" --out "$OUT/$name" > "$OUT/$name.log" 2>&1
  echo "$name rc=$? wall=$(( $(date +%s) - t0 ))" >> "$OUT/done.txt"
}
mkdir -p "$OUT"
run photo-pretrain fm-drawn-2-pretrain-photo $T
for st in edges drawn; do
  P="$T --set data.sketchStyle=$st"
  PRE="--set model.pretrainedSketch=$OUT/$st-sketch-pretrain --set model.pretrainedPhoto=$OUT/photo-pretrain"
  UNTRAINED="--set training.epochs=0"
  run $st-sketch-pretrain fm-drawn-1-pretrain-sketch $P
  run $st-untrained-shared fm-sketch-cross-entropy $P $UNTRAINED --set model.siamese=shared
  run $st-untrained-two fm-sketch-cross-entropy $P $UNTRAINED
  run $st-untrained-pre fm-sketch-cross-entropy $P $UNTRAINED $PRE
  run $st-ce-shared fm-sketch-cross-entropy $P --set model.siamese=shared
  run $st-ce-two fm-sketch-cross-entropy $P
  run $st-ce-pre fm-sketch-cross-entropy $P $PRE
  run $st-contrastive-shared fm-sketch-contrastive $P --set model.siamese=shared
  run $st-contrastive-two fm-sketch-contrastive $P
  run $st-contrastive-pre fm-sketch-contrastive $P $PRE
  run $st-triplet-shared fm-sketch-triplet-shared $P
  run $st-triplet-two fm-sketch-triplet $P
  run $st-triplet-pre fm-sketch-triplet $P $PRE
  run $st-semi-hard-shared fm-sketch-triplet-shared $P --set loss.miner=semi-hard
done
# The >= 0.80 goal on the edges twin: what was tried on the shared network.
E="$S --set training.epochs=10 --set data.sketchStyle=edges"
run goal-mean-active fm-sketch-triplet-shared $E --set data.trainLimit=10000 --set loss.reduction=mean-active
run goal-20k fm-sketch-triplet-shared $E --set data.trainLimit=20000
run goal-20k-semi-hard fm-sketch-triplet-semi-hard $S
run edges-ce-shared-20k fm-sketch-cross-entropy $E --set data.trainLimit=20000 --set model.siamese=shared
run edges-pre-20k-semi-hard fm-sketch-triplet $E --set data.trainLimit=20000 --set loss.miner=semi-hard \
  --set model.pretrainedSketch=$OUT/edges-sketch-pretrain --set model.pretrainedPhoto=$OUT/photo-pretrain
