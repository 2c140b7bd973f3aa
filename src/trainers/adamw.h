#pragma once
// `optim: {type: adamw}` — torch::optim::AdamW: Adam with decoupled weight decay, the update rule
// of Python's torch.optim.AdamW:
// p *= 1 − lr·wd; m = β1·m + (1−β1)·g; v = β2·v + (1−β2)·g²;
// p -= lr/(1−β1^t) · m / (sqrt(v)/sqrt(1−β2^t) + eps).
#include "trainers/optimizer.h"

namespace facerep::trainers {

struct AdamWOptions {
  OptimizerCommon common{1e-3, 0.05, "none", 1.0};
  std::vector<double> betas{0.9, 0.999};
  double eps = 1e-8;

  template <class V> void visit(V& v) {
    common.visit(v);
    v("betas", betas, "moment decay rates [β1, β2] (pre-training often uses β2 = 0.95)");
    v.require(betas.size() == 2 && betas[0] >= 0 && betas[0] < 1 && betas[1] >= 0 && betas[1] < 1,
              "betas", "must be two numbers in [0, 1)");
    v("eps", eps, "added to the denominator").greater(0.0);
  }
};

class AdamW : public Optimizer {
 public:
  AdamW(std::vector<ParamGroup> groups, double base_lr, double beta1, double beta2, double eps);
  const char* type() const override { return "adamw"; }

 protected:
  // "step" is a 0-d int64 tensor so it checkpoints like the moments.
  std::vector<std::string> slot_names() const override { return {"step", "exp_avg", "exp_avg_sq"}; }
  Slots to_slots(const torch::optim::OptimizerParamState& state) const override;
  std::unique_ptr<torch::optim::OptimizerParamState> from_slots(const Slots& slots) const override;
};

void register_adamw();

}  // namespace facerep::trainers
