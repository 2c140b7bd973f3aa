#pragma once
// Frozen copies of modules: the target (teacher) branch of BYOL/SimSiam-style instance
// discrimination. The copy is an ordinary submodule of its owner, so it is checkpointed with the
// owner's state; it follows the online branch through runtime::ema_update (runtime/ema.h).
#include <torch/nn/module.h>

namespace facerep::models {

// Copies every parameter and buffer of `src` into `dst` (same names and shapes, else throws
// core::RuntimeError) and stops gradients on `dst`.
void copy_into_frozen(const torch::nn::Module& src, torch::nn::Module& dst);

}  // namespace facerep::models
