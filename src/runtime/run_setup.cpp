#include "runtime/run_setup.h"

#include <dlfcn.h>
#include <sched.h>

#include <cstdlib>
#include <thread>

#include <torch/torch.h>

#include "core/logging.h"
#include "runtime/device.h"

namespace facerep::runtime {

namespace {
// Cores this process may run on (containers and Slurm restrict affinity; the hardware count
// would oversubscribe).
int usable_cores() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0) return std::max(1, CPU_COUNT(&set));
  return std::max(1u, std::thread::hardware_concurrency());
}
}  // namespace

int setup_threads(int requested) {
  const int n = requested > 0 ? requested : usable_cores();
  at::set_num_threads(n);
  // A pthread OpenBLAS keeps its own pool that at::set_num_threads does not size; match it so
  // BLAS calls neither oversubscribe nor run on fewer threads than asked.
  using SetThreads = void (*)(int);
  if (auto set_blas = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads")))
    set_blas(n);
  return at::get_num_threads();
}

void seed_everything(uint64_t seed) {
  torch::manual_seed(seed);  // seeds the CPU generator and every visible CUDA device's
}

void set_deterministic(bool on) {
  // cuBLAS needs a fixed workspace for deterministic GEMMs; set it unless the user did.
  if (on) setenv("CUBLAS_WORKSPACE_CONFIG", ":4096:8", 0);
  at::globalContext().setDeterministicAlgorithms(on, false);
}

RunSetup setup_run(const core::RunOptions& run, int local_rank) {
  core::set_log_level(run.log_level);
  RunSetup setup;
  setup.threads = setup_threads(run.threads);
  seed_everything(run.seed);
  set_deterministic(run.deterministic);
  setup.device = resolve_device(run.device, local_rank);
  return setup;
}

}  // namespace facerep::runtime
