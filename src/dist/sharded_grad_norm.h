#pragma once
// Gradient clipping by the total L2 norm, computed on the gradients' device and never read back
// (the trainer reads it at its sync points). When some parameters are split across ranks (a
// sharded classifier), the norm must still be the whole model's, the same on every rank, or the
// ranks would scale their replicated gradients differently and drift apart: the replicated
// gradients (already averaged, equal on every rank) count once, the sharded ones are summed over
// the ranks.
#include <vector>

#include <ATen/core/Tensor.h>

namespace facerep::dist {

class Communicator;

// Scales every gradient by min(1, max_norm / (norm + 1e-6)) as torch's clip_grad_norm_ does, and
// returns the total L2 norm: a 0-dim double tensor on the gradients' device (NaN or inf when a
// gradient is). `comm` nullptr: one process (the sharded parameters, if any, are whole).
at::Tensor clip_grad_norm(const std::vector<at::Tensor>& replicated, const std::vector<at::Tensor>& sharded,
                          double max_norm, Communicator* comm);

}  // namespace facerep::dist
