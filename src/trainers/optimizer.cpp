#include "trainers/optimizer.h"

#include <cmath>
#include <map>
#include <set>

#include <ATen/ATen.h>
#include <c10/util/C++17.h>

#include "core/error.h"

namespace facerep::trainers {

namespace {
bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}
// How LibTorch keys an optimizer's per-parameter state (as torch/optim/serialize.h does).
std::string state_key(const at::Tensor& p) { return c10::guts::to_string(p.unsafeGetTensorImpl()); }
}  // namespace

std::vector<ParamGroup> build_param_groups(const OptimizerInputs& in, double weight_decay,
                                           double layer_decay) {
  if (!in.model) throw core::RuntimeError("optimizer: no model to optimise");
  const int64_t head_layer = in.model->num_layers() + 1;
  // (decays?, layer_id) -> group; std::map keeps a stable order for checkpoints.
  std::map<std::pair<bool, int64_t>, ParamGroup> by_key;
  auto add = [&](const std::string& name, const at::Tensor& p, bool model_no_wd, int64_t layer) {
    if (!p.requires_grad()) return;
    const bool decays = !(p.dim() <= 1 || ends_with(name, "bias") || model_no_wd);
    const int64_t key_layer = layer_decay < 1.0 ? layer : 0;
    ParamGroup& g = by_key[{decays, key_layer}];
    if (g.params.empty()) {
      g.name = std::string(decays ? "decay" : "no_decay") +
               (layer_decay < 1.0 ? "/layer" + std::to_string(layer) : "");
      g.weight_decay = decays ? weight_decay : 0.0;
      g.lr_scale = std::pow(layer_decay, static_cast<double>(head_layer - key_layer));
      if (layer_decay >= 1.0) g.lr_scale = 1.0;
    }
    g.params.push_back(p);
    g.param_names.push_back(name);
  };
  for (const auto& p : in.model->named_parameters(true))
    add("model." + p.key(), p.value(), in.model->no_weight_decay(p.key()),
        std::max<int64_t>(0, std::min(head_layer, in.model->layer_id(p.key()))));
  if (in.objective)
    for (const auto& p : in.objective->named_parameters(true))
      add("objective." + p.key(), p.value(), false, head_layer);
  std::vector<ParamGroup> out;
  for (auto& kv : by_key) out.push_back(std::move(kv.second));
  if (out.empty()) throw core::RuntimeError("optimizer: the model and objective have no trainable parameters");
  return out;
}

double scaled_lr(const OptimizerCommon& common, int64_t global_batch) {
  return common.lr_scale == "linear" ? common.lr * static_cast<double>(global_batch) / 256.0 : common.lr;
}

Optimizer::Optimizer(std::vector<ParamGroup> groups, double base_lr)
    : groups_(std::move(groups)), base_lr_(base_lr), lr_(base_lr) {}

void Optimizer::step() { torch_->step(); }

void Optimizer::zero_grad() { torch_->zero_grad(); }

void Optimizer::set_lr(double lr) {
  lr_ = lr;
  for (size_t i = 0; i < groups_.size(); ++i) torch_->param_groups()[i].options().set_lr(group_lr(i));
}

std::vector<at::Tensor> Optimizer::parameters() const {
  std::vector<at::Tensor> out;
  for (const auto& g : groups_) out.insert(out.end(), g.params.begin(), g.params.end());
  return out;
}

NamedTensors Optimizer::state() const {
  NamedTensors out;
  for (const auto& g : groups_)
    for (size_t j = 0; j < g.params.size(); ++j) {
      const auto it = torch_->state().find(state_key(g.params[j]));
      if (it == torch_->state().end()) continue;  // never updated yet
      for (const auto& [slot, t] : to_slots(*it->second))
        out.emplace_back(g.param_names[j] + "/" + slot, t.detach().clone());
    }
  return out;
}

void Optimizer::load_state(const NamedTensors& state) {
  std::map<std::string, at::Tensor> given(state.begin(), state.end());
  const std::vector<std::string> names = slot_names();
  ska::flat_hash_map<std::string, std::unique_ptr<torch::optim::OptimizerParamState>> loaded;
  size_t used = 0;
  for (const auto& g : groups_)
    for (size_t j = 0; j < g.params.size(); ++j) {
      const at::Tensor& p = g.params[j];
      Slots slots;
      std::string missing;
      for (const auto& slot : names) {
        const std::string key = g.param_names[j] + "/" + slot;
        auto it = given.find(key);
        if (it == given.end()) {
          if (missing.empty()) missing = key;
          continue;
        }
        if (it->second.dim() > 0 && it->second.sizes() != p.sizes())
          throw core::RuntimeError("optimizer state for '" + key + "' has another shape than the parameter");
        slots.emplace_back(slot, it->second.to(it->second.dim() > 0 ? p.device() : at::kCPU).clone());
      }
      if (slots.empty()) continue;  // a parameter never updated has no state yet
      if (!missing.empty()) throw core::RuntimeError("optimizer state has no entry '" + missing + "'");
      used += slots.size();
      loaded[state_key(p)] = from_slots(slots);
    }
  if (used != given.size()) {
    std::set<std::string> known;
    for (const auto& g : groups_)
      for (const auto& n : g.param_names)
        for (const auto& slot : names) known.insert(n + "/" + slot);
    for (const auto& kv : given)
      if (!known.count(kv.first))
        throw core::RuntimeError("optimizer state has an entry for an unknown parameter: '" + kv.first + "'");
  }
  torch_->state() = std::move(loaded);
}

OptimizerRegistry& optimizer_registry() {
  static OptimizerRegistry registry("optimizer");
  return registry;
}

}  // namespace facerep::trainers
