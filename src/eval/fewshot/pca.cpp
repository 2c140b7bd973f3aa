#include "eval/fewshot/pca.h"

#include <algorithm>

#include <torch/torch.h>

#include "core/error.h"

namespace facerep::eval::fewshot {

Pca fit_pca(const at::Tensor& features, int64_t dims) {
  FACEREP_CHECK(features.dim() == 2 && features.size(0) >= 2, "PCA needs [N,D] features with N >= 2");
  const at::Tensor x = features.to(torch::kDouble);
  Pca p;
  p.mean = x.mean(0);
  const at::Tensor centred = x - p.mean;
  const int64_t k = std::max<int64_t>(1, std::min({dims, features.size(0) - 1, features.size(1)}));
  // SVD of the centred data: right singular vectors are the components, s^2/(N-1) the variances.
  const auto [u, s, vh] = at::linalg_svd(centred, /*full_matrices=*/false);
  at::Tensor comps = vh.slice(0, 0, k);
  // Sign convention: the largest-magnitude entry of each component is positive.
  const at::Tensor idx = comps.abs().argmax(1, /*keepdim=*/true);
  comps = comps * comps.gather(1, idx).sign();
  p.components = comps.to(torch::kFloat);
  p.variance = (s.slice(0, 0, k).pow(2) / static_cast<double>(features.size(0) - 1)).to(torch::kFloat);
  p.mean = p.mean.to(torch::kFloat);
  return p;
}

at::Tensor Pca::project(const at::Tensor& features, bool whiten) const {
  FACEREP_CHECK(features.dim() == 2 && features.size(1) == mean.size(0),
                "PCA: features of width " + std::to_string(features.size(-1)) + ", fitted on " +
                    std::to_string(mean.size(0)));
  at::Tensor z = torch::matmul(features.to(torch::kFloat) - mean, components.t());
  return whiten ? z / (variance + 1e-12).sqrt() : z;
}

}  // namespace facerep::eval::fewshot
