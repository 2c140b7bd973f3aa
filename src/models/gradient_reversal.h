#pragma once
// Gradient reversal (Ganin & Lempitsky's DANN): the identity going forward, the upstream gradient
// times −λ going back. Put between a shared feature and an adversary head, the head learns to
// predict its target while the feature is pushed to make that prediction fail. λ is an argument,
// not state, so callers can schedule it per step.
#include <ATen/core/Tensor.h>

namespace facerep::models {

// x unchanged (a view that carries the reversing backward); d/dx = −lambda · upstream.
at::Tensor reverse_gradient(const at::Tensor& x, double lambda);

}  // namespace facerep::models
