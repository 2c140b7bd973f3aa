#!/usr/bin/env bash
# Configures and builds facerep into build/: optimised with line tables (RelWithDebInfo),
# ccache when installed. Extra arguments go to cmake, e.g. -DFACEREP_BUILD_TESTS=OFF.
# FACEREP_JOBS sets the parallelism (default: all cores).
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=${FACEREP_JOBS:-$(nproc)}
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
ninja -C build -j "$jobs"
