#pragma once
// OpenBLAS idle-spin tuning. A pthread OpenBLAS leaves its worker threads spinning (sched_yield)
// for 2^28 cycles after every BLAS call before they sleep. Between the GEMMs of a training step
// LibTorch's own threads and the data loader need those cores: on our 2-core machines the spin
// cost about a quarter of a run's CPU time as system time (the 64x64 FSFM recipe: 8 of 30 CPU-s)
// and slowed steps. Workers that sleep after 2^16 cycles (≈ 20 µs) gave 1.1x faster ViT steps
// with a fifth of the system time (docs/benchmarks.md, "Runtime: BLAS idle spin").
#include "runtime/startup_tuning.h"

namespace facerep::runtime {

using BlasSpinTuning = StartupTuning;

// log2 of the cycles an idle OpenBLAS worker spins before it sleeps (OPENBLAS_THREAD_TIMEOUT).
constexpr int kBlasThreadTimeout = 16;

// Sets OPENBLAS_THREAD_TIMEOUT and restarts OpenBLAS's thread pool so its workers read it, unless
// the user chose (OPENBLAS_THREAD_TIMEOUT or GOTO_THREAD_TIMEOUT set, or FACEREP_BLAS_SPIN=default)
// or the loaded BLAS is not a pthread OpenBLAS. Call once at start-up, before other threads run
// BLAS. Idempotent.
const BlasSpinTuning& tune_blas_spin();
// The decision alone, from the environment (nullptr = unset) and whether a pthread OpenBLAS with
// the needed entry points is loaded. Exposed for tests.
BlasSpinTuning decide_blas_spin(const char* openblas_timeout, const char* goto_timeout,
                                const char* facerep_blas_spin, bool pthread_openblas);
// The outcome of tune_blas_spin() (not applied if it was never called).
const BlasSpinTuning& blas_spin_tuning();

}  // namespace facerep::runtime
