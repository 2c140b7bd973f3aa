#pragma once
// A module's tensors by their dotted names, read out and copied back: what checkpoints, EMA and
// pretrained loading all work on.
#include <string>
#include <utility>
#include <vector>

#include <ATen/core/Tensor.h>
#include <torch/nn/module.h>

namespace facerep::runtime {

using NamedTensors = std::vector<std::pair<std::string, at::Tensor>>;

// Parameters then buffers of `module`, by their dotted names (the state-dict order). The tensors
// are the module's own (no copy).
NamedTensors module_state(const torch::nn::Module& module);
// Copies `state` into `module` in place. Names and shapes must match exactly: otherwise throws
// core::RuntimeError listing the first missing / unexpected / mismatched entries (`what` names
// the part, e.g. "model" or "checkpoint model").
void load_module_state(torch::nn::Module& module, const NamedTensors& state, const std::string& what);

}  // namespace facerep::runtime
