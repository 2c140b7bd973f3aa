#!/usr/bin/env bash
# Few-shot transfer on the real faces of ../shared/data: writes the identity-disjoint lists, then
# runs the identity sweeps on the held-out ORL, Extended Yale B, Georgia Tech and UMIST identities
# and the Extended Yale B light-direction sweep (the ArcFace and MAE recipes are trained once, by
# the first sweep, under runs/fewshot/fewshot_encoders).
# Reruns continue where they stopped.
# FACEREP=path/to/facerep to use another build.
set -euo pipefail
cd "$(dirname "$0")/.."
facerep=${FACEREP:-build/facerep}
shared=${SHARED_DATA:-../shared/data}
[ -x "$facerep" ] || { echo "fewshot_real_faces.sh: $facerep not built (run scripts/build.sh)" >&2; exit 1; }
[ -d "$shared" ] || { echo "fewshot_real_faces.sh: no $shared" >&2; exit 1; }
python3 scripts/real_faces_lists.py "$shared" runs/real_faces/lists
for db in orl yale gt umist yale_light; do
  "$facerep" sweep "configs/fewshot/real_faces_$db.yaml"
done
