#!/usr/bin/env bash
# Sets up (quick when nothing is missing), builds, and runs every test. Each test runs in its
# own process with its own temporary folder, so ctest runs them in parallel.
#   scripts/test.sh            the normal build (build/)
#   scripts/test.sh --asan     the same tests built with AddressSanitizer and UBSan (build-asan/)
# Extra arguments after --asan go to ctest, e.g. -R 'Fuzz|Packed|RecordIO' for a subset.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
jobs=${FACEREP_JOBS:-$(nproc)}
build=build
if [ "${1:-}" = "--asan" ]; then
  shift
  build=build-asan
  # gcc's sanitizers; every facerep target (libraries, binary, tests) is instrumented, LibTorch
  # and OpenCV are not. UBSan stops at its first report so a test fails instead of printing.
  # vptr is left out as in the fuzz build (LibTorch typeinfo across libraries reports false mismatches).
  san="-fsanitize=address,undefined -fno-sanitize=vptr -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS="$san" \
        -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null
  ninja -C "$build" -j "$jobs"
  # detect_leaks=0: LibTorch, OpenMP and Gloo keep process-lifetime allocations (thread pools,
  # registries) that LeakSanitizer reports at exit as leaks of the test binary; the fuzz build
  # (scripts/fuzz.sh) does check leaks per input. Tests that run the binary inherit these options.
  export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1}
  export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
else
  bash scripts/build.sh
fi
# One intra-op thread per test process: parallel tests would otherwise oversubscribe the cores.
OMP_NUM_THREADS=${OMP_NUM_THREADS:-1} ctest --test-dir "$build" --output-on-failure -j "$jobs" "$@"
