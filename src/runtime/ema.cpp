#include "runtime/ema.h"

#include <algorithm>
#include <cmath>
#include <map>

#include <ATen/ATen.h>
#include <torch/autograd.h>

#include "core/error.h"

namespace facerep::runtime {

void ema_update(const NamedTensors& average, const NamedTensors& live, size_t parameters, double decay) {
  if (average.size() != live.size())
    throw core::RuntimeError("EMA: the averaged and live weights differ in number (" +
                             std::to_string(average.size()) + " vs " + std::to_string(live.size()) + ")");
  torch::NoGradGuard no_grad;
  for (size_t i = 0; i < average.size(); ++i) {
    at::Tensor a = average[i].second;
    const at::Tensor& w = live[i].second;
    if (average[i].first != live[i].first || a.sizes() != w.sizes())
      throw core::RuntimeError("EMA: averaged '" + average[i].first + "' does not match live '" + live[i].first + "'");
    if (i < parameters && a.is_floating_point()) {
      a.mul_(decay).add_(w.detach(), 1.0 - decay);
    } else {
      a.copy_(w);
    }
  }
}

void ema_update(torch::nn::Module& average, const torch::nn::Module& live, double decay) {
  ema_update(module_state(average), module_state(live), average.parameters().size(), decay);
}

double cosine_momentum(double m0, int64_t step, int64_t total) {
  const double progress =
      total > 0 ? std::clamp(static_cast<double>(step) / static_cast<double>(total), 0.0, 1.0) : 1.0;
  return 1.0 - (1.0 - m0) * (std::cos(M_PI * progress) + 1.0) / 2.0;
}

Ema::Ema(const torch::nn::Module& module, double decay)
    : decay_(decay), parameters_(module.parameters().size()) {
  torch::NoGradGuard no_grad;
  for (const auto& [name, t] : module_state(module)) shadow_.emplace_back(name, t.detach().clone());
}

void Ema::update(const torch::nn::Module& module) {
  if (applied()) throw core::RuntimeError("EMA update while the averaged weights are applied");
  ema_update(shadow_, module_state(module), parameters_, decay_);
}

void Ema::apply_to(torch::nn::Module& module) {
  if (applied()) return;
  torch::NoGradGuard no_grad;
  NamedTensors live = module_state(module);
  backup_.clear();
  for (size_t i = 0; i < live.size(); ++i) {
    backup_.emplace_back(live[i].first, live[i].second.detach().clone());
    live[i].second.copy_(shadow_[i].second);
  }
}

void Ema::restore(torch::nn::Module& module) {
  if (!applied()) return;
  torch::NoGradGuard no_grad;
  NamedTensors live = module_state(module);
  for (size_t i = 0; i < live.size(); ++i) live[i].second.copy_(backup_[i].second);
  backup_.clear();
}

void Ema::load_state(const NamedTensors& state) {
  std::map<std::string, at::Tensor> given(state.begin(), state.end());
  torch::NoGradGuard no_grad;
  for (auto& [name, t] : shadow_) {
    auto it = given.find(name);
    if (it == given.end() || it->second.sizes() != t.sizes())
      throw core::RuntimeError("checkpoint EMA state does not match this model at '" + name + "'");
    t.copy_(it->second);
  }
}

}  // namespace facerep::runtime
