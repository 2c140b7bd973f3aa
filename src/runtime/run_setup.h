#pragma once
// Applies the process-wide parts of `run:` once at the start of a job: log level, intra-op
// threads, seeds, deterministic mode, device.
#include <cstdint>
#include <string>

#include <c10/core/Device.h>

#include "core/run_options.h"

namespace facerep::runtime {

// Sets LibTorch's intra-op pool: `requested` threads, or one per core when 0. Returns the count
// now in effect.
int setup_threads(int requested);

// Seeds LibTorch's CPU and (when present) CUDA generators.
void seed_everything(uint64_t seed);

// Deterministic algorithms only (LibTorch throws on an op that has no deterministic kernel).
void set_deterministic(bool on);

struct RunSetup {
  c10::Device device{c10::kCPU};
  int threads = 0;
};

// All of the above from `run` (device resolved last so its error names run.device). `local_rank`:
// this process's index on its node in a multi-process job (see resolve_device).
RunSetup setup_run(const core::RunOptions& run, int local_rank = 0);

}  // namespace facerep::runtime
