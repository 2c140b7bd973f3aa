#include "runtime/startup_tuning.h"

namespace facerep::runtime {

TuningChoice read_tuning_choice(const char* variable, const char* value) {
  const std::string choice = value ? value : "";
  if (choice == "default") return {true, ""};
  if (choice.empty() || choice == "tuned") return {false, ""};
  return {false, std::string("; ignored ") + variable + "='" + choice + "' (default|tuned)"};
}

}  // namespace facerep::runtime
