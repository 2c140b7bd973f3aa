#!/usr/bin/env bash
# The real-face report of docs/benchmarks.md: on 46 identities of ../shared/data (of each
# database, those before its 2 validation and its last 40% test identities), trains the tiny
# ArcFace recipe (identity labels) and pre-trains the tiny MAE and FSFM (labels ignored; FSFM's
# regions from a template, configs/real_faces/tiny_fsfm.yaml); then, on the last 40% of each
# database's identities, which none of them saw (10 ORL, 10 Extended Yale B, 12 Georgia Tech,
# 5 UMIST), measures all-way 1-shot identification (nearest centroid) and 10-fold pair
# verification (8 more identities, 2 per database, are the validation set that chooses best.ckpt;
# the report uses last.ckpt) for: ArcFace, MAE, FSFM, each pre-training recipe's ViT randomly
# initialised (that run's starting weights: same seed), raw pixels, and a plain PyTorch ArcFace
# (scripts/arcface_reference.py, a 2.05M-parameter CNN at the same image size, trained for as many
# steps of the same batch size as facerep's ArcFace run). Prints a Markdown table; everything
# lands in runs/real_faces/ (runs/real_faces_64/ with FACEREP_REAL_FACES_SIZE=64, the *_64.yaml
# recipes). About 10 CPU-minutes per trained recipe on 2 cores (the 64x64 FSFM: 28). FACEREP=path/to/facerep for
# another build; FACEREP_PYTHON=a python3 with torch for the reference (default: python3 if it
# has torch, else /usr/bin/python3).
set -euo pipefail
cd "$(dirname "$0")/.."
facerep=${FACEREP:-build/facerep}
shared=${FACEREP_SHARED_DATA:-../shared/data}
size=${FACEREP_REAL_FACES_SIZE:-32}
case "$size" in 32) tag="" ;; 64) tag="_64" ;; *) echo "real_faces.sh: FACEREP_REAL_FACES_SIZE must be 32 or 64" >&2; exit 2 ;; esac
out=runs/real_faces$tag
[ -x "$facerep" ] || { echo "real_faces.sh: $facerep not built (run scripts/build.sh)" >&2; exit 1; }
# One split for both sizes: the recipes read runs/real_faces/lists.
lists=runs/real_faces/lists
python3 scripts/real_faces_lists.py "$shared" "$lists"
python=${FACEREP_PYTHON:-python3}
"$python" -c 'import torch' 2>/dev/null || python=/usr/bin/python3

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
evaluate mae_random_init "configs/real_faces/tiny_mae$tag.yaml"
evaluate fsfm_random_init "configs/real_faces/tiny_fsfm$tag.yaml"
evaluate pixels configs/real_faces/pixels.yaml

# The PyTorch reference gets the budget facerep's ArcFace run used: its last logged step, its batch.
arcface_steps=$(python3 -c 'import json, sys; print(max(json.loads(l)["step"] for l in open(sys.argv[1])))' \
  "$(latest_run "real_faces_arcface$tag")metrics.jsonl")
# One resolved key of facerep's ArcFace recipe: key_of SECTION KEY.
key_of() {
  "$facerep" config show "configs/real_faces/tiny_arcface$tag.yaml" |
    awk -v s="$1:" -v k="$2:" '$0 == s { t = 1; next } /^[^ ]/ { t = 0 } t && $1 == k { print $2 }'
}
# Same batch and the same margin loss (scale s, additive angular margin m2) as facerep's run.
"$python" scripts/arcface_reference.py --lists "$lists" --size "$size" --steps "$arcface_steps" \
  --batch "$(key_of train batch_size)" --scale "$(key_of objective scale)" --margin "$(key_of objective m2)" \
  --threads 2 --seed 0 --out "$out/report/pytorch_arcface.json"

python3 - "$out/report" <<'PY'
import json, os, sys
root = sys.argv[1]
methods = ["arcface", "pytorch_arcface", "mae", "mae_random_init", "fsfm", "fsfm_random_init", "pixels"]
databases = [("orl", "ORL"), ("yale", "Extended Yale B"), ("gt", "Georgia Tech"), ("umist", "UMIST")]
cols = []
for short, label in databases:
    cols += [(f"{short}_kshot", f"{label} all-way 1-shot (± 95% CI)"), (f"{short}_pairs", f"{label} pairs, 10-fold (± std)")]
reference = json.load(open(os.path.join(root, "pytorch_arcface.json")))


def metrics(method, folder):
    if method == "pytorch_arcface":
        return reference[folder]
    return json.load(open(os.path.join(root, method, folder, "results.json")))["metrics"]


print("\n| method | " + " | ".join(c[1] for c in cols) + " |")
print("|---" * (len(cols) + 1) + "|")
for m in methods:
    cells = []
    for folder, _ in cols:
        r = metrics(m, folder)
        spread = r.get("ci95", r.get("accuracy_std"))
        cells.append(f"{r['accuracy']:.3f}" + (f" ± {spread:.3f}" if spread is not None else ""))
    print(f"| {m} | " + " | ".join(cells) + " |")
PY
