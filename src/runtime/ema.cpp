#include "runtime/ema.h"

#include <map>

#include <ATen/ATen.h>
#include <torch/autograd.h>

#include "core/error.h"

namespace facerep::runtime {

NamedTensors module_state(const torch::nn::Module& module) {
  NamedTensors out;
  for (const auto& p : module.named_parameters(true)) out.emplace_back(p.key(), p.value());
  for (const auto& b : module.named_buffers(true)) out.emplace_back(b.key(), b.value());
  return out;
}

namespace {
std::string shape_text(const at::Tensor& t) {
  std::string s = "[";
  for (int64_t i = 0; i < t.dim(); ++i) s += (i ? "," : "") + std::to_string(t.size(i));
  return s + "]";
}
}  // namespace

void load_module_state(torch::nn::Module& module, const NamedTensors& state, const std::string& what) {
  std::map<std::string, at::Tensor> given(state.begin(), state.end());
  const NamedTensors target = module_state(module);
  std::vector<std::string> missing, mismatched;
  for (const auto& [name, t] : target) {
    auto it = given.find(name);
    if (it == given.end()) {
      missing.push_back(name);
    } else if (!it->second.defined() || it->second.sizes() != t.sizes()) {
      mismatched.push_back(name + " (expected " + shape_text(t) + ", got " +
                           (it->second.defined() ? shape_text(it->second) : "undefined") + ")");
    }
  }
  std::vector<std::string> unexpected;
  std::map<std::string, bool> known;
  for (const auto& kv : target) known[kv.first] = true;
  for (const auto& kv : state)
    if (!known.count(kv.first)) unexpected.push_back(kv.first);
  if (!missing.empty() || !mismatched.empty() || !unexpected.empty()) {
    auto first = [](const std::vector<std::string>& v) {
      std::string s;
      for (size_t i = 0; i < v.size() && i < 3; ++i) s += (i ? ", " : "") + v[i];
      if (v.size() > 3) s += ", ... (" + std::to_string(v.size()) + " in all)";
      return s;
    };
    std::string msg = what + " does not match this model:";
    if (!missing.empty()) msg += " missing " + first(missing) + ";";
    if (!unexpected.empty()) msg += " unexpected " + first(unexpected) + ";";
    if (!mismatched.empty()) msg += " shape mismatch " + first(mismatched) + ";";
    throw core::RuntimeError(msg);
  }
  torch::NoGradGuard no_grad;
  for (auto& [name, t] : target) {
    // Same dtype and device as the live tensor; copy_ keeps the module's storage (and optimizer
    // references to it) intact.
    t.copy_(given.at(name));
  }
}

Ema::Ema(const torch::nn::Module& module, double decay) : decay_(decay) {
  torch::NoGradGuard no_grad;
  for (const auto& p : module.named_parameters(true)) {
    shadow_.emplace_back(p.key(), p.value().detach().clone());
    is_param_.push_back(true);
  }
  for (const auto& b : module.named_buffers(true)) {
    shadow_.emplace_back(b.key(), b.value().detach().clone());
    is_param_.push_back(false);
  }
}

void Ema::update(const torch::nn::Module& module) {
  if (applied()) throw core::RuntimeError("EMA update while the averaged weights are applied");
  torch::NoGradGuard no_grad;
  const NamedTensors live = module_state(module);
  if (live.size() != shadow_.size()) throw core::RuntimeError("EMA: the module changed shape");
  for (size_t i = 0; i < live.size(); ++i) {
    at::Tensor& s = shadow_[i].second;
    const at::Tensor& w = live[i].second;
    if (is_param_[i] && s.is_floating_point()) {
      s.mul_(decay_).add_(w.detach(), 1.0 - decay_);
    } else {
      s.copy_(w);
    }
  }
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
