#include "dist/sharded_grad_norm.h"

#include <cmath>

#include <ATen/ATen.h>

#include "dist/communicator.h"

namespace facerep::dist {

namespace {
double squared_grad_sum(const std::vector<at::Tensor>& params) {
  double sum = 0.0;
  for (const auto& p : params)
    if (p.grad().defined()) sum += p.grad().to(at::kDouble).pow(2).sum().item<double>();
  return sum;
}
}  // namespace

double clip_grad_norm_sharded(const std::vector<at::Tensor>& replicated, const std::vector<at::Tensor>& sharded,
                              double max_norm, Communicator* comm) {
  at::Tensor shard_sq = at::full({1}, squared_grad_sum(sharded), at::TensorOptions().dtype(at::kDouble));
  if (comm) comm->all_reduce_sum(shard_sq, "gradient norm of the sharded parameters");
  const double norm = std::sqrt(squared_grad_sum(replicated) + shard_sq.item<double>());
  const double coef = max_norm / (norm + 1e-6);
  if (coef < 1.0) {
    for (const auto* group : {&replicated, &sharded})
      for (const auto& p : *group)
        if (p.grad().defined()) p.grad().mul_(coef);
  }
  return norm;
}

}  // namespace facerep::dist
