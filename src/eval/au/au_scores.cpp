#include "eval/au/au_scores.h"

#include <torch/torch.h>

#include "core/error.h"
#include "eval/embed.h"

namespace facerep::eval {

AuScores au_scores(models::Backbone& model, losses::AuPredictor& predictor, const data::Dataset& dataset,
                   int64_t batch_size, c10::Device device, const std::string& what) {
  const EvalModeGuard guard(model);
  torch::NoGradGuard no_grad;
  std::vector<at::Tensor> probs, labels;
  for_each_batch(dataset, batch_size, [&](const data::Batch& batch) {
    if (!batch.aus.defined() || !batch.aus_mask.all().item<bool>())
      throw core::ConfigError(what + ": needs action-unit labels, but " + dataset.source().describe() +
                              " has none (first sample " + (batch.paths.empty() ? "?" : batch.paths[0]) + ")");
    if (batch.aus.size(1) != predictor.num_aus())
      throw core::ConfigError(what + ": " + dataset.source().describe() + " has " + std::to_string(batch.aus.size(1)) +
                              " action units per sample, the model's AU head " + std::to_string(predictor.num_aus()));
    probs.push_back(torch::sigmoid(predictor.au_logits(model, batch.images.to(device)).to(torch::kFloat)).cpu());
    labels.push_back(batch.aus.to(torch::kFloat).cpu());
  });
  if (probs.empty()) throw core::ConfigError(what + ": " + dataset.source().describe() + " has no samples");
  return {torch::cat(probs), torch::cat(labels)};
}

}  // namespace facerep::eval
