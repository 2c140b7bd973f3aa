#pragma once
// A frozen copy of a module that follows it by exponential moving average: the target (teacher)
// branch of BYOL/SimSiam-style instance discrimination. The copy is an ordinary submodule of its
// owner, so it is checkpointed with the owner's state.
#include <cstdint>
#include <memory>

#include <torch/nn/module.h>

namespace facerep::models {

// Copies every parameter and buffer of `src` into `dst` (same names and shapes, else throws
// core::RuntimeError) and stops gradients on `dst`.
void copy_into_frozen(const torch::nn::Module& src, torch::nn::Module& dst);

// target = momentum * target + (1 - momentum) * online for parameters; buffers are copied.
void ema_update(torch::nn::Module& target, const torch::nn::Module& online, double momentum);

// BYOL's cosine momentum schedule: m = 1 - (1 - m0) * (cos(pi * step / total) + 1) / 2, rising
// from m0 at step 0 to 1 at step total (clamped beyond).
double cosine_momentum(double m0, int64_t step, int64_t total);

}  // namespace facerep::models
