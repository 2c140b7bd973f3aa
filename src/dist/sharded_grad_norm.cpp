#include "dist/sharded_grad_norm.h"

#include <ATen/ATen.h>

#include "dist/communicator.h"

namespace facerep::dist {

namespace {
// Sum of the squared gradient norms (each norm taken in the gradient's dtype, as torch does), or
// an undefined tensor when no parameter has a gradient.
at::Tensor squared_norm_sum(const std::vector<at::Tensor>& params) {
  std::vector<at::Tensor> norms;
  for (const auto& p : params)
    if (p.grad().defined()) norms.push_back(p.grad().norm(2).to(at::kDouble));
  return norms.empty() ? at::Tensor() : at::stack(norms).pow(2).sum();
}

at::Device first_grad_device(const std::vector<at::Tensor>& a, const std::vector<at::Tensor>& b) {
  for (const auto* group : {&a, &b})
    for (const auto& p : *group)
      if (p.grad().defined()) return p.grad().device();
  return at::kCPU;
}
}  // namespace

at::Tensor clip_grad_norm(const std::vector<at::Tensor>& replicated, const std::vector<at::Tensor>& sharded,
                          double max_norm, Communicator* comm) {
  const at::Device device = first_grad_device(replicated, sharded);
  const auto zero = [&] { return at::zeros({}, at::TensorOptions().dtype(at::kDouble).device(device)); };
  at::Tensor total = squared_norm_sum(replicated);
  if (!total.defined()) total = zero();
  if (!sharded.empty() || comm) {
    at::Tensor shard_sq = squared_norm_sum(sharded);
    if (!shard_sq.defined()) shard_sq = zero();
    if (comm) {
      shard_sq = shard_sq.reshape({1}).contiguous();
      comm->all_reduce_sum(shard_sq, "gradient norm of the sharded parameters");
      shard_sq = shard_sq.reshape({});
    }
    total = total + shard_sq;
  }
  const at::Tensor norm = total.sqrt();
  const at::Tensor coef = (max_norm / (norm + 1e-6)).clamp_max(1.0);
  for (const auto* group : {&replicated, &sharded})
    for (const auto& p : *group)
      if (p.grad().defined()) p.grad().mul_(coef.to(p.grad().scalar_type()));
  return norm;
}

}  // namespace facerep::dist
