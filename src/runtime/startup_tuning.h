#pragma once
// The outcome of a process-wide setting facerep makes at start-up (allocator, BLAS threads):
// whether it was applied and why, as `facerep info` reports it.
#include <string>

namespace facerep::runtime {

struct StartupTuning {
  bool applied = false;
  std::string reason;
};

// The user's say on one tuning, read from its FACEREP_* variable (`value`, nullptr = unset):
// "default" opts out; unset, empty or "tuned" keeps the tuning; anything else keeps it too, with
// `ignored_note` ("; ignored NAME='...' (default|tuned)") to append to the reason.
struct TuningChoice {
  bool opted_out = false;
  std::string ignored_note;
};
TuningChoice read_tuning_choice(const char* variable, const char* value);

}  // namespace facerep::runtime
