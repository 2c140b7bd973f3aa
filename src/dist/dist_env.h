#pragma once
// Where this process sits in a multi-process job, read from the launcher's environment:
// torchrun (RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT) or Slurm (SLURM_PROCID,
// SLURM_NTASKS, SLURM_LOCALID). Torch-free so it can be tested and logged anywhere.
#include <functional>
#include <string>

namespace facerep::dist {

struct DistEnv {
  int rank = 0;
  int world_size = 1;
  int local_rank = 0;
  std::string master_addr;
  int master_port = 0;
  std::string launcher = "none";  // none | torchrun | slurm

  bool distributed() const { return world_size > 1; }
};

// Reads the process environment (`getenv` by default; tests pass their own lookup).
DistEnv detect_dist_env(const std::function<const char*(const char*)>& getenv_fn = nullptr);

}  // namespace facerep::dist
