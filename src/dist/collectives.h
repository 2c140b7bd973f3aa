#pragma once
// Collectives the objectives call (all-gathered negatives, sharded classifiers). In a
// single-process run they are the identity; multi-process runs (c10d: NCCL on GPUs, Gloo on
// CPUs) plug in here without changing the objectives.
#include <ATen/core/Tensor.h>

namespace facerep::dist {

int world_size();
int rank();

// Concatenates `x` from every rank along dim 0, in rank order. Gradients flow to this rank's part.
at::Tensor all_gather_cat(const at::Tensor& x);

}  // namespace facerep::dist
