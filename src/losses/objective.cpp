#include "losses/objective.h"

namespace facerep::losses {
ObjectiveRegistry& objective_registry() {
  static ObjectiveRegistry registry("objective");
  return registry;
}
}  // namespace facerep::losses
