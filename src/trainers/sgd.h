#pragma once
// `optim: {type: sgd}` — torch::optim::SGD: (Nesterov) momentum and coupled weight decay, the
// update rule of Python's torch.optim.SGD (dampening 0): g += wd·p; buf = m·buf + g (buf = g at
// the first step); p -= lr · (nesterov ? g + m·buf : buf).
#include "trainers/optimizer.h"

namespace facerep::trainers {

struct SgdOptions {
  OptimizerCommon common;
  double momentum = 0.9;
  bool nesterov = false;

  template <class V> void visit(V& v) {
    common.visit(v);
    v("momentum", momentum, "momentum factor; 0 = plain SGD").min(0.0).less(1.0);
    v("nesterov", nesterov, "Nesterov momentum");
  }
};

class Sgd : public Optimizer {
 public:
  Sgd(std::vector<ParamGroup> groups, double base_lr, double momentum, bool nesterov);
  const char* type() const override { return "sgd"; }

 protected:
  std::vector<std::string> slot_names() const override { return {"momentum"}; }
  Slots to_slots(const torch::optim::OptimizerParamState& state) const override;
  std::unique_ptr<torch::optim::OptimizerParamState> from_slots(const Slots& slots) const override;
};

void register_sgd();

}  // namespace facerep::trainers
