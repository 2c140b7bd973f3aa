#pragma once
// `sum`: total = Σ weights[i] · terms[i].total, e.g.
//   {type: sum, terms: [{type: arcface}, {type: symface}], weights: [1.0, 0.1]}
// Each part's named terms and metrics are logged as "<type>/<name>" ("<type>#<i>/<name>" when a
// type appears twice).
#include <memory>
#include <string>
#include <vector>

#include "core/config_visit.h"
#include "losses/objective.h"

namespace facerep::losses {

struct SumOptions {
  std::vector<core::ComponentSpec> terms;
  std::vector<double> weights;

  template <class V> void visit(V& v) {
    v.components("terms", terms, "objective", "the objectives to add up");
    v("weights", weights, "one weight per term (default: all 1)");
    v.require(!v.reading() || !terms.empty(), "terms", "needs at least one objective");
    v.require(!v.reading() || weights.empty() || weights.size() == terms.size(), "weights",
              "has " + std::to_string(weights.size()) + " entries but there are " +
                  std::to_string(terms.size()) + " terms");
  }
};

class WeightedSum : public Objective {
 public:
  // Builds each part through objective_registry().
  WeightedSum(const SumOptions& options, const ObjectiveContext& ctx);
  // Direct assembly (tests, code).
  WeightedSum(std::vector<std::shared_ptr<Objective>> parts, std::vector<std::string> prefixes,
              std::vector<double> weights);

  LossOutput compute(models::Backbone& model, const data::Batch& batch, StepContext& ctx) override;
  void after_step(models::Backbone& model, const StepContext& ctx) override;
  DataNeeds needs() const override;
  std::vector<at::Tensor> sharded_parameters() const override;

 private:
  void adopt(std::vector<std::shared_ptr<Objective>> parts, std::vector<std::string> prefixes,
             std::vector<double> weights);
  std::vector<std::shared_ptr<Objective>> parts_;
  std::vector<std::string> prefixes_;
  std::vector<double> weights_;
};

}  // namespace facerep::losses
