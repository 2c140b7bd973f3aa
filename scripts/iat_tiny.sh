#!/usr/bin/env bash
# The FMAE-IAT figures of docs/benchmarks.md on synthetic faces: pre-trains the tiny ViT as an MAE
# without labels (configs/iat/tiny_mae_pretrain.yaml, about 1.5 CPU-minutes), then runs the
# subject-exclusive cross-validation of configs/iat/tiny_synthetic.yaml from that encoder
# (3 folds x 3 seeds x {iat, no_iat}, about 8 CPU-minutes) and prints its cv.md summary.
# Everything lands in runs/iat_tiny/. FACEREP=path/to/facerep for another build; extra arguments
# go to `facerep cv` (e.g. --set train.epochs=40).
set -euo pipefail
cd "$(dirname "$0")/.."
facerep=${FACEREP:-build/facerep}
out=runs/iat_tiny
[ -x "$facerep" ] || { echo "iat_tiny.sh: $facerep not built (run scripts/build.sh)" >&2; exit 1; }
"$facerep" train configs/iat/tiny_mae_pretrain.yaml --set run.root="$out/pretrain"
encoder="$(ls -td "$out"/pretrain/iat_tiny_mae_pretrain/*/ | head -1)checkpoints/last.ckpt"
[ -f "$encoder" ] || { echo "iat_tiny.sh: the pre-training left no $encoder" >&2; exit 1; }
"$facerep" cv configs/iat/tiny_synthetic.yaml --set run.root="$out/cv" --set model.pretrained="$encoder" --new "$@"
sed -n '1,/^## Per fold/p' "$(ls -td "$out"/cv/iat_tiny_synthetic/*/cv/ | head -1)cv.md"
