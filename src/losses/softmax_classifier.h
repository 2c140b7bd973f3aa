#pragma once
// Baseline: a plain linear classifier (with bias) on the raw embeddings + cross-entropy.
#include <string>

#include <ATen/core/Tensor.h>
#include <torch/nn/modules/linear.h>

#include "losses/objective.h"

namespace facerep::losses {

struct SoftmaxOptions {
  double label_smoothing = 0.0;

  template <class V> void visit(V& v) {
    v("label_smoothing", label_smoothing, "cross-entropy label smoothing").min(0.0).less(1.0);
  }
};

class SoftmaxClassifier : public Objective {
 public:
  SoftmaxClassifier(const SoftmaxOptions& options, const ObjectiveContext& ctx);
  LossOutput compute(models::Backbone& model, const data::Batch& batch, StepContext& ctx) override;
  DataNeeds needs() const override;
  LossOutput loss(const at::Tensor& embeddings, const data::Batch& batch);

 private:
  SoftmaxOptions options_;
  int64_t num_classes_;
  torch::nn::Linear fc_{nullptr};
};

}  // namespace facerep::losses
