#!/usr/bin/env bash
# Data-parallel training on one node with torchrun: one facerep process per GPU (or, on a CPU
# machine, NPROC processes sharing the cores over Gloo). See docs/distributed.md.
#
#   scripts/launch/torchrun.sh CONFIG [facerep train options...]
#   NPROC=4 scripts/launch/torchrun.sh configs/recognition/arcface_iresnet50.yaml --set run.name=r50
#   NPROC=2 scripts/launch/torchrun.sh CONFIG --resume runs/NAME/STAMP     # continue (any NPROC)
#
# NPROC: processes (default: visible GPUs, else 2). MASTER_PORT: rendezvous port (default 29500).
# FACEREP: the binary (default build/facerep). Logs of each rank: $LOG_DIR (default
# runs/torchrun-logs/<date>), besides the run folder's log.txt written by rank 0.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ $# -ge 1 ] || { sed -n 2,13p "$0"; exit 2; }

facerep=${FACEREP:-build/facerep}
[ -x "$facerep" ] || { echo "torchrun.sh: no facerep binary at $facerep (run scripts/build.sh)" >&2; exit 1; }
if [ -z "${NPROC:-}" ]; then
  gpus=$(nvidia-smi -L 2>/dev/null | wc -l || true)
  NPROC=$(( gpus > 0 ? gpus : 2 ))
fi
log_dir=${LOG_DIR:-runs/torchrun-logs/$(date +%Y%m%d-%H%M%S)}
mkdir -p "$log_dir"

# With CPU processes, give each its share of the cores instead of all of them.
if ! command -v nvidia-smi >/dev/null || [ "$(nvidia-smi -L 2>/dev/null | wc -l)" -eq 0 ]; then
  threads=$(( $(nproc) / NPROC )); threads=$(( threads > 0 ? threads : 1 ))
  set -- "$@" --set "run.threads=$threads"
fi

# --no_python runs the binary itself. Debian's torchrun 1.13 under Python 3.11 also needs an
# explicit --log_dir with --redirects/--tee (the underscored spellings) or it dies at start.
exec torchrun --nnodes 1 --nproc_per_node "$NPROC" --master_port "${MASTER_PORT:-29500}" \
  --no_python --redirects 1 --tee 2 --log_dir "$log_dir" \
  "$facerep" train "$@"
