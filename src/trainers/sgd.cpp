#include "trainers/sgd.h"

#include <torch/optim/sgd.h>

namespace facerep::trainers {

Sgd::Sgd(std::vector<ParamGroup> groups, double base_lr, double momentum, bool nesterov)
    : Optimizer(std::move(groups), base_lr) {
  // LibTorch rejects Nesterov without momentum; with momentum 0 it would change nothing anyway.
  const auto defaults = torch::optim::SGDOptions(base_lr).momentum(momentum).nesterov(nesterov && momentum > 0);
  torch_ = std::make_unique<torch::optim::SGD>(torch_groups(defaults), defaults);
}

Optimizer::Slots Sgd::to_slots(const torch::optim::OptimizerParamState& state) const {
  return {{"momentum", static_cast<const torch::optim::SGDParamState&>(state).momentum_buffer()}};
}

std::unique_ptr<torch::optim::OptimizerParamState> Sgd::from_slots(const Slots& slots) const {
  auto state = std::make_unique<torch::optim::SGDParamState>();
  state->momentum_buffer(slots.at(0).second);
  return state;
}

void register_sgd() {
  optimizer_registry().add<SgdOptions>(
      "sgd", "SGD with momentum (optionally Nesterov) and weight decay",
      [](const SgdOptions& o, const OptimizerInputs& in) -> std::shared_ptr<Optimizer> {
        return std::make_shared<Sgd>(build_param_groups(in, o.common.weight_decay, o.common.layer_decay),
                                     scaled_lr(o.common, in.global_batch), o.momentum, o.nesterov);
      });
}

}  // namespace facerep::trainers
