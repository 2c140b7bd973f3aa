#!/usr/bin/env bash
# The real-face report of docs/benchmarks.md: on 58 identities of ../shared/data, trains the tiny
# ArcFace recipe (identity labels) and pre-trains the tiny MAE and FSFM (labels ignored; FSFM's
# regions from a template, configs/real_faces/tiny_fsfm.yaml); then, on 27
# identities none of them saw (12 ORL, 15 Georgia Tech), measures 5-way 1-shot identification and
# 10-fold pair verification (6 more identities are the validation set that chooses best.ckpt;
# the report uses last.ckpt) for: ArcFace, MAE, the same ViT randomly initialised (the MAE run's
# starting weights: same seed), and raw pixels. Prints a Markdown table; everything lands in
# runs/real_faces/ (runs/real_faces_64/ with FACEREP_REAL_FACES_SIZE=64, the *_64.yaml recipes).
# About 10 CPU-minutes per trained recipe on 2 cores. FACEREP=path/to/facerep for another build.
set -euo pipefail
cd "$(dirname "$0")/.."
facerep=${FACEREP:-build/facerep}
shared=${FACEREP_SHARED_DATA:-../shared/data}
size=${FACEREP_REAL_FACES_SIZE:-32}
case "$size" in 32) tag="" ;; 64) tag="_64" ;; *) echo "real_faces.sh: FACEREP_REAL_FACES_SIZE must be 32 or 64" >&2; exit 2 ;; esac
out=runs/real_faces$tag
[ -x "$facerep" ] || { echo "real_faces.sh: $facerep not built (run scripts/build.sh)" >&2; exit 1; }
python3 scripts/real_faces_lists.py "$shared" "$out/lists"

latest_run() { ls -td "$out/train/$1"/*/ | head -1; }
evaluate() {  # name config [facerep eval options...]
  local name=$1 config=$2; shift 2
  rm -rf "$out/report/$name"
  "$facerep" eval "$config" --out "$out/report/$name" "$@" | grep '^eval '
}

train_and_evaluate() {  # name recipe
  local config=configs/real_faces/$2$tag.yaml
  "$facerep" train "$config" --set run.root="$out/train"
  evaluate "$1" "$config" --checkpoint "$(latest_run "real_faces_$1$tag")checkpoints/last.ckpt"
}
train_and_evaluate arcface tiny_arcface
train_and_evaluate mae tiny_mae
train_and_evaluate fsfm tiny_fsfm
evaluate vit_random_init "configs/real_faces/tiny_mae$tag.yaml"
evaluate pixels configs/real_faces/pixels.yaml

python3 - "$out/report" <<'PY'
import json, os, sys
root = sys.argv[1]
methods = ["arcface", "mae", "fsfm", "vit_random_init", "pixels"]
cols = [("orl_kshot", "accuracy", "ORL 5-way 1-shot (± 95% CI)"), ("orl_pairs", "accuracy", "ORL pairs, 10-fold (± std)"),
        ("gt_kshot", "accuracy", "Georgia Tech 5-way 1-shot (± 95% CI)"), ("gt_pairs", "accuracy", "Georgia Tech pairs, 10-fold (± std)")]
print("\n| method | " + " | ".join(c[2] for c in cols) + " |")
print("|---" * (len(cols) + 1) + "|")
for m in methods:
    cells = []
    for folder, key, _ in cols:
        r = json.load(open(os.path.join(root, m, folder, "results.json")))["metrics"]
        spread = r.get("ci95", r.get("accuracy_std"))
        cells.append(f"{r[key]:.3f}" + (f" ± {spread:.3f}" if spread is not None else ""))
    print(f"| {m} | " + " | ".join(cells) + " |")
PY
