#include "losses/au/au_objective.h"

#include <torch/torch.h>

#include "core/error.h"
#include "losses/au/lambda_schedule.h"
#include "losses/batch_checks.h"

namespace facerep::losses {

namespace {
std::string training_data(const ObjectiveContext& ctx) {
  return ctx.data_description.empty() ? std::string("the training data") : ctx.data_description;
}
}  // namespace

AuObjective::AuObjective(const AuOptions& options, const ObjectiveContext& ctx)
    : options_(options), num_aus_(ctx.num_aus) {
  if (ctx.num_aus < 1)
    throw core::ConfigError("data.train.source: objective 'au' needs action-unit labels, but " + training_data(ctx) +
                            " has none");
  if (ctx.embedding_dim < 1) throw core::ConfigError("objective au: the model's embedding size is unknown");
  if (!options.pos_weight.empty()) {
    if (static_cast<int64_t>(options.pos_weight.size()) != num_aus_)
      throw core::ConfigError("objective.pos_weight: " + std::to_string(options.pos_weight.size()) +
                              " values for " + std::to_string(num_aus_) + " action units in the training data");
    for (double w : options.pos_weight)
      if (!(w > 0)) throw core::ConfigError("objective.pos_weight: every weight must be > 0, got " + std::to_string(w));
    pos_weight_ = register_buffer("pos_weight", torch::tensor(options.pos_weight, torch::kFloat));
  }
  au_head_ = register_module("au_head", torch::nn::Linear(ctx.embedding_dim, num_aus_));
  if (ctx.num_classes >= 1)
    adversary_ = register_module("identity_head", IdentityAdversary(options.iat, ctx.embedding_dim, ctx.num_classes));
  else if (options.iat.lambda > 0)
    throw core::ConfigError("data.train.source: objective 'au' with iat.lambda > 0 needs identity labels, but " +
                            training_data(ctx) + " has none");
}

DataNeeds AuObjective::needs() const {
  DataNeeds n;
  n.identity = options_.iat.lambda > 0;
  return n;
}

double AuObjective::lambda_at(int64_t step, int64_t total_steps) const {
  return adversary_lambda(options_.iat.schedule, options_.iat.lambda, options_.iat.gamma, step, total_steps);
}

at::Tensor AuObjective::au_logits(models::Backbone& model, const at::Tensor& images) {
  return au_head_->forward(model.forward(images));
}

LossOutput AuObjective::loss(const at::Tensor& features, const data::Batch& batch, double lambda) {
  check_embeddings(features, au_head_->weight.size(1), batch, "au");
  if (!batch.aus.defined() || batch.aus.size(1) != num_aus_)
    throw core::RuntimeError("au: the batch has " +
                             (batch.aus.defined() ? std::to_string(batch.aus.size(1)) : std::string("no")) +
                             " action-unit labels per sample, the objective " + std::to_string(num_aus_) +
                             " (samples " + describe_samples(batch) + ")");
  // Only rows that carry AU labels count (mixed sources may lack them on some samples).
  // Chosen on the host copy (nonzero on a GPU would make the host wait for it).
  const at::Tensor rows =
      batch.on_host().aus_mask.nonzero().squeeze(1).to(features.device(), /*non_blocking=*/true);
  if (rows.numel() == 0)
    throw core::RuntimeError("au: no sample of the batch has action-unit labels (samples " + describe_samples(batch) +
                             ")");
  const at::Tensor logits = au_head_->forward(features.index_select(0, rows));
  const at::Tensor targets = batch.aus.to(features.device()).index_select(0, rows).to(logits.scalar_type());
  auto bce = torch::nn::functional::BinaryCrossEntropyWithLogitsFuncOptions();
  if (pos_weight_.defined()) bce.pos_weight(pos_weight_.to(logits.scalar_type()));
  LossOutput out;
  const at::Tensor au = torch::nn::functional::binary_cross_entropy_with_logits(logits, targets, bce);
  out.total = au;
  out.terms.emplace_back("au", au);
  out.metrics["au_acc"] = (logits.ge(0) == targets.ge(0.5)).to(torch::kDouble).mean();
  if (adversary_) {
    const at::Tensor labels = checked_labels(batch, adversary_->num_subjects(), "au").to(features.device());
    const at::Tensor id_logits = adversary_->forward(features, lambda);
    const at::Tensor identity = torch::nn::functional::cross_entropy(id_logits, labels);
    out.total = out.total + identity;
    out.terms.emplace_back("identity", identity);
    out.metrics["identity_acc"] = id_logits.argmax(1).eq(labels).to(torch::kDouble).mean();
    out.metrics["lambda"] = host_metric(lambda);
  }
  return out;
}

LossOutput AuObjective::compute(models::Backbone& model, const data::Batch& batch, StepContext& ctx) {
  return loss(model.forward(batch.images), batch, lambda_at(ctx.step, ctx.total_steps));
}

}  // namespace facerep::losses
