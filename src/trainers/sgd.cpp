#include "trainers/sgd.h"

#include <ATen/ATen.h>

namespace facerep::trainers {

Sgd::Sgd(std::vector<ParamGroup> groups, double base_lr, double momentum, bool nesterov)
    : Optimizer(std::move(groups), base_lr), momentum_(momentum), nesterov_(nesterov) {}

void Sgd::step() {
  at::NoGradGuard no_grad;
  size_t i = 0;
  for (size_t gi = 0; gi < groups_.size(); ++gi) {
    const ParamGroup& g = groups_[gi];
    const double lr = group_lr(gi);
    for (size_t j = 0; j < g.params.size(); ++j, ++i) {
      at::Tensor p = g.params[j];
      if (!p.grad().defined()) continue;
      at::Tensor d = p.grad();
      if (g.weight_decay != 0.0) d = d.add(p, g.weight_decay);
      if (momentum_ != 0.0) {
        Slots& s = slots(i);
        if (s.empty()) {
          s.emplace_back("momentum", d.clone());
        } else {
          s[0].second.mul_(momentum_).add_(d);
        }
        const at::Tensor& buf = s[0].second;
        d = nesterov_ ? d.add(buf, momentum_) : buf;
      }
      p.add_(d, -lr);
    }
  }
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
