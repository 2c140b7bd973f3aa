#pragma once
// Where this process sits in a multi-process job, read from the launcher's environment:
//   torchrun  RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT
//   mpirun    OMPI_COMM_WORLD_RANK / _SIZE / _LOCAL_RANK (Open MPI); MASTER_ADDR, or 127.0.0.1
//             when every rank is on this node
//   srun      SLURM_PROCID, SLURM_STEP_NUM_TASKS, SLURM_LOCALID; MASTER_ADDR, or the first host
//             of SLURM_STEP_NODELIST / SLURM_JOB_NODELIST (compressed lists like node[01-04,07]).
//             A batch script's own shell (SLURM_NTASKS but no step) is a single process.
// checked in that order (mpirun inside a Slurm allocation sees Slurm's variables too). MASTER_PORT
// defaults to 29500, under Slurm to 20000 + SLURM_JOB_ID % 20000 so two jobs sharing a first
// node do not collide. torchrun's agent already serves a store at MASTER_ADDR:MASTER_PORT
// (TORCHELASTIC_USE_AGENT_STORE=True); the ranks then all join it as clients, their keys under
// the restart attempt (TORCHELASTIC_RESTART_COUNT) so a restarted job never reads a failed one's.
// Torch-free so it can be tested and logged anywhere.
#include <functional>
#include <string>

namespace facerep::dist {

inline constexpr int kDefaultMasterPort = 29500;

struct DistEnv {
  int rank = 0;
  int world_size = 1;
  int local_rank = 0;
  std::string master_addr;
  int master_port = 0;
  std::string launcher = "none";       // none | torchrun | mpirun | slurm
  std::string master_addr_from;        // the variable master_addr came from (for messages)
  bool launcher_store = false;         // the launcher serves the rendezvous store, not rank 0
  int restart_count = 0;               // torchrun's restart attempt (0 for other launchers)

  bool distributed() const { return world_size > 1; }
  // "rank 1 of 4 (torchrun, local rank 1)"
  std::string describe() const;
};

// Reads the process environment (`getenv` by default; tests pass their own lookup). Throws
// core::ConfigError naming the variable when a value is malformed, the rank is outside the
// world, or a multi-process job has no rendezvous address or port.
DistEnv detect_dist_env(const std::function<const char*(const char*)>& getenv_fn = nullptr);

}  // namespace facerep::dist
