#pragma once
// Checks that turn bad labels or mismatched shapes into core::RuntimeError messages naming the
// batch's sample paths, instead of an index error deep inside LibTorch.
#include <cstdint>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

#include "data/batch.h"

namespace facerep::losses {

// Paths of the samples at `rows` (all samples when empty), at most a few, for messages.
std::string describe_samples(const data::Batch& batch, const std::vector<int64_t>& rows = {});

// batch.identity must exist and every label must lie in [0, num_classes).
// Returns the labels as int64 on the embeddings' device.
at::Tensor checked_labels(const data::Batch& batch, int64_t num_classes, const std::string& objective);

// embeddings must be [B, expected_dim] with B = batch.size().
void check_embeddings(const at::Tensor& embeddings, int64_t expected_dim, const data::Batch& batch,
                      const std::string& objective);

}  // namespace facerep::losses
