#!/usr/bin/env bash
# Fuzzes each reader of untrusted input (tests/fuzz/) for SECONDS (default 60) with libFuzzer,
# ASan and UBSan, and prints executions and crashes per harness; exits 1 when any harness crashed.
#   scripts/fuzz.sh [SECONDS]          FACEREP_FUZZ_TARGETS="list packed" narrows the run.
# Builds into build-fuzz/ with clang, a separate build (the config harness also links the upper
# layers of the normal build/, which is brought up to date first). Each corpus
# (build-fuzz/corpus/<target>/) starts from the harness's generated seeds and the regression
# inputs in tests/fuzz/corpus/<target>/ and keeps growing over runs; a crashing input is saved as
# build-fuzz/crashes/<target>/{crash,leak,timeout,oom}-<sha1> (replay: build-fuzz/fuzz_<target> FILE).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
read -r -a targets <<< "${FACEREP_FUZZ_TARGETS:-config list packed recordio pair_list verification_bin checkpoint}"
jobs=${FACEREP_JOBS:-$(nproc)}
cxx=$(command -v clang++-14 || command -v clang++ || true)
if [ -z "$cxx" ]; then
  echo "fuzz: clang++ not found (scripts/setup.sh installs clang and libclang-rt-14-dev)" >&2
  exit 2
fi

if [[ " ${targets[*]} " == *" config "* ]]; then
  # The config harness links the upper layers from the normal build (cmake/FacerepFuzz.cmake).
  [ -f build/build.ninja ] || bash scripts/build.sh
  ninja -C build -j "$jobs" facerep_dist facerep_models facerep_losses facerep_eval facerep_trainers facerep_cli
fi
cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER="$cxx" \
      -DFACEREP_FUZZ=ON -DFACEREP_BUILD_TESTS=OFF >/dev/null
ninja -C build-fuzz -j "$jobs" "${targets[@]/#/fuzz_}"

# Leaks are findings too (a reader that leaks per bad file), except LibTorch's own (see the
# suppressions file). UBSan stops at its first report so libFuzzer saves the input.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tests/fuzz/lsan_suppressions.txt}
export OMP_NUM_THREADS=1
# The harnesses' scratch folders: a crashed fuzzer cannot remove its own, so they live here and
# go at the next run.
export TMPDIR=$PWD/build-fuzz/tmp
rm -rf "$TMPDIR"
mkdir -p "$TMPDIR"
status=0
printf '%-18s %12s %8s %8s\n' harness executions crashes corpus
for t in "${targets[@]}"; do
  corpus=build-fuzz/corpus/$t crashes=build-fuzz/crashes/$t log=build-fuzz/logs/$t.log
  mkdir -p "$corpus" "$crashes" build-fuzz/logs
  if [ -d "tests/fuzz/corpus/$t" ]; then cp tests/fuzz/corpus/"$t"/* "$corpus"/; fi
  FACEREP_FUZZ_WRITE_SEEDS="$corpus" "build-fuzz/fuzz_$t" -runs=0 >/dev/null 2>&1
  before=$(find "$crashes" -type f | wc -l)
  rc=0
  "build-fuzz/fuzz_$t" "$corpus" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 \
      -artifact_prefix="$crashes/" >"$log" 2>&1 || rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  found=$(($(find "$crashes" -type f | wc -l) - before))
  printf '%-18s %12s %8s %8s\n' "$t" "${execs:-?}" "$found" "$(find "$corpus" -type f | wc -l)"
  if [ "$rc" -ne 0 ] || [ "$found" -ne 0 ]; then
    status=1
    echo "  fuzz_$t failed (exit $rc), log: $log" >&2
    grep -m 3 -E "ERROR|runtime error|terminate called|what\(\)" "$log" | sed 's/^/    /' >&2 || true
  fi
done
exit "$status"
