#include "dist/dist_env.h"

#include <cstdlib>
#include <string>

#include "core/error.h"
#include "dist/hostlist.h"

namespace facerep::dist {
namespace {

using EnvFn = std::function<const char*(const char*)>;

bool has(const EnvFn& env, const char* name) {
  const char* v = env(name);
  return v && *v;
}

int read_int(const EnvFn& env, const char* name, int fallback) {
  const char* v = env(name);
  if (!v || !*v) return fallback;
  try {
    size_t pos = 0;
    const int x = std::stoi(v, &pos);
    if (pos != std::string(v).size()) throw std::invalid_argument(v);
    return x;
  } catch (...) {
    throw core::ConfigError(std::string("environment variable ") + name + ": expected an integer, got '" + v + "'");
  }
}

void read_master_addr(const EnvFn& env, DistEnv& out) {
  if (has(env, "MASTER_ADDR")) {
    out.master_addr = env("MASTER_ADDR");
    out.master_addr_from = "MASTER_ADDR";
    return;
  }
  if (out.launcher == "slurm") {
    for (const char* list : {"SLURM_STEP_NODELIST", "SLURM_JOB_NODELIST"}) {
      if (!has(env, list)) continue;
      out.master_addr = first_host(env(list), list);
      out.master_addr_from = list;
      return;
    }
  }
  if (out.launcher == "mpirun" &&
      read_int(env, "OMPI_COMM_WORLD_LOCAL_SIZE", 0) == out.world_size) {
    out.master_addr = "127.0.0.1";  // every rank on this node
    out.master_addr_from = "OMPI_COMM_WORLD_LOCAL_SIZE (single node)";
  }
}

void read_master_port(const EnvFn& env, DistEnv& out) {
  out.master_port = kDefaultMasterPort;
  if (out.launcher == "slurm" && has(env, "SLURM_JOB_ID"))
    out.master_port = 20000 + read_int(env, "SLURM_JOB_ID", 0) % 20000;
  out.master_port = read_int(env, "MASTER_PORT", out.master_port);
  if (out.master_port < 1 || out.master_port > 65535)
    throw core::ConfigError("environment variable MASTER_PORT: must be a TCP port in 1..65535, got " +
                            std::to_string(out.master_port));
}

// A launcher's variables for the world size, the rank and the local rank.
struct LauncherVariables {
  const char* launcher;
  const char* world;
  const char* rank;
  const char* local_rank;
};

// In the order they are checked: mpirun inside a Slurm allocation sees Slurm's variables too.
// srun sets SLURM_STEP_NUM_TASKS for the tasks it starts; a batch script's own shell also sees
// SLURM_NTASKS and SLURM_PROCID=0 but is no rank, so it must not wait for peers.
constexpr LauncherVariables kLaunchers[] = {
    {"torchrun", "WORLD_SIZE", "RANK", "LOCAL_RANK"},
    {"mpirun", "OMPI_COMM_WORLD_SIZE", "OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_LOCAL_RANK"},
    {"slurm", "SLURM_STEP_NUM_TASKS", "SLURM_PROCID", "SLURM_LOCALID"},
};

}  // namespace

std::string DistEnv::describe() const {
  return "rank " + std::to_string(rank) + " of " + std::to_string(world_size) + " (" + launcher + ", local rank " +
         std::to_string(local_rank) + ")";
}

DistEnv detect_dist_env(const EnvFn& getenv_fn) {
  const EnvFn env = getenv_fn ? getenv_fn : [](const char* n) -> const char* { return std::getenv(n); };
  DistEnv out;
  const char* world_var = "WORLD_SIZE";
  const char* rank_var = "RANK";
  for (const LauncherVariables& l : kLaunchers) {
    if (!has(env, l.world)) continue;
    out.launcher = l.launcher;
    world_var = l.world;
    rank_var = l.rank;
    out.world_size = read_int(env, l.world, 1);
    out.rank = read_int(env, l.rank, 0);
    out.local_rank = read_int(env, l.local_rank, 0);
    break;
  }
  if (out.launcher == "torchrun") {
    out.launcher_store = has(env, "TORCHELASTIC_USE_AGENT_STORE") &&
                         std::string(env("TORCHELASTIC_USE_AGENT_STORE")) == "True";
    out.restart_count = read_int(env, "TORCHELASTIC_RESTART_COUNT", 0);
  }
  if (out.world_size < 1)
    throw core::ConfigError(std::string("environment variable ") + world_var + ": world size must be >= 1, got " +
                            std::to_string(out.world_size));
  if (out.rank < 0 || out.rank >= out.world_size)
    throw core::ConfigError(std::string("environment variable ") + rank_var + ": rank " + std::to_string(out.rank) +
                            " is outside world size " + std::to_string(out.world_size));
  if (out.local_rank < 0)
    throw core::ConfigError("local rank must be >= 0, got " + std::to_string(out.local_rank) + " (" + out.launcher +
                            ")");
  read_master_addr(env, out);
  read_master_port(env, out);
  if (out.distributed() && out.master_addr.empty())
    throw core::ConfigError("environment variable MASTER_ADDR: not set; a " + std::to_string(out.world_size) +
                            "-process job launched by " + out.launcher +
                            " needs the rendezvous host (the node of rank 0)");
  return out;
}

}  // namespace facerep::dist
