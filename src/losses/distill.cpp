#include "losses/distill.h"

#include <torch/torch.h>

#include "core/error.h"
#include "dist/collectives.h"

namespace facerep::losses {
namespace {

at::Tensor unit(const at::Tensor& x) {
  return torch::nn::functional::normalize(x.to(at::kFloat),
                                          torch::nn::functional::NormalizeFuncOptions().dim(1));
}

}  // namespace

at::Tensor negative_cosine(const at::Tensor& p, const at::Tensor& z) {
  return -(unit(p) * unit(z.detach())).sum(1).mean();
}

at::Tensor byol_loss(const at::Tensor& p, const at::Tensor& z) {
  return (2.0 - 2.0 * (unit(p) * unit(z.detach())).sum(1)).mean();
}

at::Tensor info_nce(const at::Tensor& p, const at::Tensor& z, double temperature) {
  const at::Tensor targets = dist::all_gather_cat(unit(z.detach()));
  const at::Tensor logits = unit(p).matmul(targets.t()) / temperature;
  const int64_t offset = static_cast<int64_t>(dist::rank()) * p.size(0);
  const at::Tensor labels = torch::arange(offset, offset + p.size(0), p.options().dtype(at::kLong));
  return torch::nn::functional::cross_entropy(logits, labels);
}

at::Tensor instance_loss(const std::string& kind, const at::Tensor& p, const at::Tensor& z,
                         double temperature) {
  if (kind == "simsiam") return negative_cosine(p, z);
  if (kind == "byol") return byol_loss(p, z);
  if (kind == "infonce") return info_nce(p, z, temperature);
  throw core::ConfigError("unknown instance loss '" + kind + "' (known: simsiam, byol, infonce)");
}

}  // namespace facerep::losses
