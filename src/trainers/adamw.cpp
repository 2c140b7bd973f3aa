#include "trainers/adamw.h"

#include <cmath>

#include <ATen/ATen.h>

namespace facerep::trainers {

AdamW::AdamW(std::vector<ParamGroup> groups, double base_lr, double beta1, double beta2, double eps)
    : Optimizer(std::move(groups), base_lr), beta1_(beta1), beta2_(beta2), eps_(eps) {}

void AdamW::step() {
  at::NoGradGuard no_grad;
  size_t i = 0;
  for (size_t gi = 0; gi < groups_.size(); ++gi) {
    const ParamGroup& g = groups_[gi];
    const double lr = group_lr(gi);
    for (size_t j = 0; j < g.params.size(); ++j, ++i) {
      at::Tensor p = g.params[j];
      if (!p.grad().defined()) continue;
      const at::Tensor& grad = p.grad();
      Slots& s = slots(i);
      if (s.empty()) {
        // The step count lives in a 0-d int64 tensor so it checkpoints like the moments.
        s.emplace_back("step", at::zeros({}, at::kLong));
        s.emplace_back("exp_avg", at::zeros_like(p));
        s.emplace_back("exp_avg_sq", at::zeros_like(p));
      }
      at::Tensor& step_t = s[0].second;
      at::Tensor& m = s[1].second;
      at::Tensor& v = s[2].second;
      step_t.add_(1);
      const double t = static_cast<double>(step_t.item<int64_t>());
      if (g.weight_decay != 0.0) p.mul_(1.0 - lr * g.weight_decay);
      m.mul_(beta1_).add_(grad, 1.0 - beta1_);
      v.mul_(beta2_).addcmul_(grad, grad, 1.0 - beta2_);
      const double bc1 = 1.0 - std::pow(beta1_, t);
      const double bc2 = 1.0 - std::pow(beta2_, t);
      at::Tensor denom = (v.sqrt() / std::sqrt(bc2)).add_(eps_);
      p.addcdiv_(m, denom, -lr / bc1);
    }
  }
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
