#include "trainers/adamw.h"

#include <ATen/ATen.h>
#include <torch/optim/adamw.h>

namespace facerep::trainers {

AdamW::AdamW(std::vector<ParamGroup> groups, double base_lr, double beta1, double beta2, double eps)
    : Optimizer(std::move(groups), base_lr) {
  const auto defaults = torch::optim::AdamWOptions(base_lr).betas({beta1, beta2}).eps(eps);
  torch_ = std::make_unique<torch::optim::AdamW>(torch_groups(defaults), defaults);
}

Optimizer::Slots AdamW::to_slots(const torch::optim::OptimizerParamState& state) const {
  const auto& s = static_cast<const torch::optim::AdamWParamState&>(state);
  return {{"step", at::scalar_tensor(s.step(), at::kLong)}, {"exp_avg", s.exp_avg()}, {"exp_avg_sq", s.exp_avg_sq()}};
}

std::unique_ptr<torch::optim::OptimizerParamState> AdamW::from_slots(const Slots& slots) const {
  auto state = std::make_unique<torch::optim::AdamWParamState>();
  state->step(slots.at(0).second.item<int64_t>());
  state->exp_avg(slots.at(1).second);
  state->exp_avg_sq(slots.at(2).second);
  return state;
}

void register_adamw() {
  optimizer_registry().add<AdamWOptions>(
      "adamw", "AdamW: Adam with decoupled weight decay",
      [](const AdamWOptions& o, const OptimizerInputs& in) -> std::shared_ptr<Optimizer> {
        return std::make_shared<AdamW>(build_param_groups(in, o.common.weight_decay, o.common.layer_decay),
                                       scaled_lr(o.common, in.global_batch), o.betas[0], o.betas[1], o.eps);
      });
}

}  // namespace facerep::trainers
