#include "models/ema_copy.h"

#include <algorithm>
#include <cmath>

#include <torch/torch.h>

#include "core/error.h"

namespace facerep::models {
namespace {

// Parameters and buffers by name, in the order named_parameters/named_buffers list them.
std::vector<std::pair<std::string, at::Tensor>> state_of(const torch::nn::Module& m, bool params) {
  std::vector<std::pair<std::string, at::Tensor>> out;
  if (params)
    for (const auto& item : m.named_parameters()) out.emplace_back(item.key(), item.value());
  else
    for (const auto& item : m.named_buffers()) out.emplace_back(item.key(), item.value());
  return out;
}

void check_same(const std::vector<std::pair<std::string, at::Tensor>>& a,
                const std::vector<std::pair<std::string, at::Tensor>>& b) {
  FACEREP_CHECK(a.size() == b.size(), "ema copy: modules differ in their number of tensors (" +
                                          std::to_string(a.size()) + " vs " +
                                          std::to_string(b.size()) + ")");
  for (size_t i = 0; i < a.size(); ++i)
    FACEREP_CHECK(a[i].first == b[i].first && a[i].second.sizes() == b[i].second.sizes(),
                  "ema copy: '" + a[i].first + "' does not match '" + b[i].first + "'");
}

}  // namespace

void copy_into_frozen(const torch::nn::Module& src, torch::nn::Module& dst) {
  torch::NoGradGuard no_grad;
  for (bool params : {true, false}) {
    const auto from = state_of(src, params);
    const auto to = state_of(dst, params);
    check_same(from, to);
    for (size_t i = 0; i < from.size(); ++i) to[i].second.copy_(from[i].second);
  }
  for (auto& p : dst.parameters()) p.set_requires_grad(false);
}

void ema_update(torch::nn::Module& target, const torch::nn::Module& online, double momentum) {
  torch::NoGradGuard no_grad;
  const auto t = state_of(target, true), o = state_of(online, true);
  check_same(t, o);
  for (size_t i = 0; i < t.size(); ++i) t[i].second.mul_(momentum).add_(o[i].second.detach(), 1.0 - momentum);
  const auto tb = state_of(target, false), ob = state_of(online, false);
  check_same(tb, ob);
  for (size_t i = 0; i < tb.size(); ++i) tb[i].second.copy_(ob[i].second);
}

double cosine_momentum(double m0, int64_t step, int64_t total) {
  const double progress =
      total > 0 ? std::clamp(static_cast<double>(step) / static_cast<double>(total), 0.0, 1.0) : 1.0;
  return 1.0 - (1.0 - m0) * (std::cos(M_PI * progress) + 1.0) / 2.0;
}

}  // namespace facerep::models
