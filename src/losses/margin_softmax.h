#pragma once
// Margin softmax (ArcFace / CosFace / SphereFace and their combination) over a classifier the
// objective owns: logits are s·cosθ between the L2-normalised embedding and L2-normalised class
// weight rows, with the target class's logit replaced by s·(cos(m1·θ + m2) − m3).
#include <cstdint>
#include <string>

#include <ATen/core/Tensor.h>

#include "losses/objective.h"

namespace facerep::losses {

struct MarginOptions {
  double scale = 64.0;   // s
  double m1 = 1.0;       // multiplicative angular margin (SphereFace)
  double m2 = 0.5;       // additive angular margin (ArcFace)
  double m3 = 0.0;       // additive cosine margin (CosFace)
  bool easy_margin = false;

  template <class V> void visit(V& v) {
    v("scale", scale, "logit scale s").greater(0.0);
    v("m1", m1, "multiplicative angular margin: cos(m1·θ + m2) − m3").min(1.0);
    v("m2", m2, "additive angular margin (radians)").min(0.0).less(3.14159);
    v("m3", m3, "additive cosine margin").min(0.0);
    v("easy_margin", easy_margin,
      "apply the margin only where cosθ > 0 (otherwise the monotone fallback beyond θ + m passes π)");
  }
};

// Presets: the same class, registered with different defaults.
struct ArcFaceOptions : MarginOptions {};
struct CosFaceOptions : MarginOptions {
  CosFaceOptions() { m2 = 0.0, m3 = 0.35; }
};
struct SphereFaceOptions : MarginOptions {
  SphereFaceOptions() { m1 = 1.35, m2 = 0.0; }
};

// The target-class logit before scaling, elementwise on cosθ (any dtype; gradients flow):
//   θ = acos(clamp(cosθ, −1 + eps, 1 − eps))
//   cos(m1·θ + m2) − m3                    where m1·θ + m2 ≤ π
//   cosθ − m3 − (1 + cos θt)               beyond, θt = (π − m2) / m1
// The fallback keeps the logit monotone in θ (cos(m1·θ + m2) turns back up past π) and equals the
// margined value at θt, so it is continuous. It is insightface's th/mm construction with
// mm = 1 + cos θt rather than m2·sin m2 (theirs jumps by ≈0.12 at m2 = 0.5 and has no m1 form).
// With easy_margin, entries with cosθ ≤ 0 keep plain cosθ instead.
at::Tensor margin_target_logit(const at::Tensor& cos_theta, const MarginOptions& o);

// Scaled logits [B,C] from cosines [B,C] and labels [B]: s·cosθ, target column margined. A label
// of −1 leaves its row unmargined: the sharded classifier's rows whose class another rank holds.
at::Tensor margin_logits(const at::Tensor& cos_theta, const at::Tensor& labels, const MarginOptions& o);

class MarginSoftmax : public Objective {
 public:
  MarginSoftmax(const MarginOptions& options, const ObjectiveContext& ctx, std::string name);
  LossOutput compute(models::Backbone& model, const data::Batch& batch, StepContext& ctx) override;
  DataNeeds needs() const override;

  // Loss on given embeddings (the part after the backbone; tests call it directly).
  LossOutput loss(const at::Tensor& embeddings, const data::Batch& batch);
  const at::Tensor& weight() const { return weight_; }

 private:
  MarginOptions options_;
  std::string name_;
  int64_t num_classes_;
  at::Tensor weight_;  // [C, D]
};

}  // namespace facerep::losses
