#pragma once
// The outcome of a process-wide setting facerep makes at start-up (allocator, BLAS threads):
// whether it was applied and why, as `facerep info` reports it.
#include <string>

namespace facerep::runtime {

struct StartupTuning {
  bool applied = false;
  std::string reason;
};

}  // namespace facerep::runtime
