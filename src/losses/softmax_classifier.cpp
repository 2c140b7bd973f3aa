#include "losses/softmax_classifier.h"

#include <torch/torch.h>

#include "core/error.h"
#include "losses/batch_checks.h"

namespace facerep::losses {

SoftmaxClassifier::SoftmaxClassifier(const SoftmaxOptions& options, const ObjectiveContext& ctx)
    : options_(options), num_classes_(ctx.num_classes) {
  if (ctx.num_classes < 1)
    throw core::ConfigError("objective softmax: needs identity labels, but the training source has no identities");
  if (ctx.embedding_dim < 1) throw core::ConfigError("objective softmax: the model's embedding size is unknown");
  fc_ = register_module("fc", torch::nn::Linear(ctx.embedding_dim, ctx.num_classes));
}

DataNeeds SoftmaxClassifier::needs() const {
  DataNeeds n;
  n.identity = true;
  return n;
}

LossOutput SoftmaxClassifier::loss(const at::Tensor& embeddings, const data::Batch& batch) {
  check_embeddings(embeddings, fc_->weight.size(1), batch, "softmax");
  const at::Tensor labels = checked_labels(batch, num_classes_, "softmax").to(embeddings.device());
  const at::Tensor logits = fc_->forward(embeddings);
  LossOutput out;
  out.total = torch::nn::functional::cross_entropy(
      logits, labels, torch::nn::functional::CrossEntropyFuncOptions().label_smoothing(options_.label_smoothing));
  out.terms.emplace_back("softmax", out.total);
  out.metrics["accuracy"] = logits.argmax(1).eq(labels).to(torch::kDouble).mean();
  return out;
}

LossOutput SoftmaxClassifier::compute(models::Backbone& model, const data::Batch& batch, StepContext&) {
  return loss(model.forward(batch.images), batch);
}

}  // namespace facerep::losses
