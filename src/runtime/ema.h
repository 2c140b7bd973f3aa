#pragma once
// Exponential moving average of a module's weights: ema = decay * ema + (1 - decay) * w after
// each optimizer step. Buffers (batch-norm statistics) are copied, not averaged. Evaluation and
// export can swap the averaged weights in and back out.
#include <string>
#include <utility>
#include <vector>

#include <ATen/core/Tensor.h>
#include <torch/nn/module.h>

namespace facerep::runtime {

using NamedTensors = std::vector<std::pair<std::string, at::Tensor>>;

// Parameters then buffers of `module`, by their dotted names (the state-dict order).
NamedTensors module_state(const torch::nn::Module& module);
// Copies `state` into `module` in place. Names and shapes must match exactly: otherwise throws
// core::RuntimeError listing the first missing / unexpected / mismatched entries (`what` names
// the part, e.g. "model" or "checkpoint model").
void load_module_state(torch::nn::Module& module, const NamedTensors& state, const std::string& what);

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
  NamedTensors shadow_;
  std::vector<bool> is_param_;  // parameters are averaged, buffers copied
  NamedTensors backup_;
};

}  // namespace facerep::runtime
