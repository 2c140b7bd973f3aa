#!/usr/bin/env bash
# From a fresh checkout to a first result: set up, build, train the quickstart config.
# Extra arguments go to `facerep train` (e.g. --set train.steps=50).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
exec ./build/facerep train configs/quickstart.yaml "$@"
