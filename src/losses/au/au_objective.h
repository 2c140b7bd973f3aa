#pragma once
// `type: au`: multi-label action-unit detection on the backbone's pooled feature (FMAE fine-tuning),
// optionally identity-adversarial (FMAE-IAT): the same feature feeds an identity head through a
// gradient reversal, so the backbone is pushed to drop what identifies the training subjects and
// cannot shortcut AUs through who the person is.
//   total = BCE-with-logits(AU head) + cross-entropy(identity head)
// The identity loss is added undiminished: the reversal scales only the gradient reaching the
// backbone (by −λ_t), the identity head learns at full strength as in DANN.
#include <cstdint>
#include <vector>

#include <ATen/core/Tensor.h>
#include <torch/nn/modules/linear.h>

#include "losses/au/au_predictor.h"
#include "losses/au/identity_adversary.h"
#include "losses/objective.h"

namespace facerep::losses {

struct AuOptions {
  std::vector<double> pos_weight;  // empty: 1 for every unit
  IatOptions iat;

  template <class V> void visit(V& v) {
    v("pos_weight", pos_weight,
      "weight of each AU's positive term in the BCE, one per unit (e.g. negatives/positives of the training data); "
      "empty: 1");
    v.section("iat", iat,
              "identity-adversarial training: an identity head behind a gradient reversal (trained whenever the "
              "data has identities; reversed gradient only when lambda > 0)");
  }
};

class AuObjective : public Objective, public AuPredictor {
 public:
  // Throws core::ConfigError when the data has no AU labels, pos_weight has the wrong length, or
  // iat.lambda > 0 without identity labels.
  AuObjective(const AuOptions& options, const ObjectiveContext& ctx);
  LossOutput compute(models::Backbone& model, const data::Batch& batch, StepContext& ctx) override;
  DataNeeds needs() const override;
  AuPredictor* au_predictor() override { return this; }

  at::Tensor au_logits(models::Backbone& model, const at::Tensor& images) override;
  int64_t num_aus() const override { return num_aus_; }

  // The loss on given features [B, D] with the adversary at `lambda` (tests call it directly).
  LossOutput loss(const at::Tensor& features, const data::Batch& batch, double lambda);
  // λ_t of the configured schedule at `step` of `total_steps`.
  double lambda_at(int64_t step, int64_t total_steps) const;
  bool has_adversary() const { return !adversary_.is_empty(); }

 private:
  AuOptions options_;
  int64_t num_aus_;
  torch::nn::Linear au_head_{nullptr};
  at::Tensor pos_weight_;            // [U] or undefined
  IdentityAdversary adversary_{nullptr};  // absent when the data has no identities (and lambda is 0)
};

}  // namespace facerep::losses
