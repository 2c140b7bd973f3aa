#pragma once
// FMAE-IAT's identity adversary: a head that predicts the training subject from the backbone
// feature through a gradient reversal. The head itself learns normally (its loss enters the total
// undiminished); only the gradient reaching the backbone is reversed and scaled by λ. With λ = 0
// the head sees a detached feature: the exact control run (same heads, same losses logged, the
// backbone untouched by the adversary).
#include <cstdint>
#include <string>

#include <ATen/core/Tensor.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/container/sequential.h>

namespace facerep::losses {

struct IatOptions {
  double lambda = 0.0;
  std::string schedule = "constant";
  double gamma = 10.0;
  std::string head = "linear";
  int hidden = 256;

  template <class V> void visit(V& v) {
    v("lambda", lambda,
      "weight of the reversed identity gradient reaching the backbone (0: the identity head still trains, on a "
      "detached feature: the control run)")
        .min(0.0);
    v("schedule", schedule, "lambda over training: constant, or dann (lambda · (2/(1+exp(−gamma·p)) − 1), p = step/steps)")
        .one_of({"constant", "dann"});
    v("gamma", gamma, "steepness of the dann ramp").greater(0.0);
    v("head", head, "identity head: linear, or mlp (Linear-ReLU-Linear with `hidden` units)").one_of({"linear", "mlp"});
    v("hidden", hidden, "hidden units of the mlp identity head").min(1);
  }
};

class IdentityAdversaryImpl : public torch::nn::Module {
 public:
  IdentityAdversaryImpl(const IatOptions& options, int64_t in_dim, int64_t num_subjects);
  // Subject logits [B, S] of features [B, D] with the gradient to `features` reversed by lambda
  // (lambda 0: none reaches them).
  at::Tensor forward(const at::Tensor& features, double lambda);
  int64_t num_subjects() const { return num_subjects_; }

 private:
  int64_t num_subjects_;
  torch::nn::Sequential head_{nullptr};
};
TORCH_MODULE(IdentityAdversary);

}  // namespace facerep::losses
