#pragma once
// PCA on features ("eigenfaces" when the features are raw pixels): a baseline every few-shot
// table carries. Fitted on training features only, then applied to training and test alike.
#include <cstdint>

#include <ATen/core/Tensor.h>

namespace facerep::eval::fewshot {

struct Pca {
  at::Tensor mean;        // [D]
  at::Tensor components;  // [K,D], orthonormal rows, by decreasing explained variance
  at::Tensor variance;    // [K] explained variance of each component

  // [N,D] -> [N,K] coordinates (optionally whitened: divided by sqrt(variance)).
  at::Tensor project(const at::Tensor& features, bool whiten = false) const;
};

// The top `dims` components of `features` [N,D] (dims is clamped to min(N - 1, D), at least 1).
// Deterministic: each component's sign makes its largest-magnitude entry positive.
Pca fit_pca(const at::Tensor& features, int64_t dims);

}  // namespace facerep::eval::fewshot
