#include "losses/objective.h"

#include <ATen/ATen.h>

namespace facerep::losses {
void LossOutput::skip(const std::string& reason) {
  keep = at::scalar_tensor(false, at::kBool);
  skip_reason = reason;
}

at::Tensor host_metric(double value) { return at::scalar_tensor(value, at::kDouble); }

ObjectiveRegistry& objective_registry() {
  static ObjectiveRegistry registry("objective");
  return registry;
}
}  // namespace facerep::losses
