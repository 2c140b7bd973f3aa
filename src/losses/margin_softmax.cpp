#include "losses/margin_softmax.h"

#include <cmath>

#include <torch/torch.h>

#include "core/error.h"
#include "losses/batch_checks.h"

namespace facerep::losses {

namespace {
namespace F = torch::nn::functional;
// Keeps acos's derivative, −1/√(1 − x²), finite at |cosθ| = 1 (≈ 1/√(2e-6) ≈ 700 at the clamp).
constexpr double kAcosEps = 1e-6;
}  // namespace

at::Tensor margin_target_logit(const at::Tensor& cos_theta, const MarginOptions& o) {
  const at::Tensor theta = torch::acos(cos_theta.clamp(-1.0 + kAcosEps, 1.0 - kAcosEps));
  const at::Tensor margined = torch::cos(theta * o.m1 + o.m2) - o.m3;
  const double theta_t = (M_PI - o.m2) / o.m1;
  const at::Tensor fallback = cos_theta - o.m3 - (1.0 + std::cos(theta_t));
  at::Tensor out = torch::where(theta * o.m1 + o.m2 <= M_PI, margined, fallback);
  if (o.easy_margin) out = torch::where(cos_theta > 0, out, cos_theta);
  return out;
}

at::Tensor margin_logits(const at::Tensor& cos_theta, const at::Tensor& labels, const MarginOptions& o) {
  const at::Tensor index = labels.view({-1, 1}).clamp_min(0);
  const at::Tensor target_cos = cos_theta.gather(1, index);
  // Rows without a column here write their own cosine back (a no-op for values and gradients).
  const at::Tensor target = torch::where(labels.view({-1, 1}) >= 0, margin_target_logit(target_cos, o), target_cos);
  // scatter is out-of-place here, so autograd sees both the cosines and the margined targets.
  return cos_theta.scatter(1, index, target) * o.scale;
}

MarginSoftmax::MarginSoftmax(const MarginOptions& options, const ObjectiveContext& ctx, std::string name)
    : options_(options), name_(std::move(name)), num_classes_(ctx.num_classes) {
  if (ctx.num_classes < 1)
    throw core::ConfigError("objective " + name_ +
                            ": needs identity labels, but the training source has no identities");
  if (ctx.embedding_dim < 1)
    throw core::ConfigError("objective " + name_ + ": the model's embedding size is unknown");
  // insightface initialises its classifier with N(0, 0.01).
  weight_ = register_parameter("weight", torch::randn({ctx.num_classes, ctx.embedding_dim}) * 0.01);
}

DataNeeds MarginSoftmax::needs() const {
  DataNeeds n;
  n.identity = true;
  return n;
}

LossOutput MarginSoftmax::loss(const at::Tensor& embeddings, const data::Batch& batch) {
  check_embeddings(embeddings, weight_.size(1), batch, name_);
  const at::Tensor labels = checked_labels(batch, num_classes_, name_).to(embeddings.device());
  const at::Tensor w = weight_.to(embeddings.scalar_type());
  const at::Tensor cos_theta = F::linear(F::normalize(embeddings, F::NormalizeFuncOptions().dim(1)),
                                         F::normalize(w, F::NormalizeFuncOptions().dim(1)));
  const at::Tensor logits = margin_logits(cos_theta, labels, options_);
  LossOutput out;
  out.total = F::cross_entropy(logits, labels);
  out.terms.emplace_back(name_, out.total);
  // Accuracy from the plain cosines: the margin is a training-time handicap, not the prediction.
  out.metrics["accuracy"] = cos_theta.argmax(1).eq(labels).to(torch::kDouble).mean();
  return out;
}

LossOutput MarginSoftmax::compute(models::Backbone& model, const data::Batch& batch, StepContext&) {
  return loss(model.forward(batch.images), batch);
}

}  // namespace facerep::losses
