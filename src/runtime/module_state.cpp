#include "runtime/module_state.h"

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

}  // namespace facerep::runtime
