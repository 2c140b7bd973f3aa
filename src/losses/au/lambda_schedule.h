#pragma once
// The weight λ of the reversed identity gradient over training: constant, or DANN's ramp from 0
// that keeps the young backbone from being scrambled by an adversary that has not learnt yet.
#include <cstdint>
#include <string>

namespace facerep::losses {

// `schedule` "constant": lambda. "dann": lambda · (2 / (1 + exp(−gamma · p)) − 1) with
// p = step / total_steps clamped to [0, 1] (0 at the start, → lambda · tanh(gamma / 2) at the end).
double adversary_lambda(const std::string& schedule, double lambda, double gamma, int64_t step, int64_t total_steps);

}  // namespace facerep::losses
