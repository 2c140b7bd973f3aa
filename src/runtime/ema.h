#pragma once
// Exponential moving averages of a module's weights: the one home of the EMA rule. The trainer's
// model EMA (train.ema) and objectives whose target branch follows the online one (FSFM's
// teacher) both use it. Parameters are averaged, average = decay * average + (1 - decay) * live;
// buffers (batch-norm statistics, counters) are copied.
#include <cstddef>
#include <cstdint>
#include <vector>

#include <ATen/core/Tensor.h>
#include <torch/nn/module.h>

#include "runtime/module_state.h"

namespace facerep::runtime {

// The rule over two states in module_state order: the first `parameters` entries are averaged
// (when floating point), the rest copied. Names and shapes must match pair by pair, else
// core::RuntimeError naming the first pair that does not.
void ema_update(const NamedTensors& average, const NamedTensors& live, size_t parameters, double decay);
// The same rule from `live`'s weights into `average`'s (e.g. a frozen copy of the same modules).
void ema_update(torch::nn::Module& average, const torch::nn::Module& live, double decay);

// BYOL's cosine momentum schedule: m = 1 - (1 - m0) * (cos(pi * step / total) + 1) / 2, rising
// from m0 at step 0 to 1 at step total (clamped beyond).
double cosine_momentum(double m0, int64_t step, int64_t total);

// The trainer's model EMA: an averaged copy of a module's state, updated after each optimizer
// step. Evaluation and export can swap the averaged weights in and back out.
class Ema {
 public:
  // Starts from a copy of `module`'s current state.
  Ema(const torch::nn::Module& module, double decay);

  void update(const torch::nn::Module& module);
  // Puts the averaged weights into `module`, keeping the live ones aside; restore() swaps back.
  void apply_to(torch::nn::Module& module);
  void restore(torch::nn::Module& module);
  bool applied() const { return !backup_.empty(); }

  const NamedTensors& state() const { return shadow_; }
  void load_state(const NamedTensors& state);
  double decay() const { return decay_; }

 private:
  double decay_;
  NamedTensors shadow_;   // module_state order: parameters first
  size_t parameters_ = 0;
  NamedTensors backup_;
};

}  // namespace facerep::runtime
