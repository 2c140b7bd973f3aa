#pragma once
// Gradient clipping when some parameters are split across ranks (a sharded classifier): the norm
// must be the whole model's, the same on every rank, or the ranks would scale their replicated
// gradients differently and drift apart. The replicated gradients (already averaged, equal on
// every rank) count once; the sharded ones are summed over the ranks.
#include <vector>

#include <ATen/core/Tensor.h>

namespace facerep::dist {

class Communicator;

// Scales every gradient by min(1, max_norm / (norm + 1e-6)) as torch's clip_grad_norm_ does, and
// returns the total L2 norm. `comm` nullptr: one process (the sharded parameters are whole).
double clip_grad_norm_sharded(const std::vector<at::Tensor>& replicated, const std::vector<at::Tensor>& sharded,
                              double max_norm, Communicator* comm);

}  // namespace facerep::dist
