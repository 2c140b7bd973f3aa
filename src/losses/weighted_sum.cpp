#include "losses/weighted_sum.h"

#include <algorithm>
#include <map>

#include <torch/torch.h>

#include "core/error.h"

namespace facerep::losses {

WeightedSum::WeightedSum(const SumOptions& options, const ObjectiveContext& ctx) {
  if (options.terms.empty()) throw core::ConfigError("objective sum: terms needs at least one objective");
  if (!options.weights.empty() && options.weights.size() != options.terms.size())
    throw core::ConfigError("objective sum: weights has " + std::to_string(options.weights.size()) +
                            " entries but there are " + std::to_string(options.terms.size()) + " terms");
  std::map<std::string, int> count;
  for (const auto& spec : options.terms) ++count[spec.type];
  std::vector<std::shared_ptr<Objective>> parts;
  std::vector<std::string> prefixes;
  for (size_t i = 0; i < options.terms.size(); ++i) {
    const auto& spec = options.terms[i];
    parts.push_back(objective_registry().build(spec, ctx));
    prefixes.push_back(count[spec.type] > 1 ? spec.type + "#" + std::to_string(i) : spec.type);
  }
  std::vector<double> weights = options.weights;
  if (weights.empty()) weights.assign(parts.size(), 1.0);
  adopt(std::move(parts), std::move(prefixes), std::move(weights));
}

WeightedSum::WeightedSum(std::vector<std::shared_ptr<Objective>> parts, std::vector<std::string> prefixes,
                         std::vector<double> weights) {
  if (parts.size() != prefixes.size() || parts.size() != weights.size() || parts.empty())
    throw core::ConfigError("objective sum: needs as many weights and names as parts (at least one)");
  adopt(std::move(parts), std::move(prefixes), std::move(weights));
}

void WeightedSum::adopt(std::vector<std::shared_ptr<Objective>> parts, std::vector<std::string> prefixes,
                        std::vector<double> weights) {
  parts_ = std::move(parts);
  prefixes_ = std::move(prefixes);
  weights_ = std::move(weights);
  // Registered as submodules so their parameters are trained and checkpointed ("term0.weight", ...).
  for (size_t i = 0; i < parts_.size(); ++i) register_module("term" + std::to_string(i), parts_[i]);
}

LossOutput WeightedSum::compute(models::Backbone& model, const data::Batch& batch, StepContext& ctx) {
  LossOutput out;
  for (size_t i = 0; i < parts_.size(); ++i) {
    LossOutput part = parts_[i]->compute(model, batch, ctx);
    const at::Tensor weighted = part.total * weights_[i];
    out.total = out.total.defined() ? out.total + weighted : weighted;
    for (auto& [name, value] : part.terms) out.terms.emplace_back(prefixes_[i] + "/" + name, value);
    for (const auto& [name, value] : part.metrics) out.metrics[prefixes_[i] + "/" + name] = value;
    if (part.keep.defined()) {
      out.keep = out.keep.defined() ? out.keep.logical_and(part.keep) : part.keep;
      out.skip_reason += (out.skip_reason.empty() ? "" : "; ") + prefixes_[i] + ": " + part.skip_reason;
    }
  }
  return out;
}

void WeightedSum::after_step(models::Backbone& model, const StepContext& ctx) {
  for (auto& p : parts_) p->after_step(model, ctx);
}

DataNeeds WeightedSum::needs() const {
  DataNeeds n;
  for (const auto& p : parts_) {
    const DataNeeds q = p->needs();
    n.identity = n.identity || q.identity;
    n.region_map_or_landmarks = n.region_map_or_landmarks || q.region_map_or_landmarks;
    n.m_per_class_sampler = n.m_per_class_sampler || q.m_per_class_sampler;
    n.views = std::max(n.views, q.views);
  }
  return n;
}

std::vector<at::Tensor> WeightedSum::sharded_parameters() const {
  std::vector<at::Tensor> out;
  for (const auto& part : parts_) {
    const std::vector<at::Tensor> p = part->sharded_parameters();
    out.insert(out.end(), p.begin(), p.end());
  }
  return out;
}

}  // namespace facerep::losses
