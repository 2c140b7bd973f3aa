#include "dist/dist_env.h"

#include <cstdlib>
#include <string>

#include "core/error.h"

namespace facerep::dist {
namespace {

int read_int(const std::function<const char*(const char*)>& env, const char* name, int fallback) {
  const char* v = env(name);
  if (!v || !*v) return fallback;
  try {
    size_t pos = 0;
    const int x = std::stoi(v, &pos);
    if (pos != std::string(v).size()) throw std::invalid_argument(v);
    return x;
  } catch (...) {
    throw core::ConfigError(std::string("environment variable ") + name +
                            ": expected an integer, got '" + v + "'");
  }
}

}  // namespace

DistEnv detect_dist_env(const std::function<const char*(const char*)>& getenv_fn) {
  const std::function<const char*(const char*)> env =
      getenv_fn ? getenv_fn : [](const char* n) -> const char* { return std::getenv(n); };
  DistEnv out;
  if (env("WORLD_SIZE")) {
    out.launcher = "torchrun";
    out.world_size = read_int(env, "WORLD_SIZE", 1);
    out.rank = read_int(env, "RANK", 0);
    out.local_rank = read_int(env, "LOCAL_RANK", 0);
  } else if (env("SLURM_NTASKS") && env("SLURM_PROCID")) {
    out.launcher = "slurm";
    out.world_size = read_int(env, "SLURM_NTASKS", 1);
    out.rank = read_int(env, "SLURM_PROCID", 0);
    out.local_rank = read_int(env, "SLURM_LOCALID", 0);
  }
  if (const char* a = env("MASTER_ADDR")) out.master_addr = a;
  out.master_port = read_int(env, "MASTER_PORT", 0);
  if (out.world_size < 1) throw core::ConfigError("world size must be >= 1, got " + std::to_string(out.world_size));
  if (out.rank < 0 || out.rank >= out.world_size)
    throw core::ConfigError("rank " + std::to_string(out.rank) + " is outside world size " +
                            std::to_string(out.world_size));
  return out;
}

}  // namespace facerep::dist
