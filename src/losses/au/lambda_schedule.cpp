#include "losses/au/lambda_schedule.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"

namespace facerep::losses {

double adversary_lambda(const std::string& schedule, double lambda, double gamma, int64_t step, int64_t total_steps) {
  if (schedule == "constant") return lambda;
  if (schedule != "dann")
    throw core::ConfigError("objective.iat.schedule: unknown schedule '" + schedule + "' (constant, dann)");
  const double p = std::clamp(static_cast<double>(step) / static_cast<double>(std::max<int64_t>(1, total_steps)), 0.0, 1.0);
  return lambda * (2.0 / (1.0 + std::exp(-gamma * p)) - 1.0);
}

}  // namespace facerep::losses
