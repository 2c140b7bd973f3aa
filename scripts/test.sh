#!/usr/bin/env bash
# Sets up (quick when nothing is missing), builds, and runs every test. Each test runs in its
# own process with its own temporary folder, so ctest runs them in parallel.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
jobs=${FACEREP_JOBS:-$(nproc)}
# One intra-op thread per test process: parallel tests would otherwise oversubscribe the cores.
OMP_NUM_THREADS=${OMP_NUM_THREADS:-1} ctest --test-dir build --output-on-failure -j "$jobs"
