#pragma once
// Protocols on frozen features: a linear probe with its weight decay chosen on a validation split,
// and a cosine k-nearest-neighbour predictor. Both are deterministic on the CPU.
#include <cstdint>
#include <vector>

#include <ATen/core/Tensor.h>

namespace facerep::eval::fewshot {

enum class ProbeTask {
  kClassification,  // targets [N] int64 class indices; outputs class probabilities [N, C]
  kMultiLabel,      // targets [N, U] of 0/1; outputs per-unit probabilities [N, U]
  kRegression,      // targets [N] or [N, T]; outputs values of the same rank
};

struct LinearProbeOptions {
  ProbeTask task = ProbeTask::kClassification;
  int64_t num_classes = 0;  // classification: 0 = largest training label + 1
  // Candidate weight decays (coefficient of ½·‖W‖² added to the mean loss; bias not decayed).
  std::vector<double> weight_decays = {1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1};
  // Used without selection when the validation part is empty (e.g. 1 sample per class).
  double default_weight_decay = 1e-4;
  double validation_fraction = 0.2;  // of the training rows, stratified by class for classification
  uint64_t seed = 0;                 // of the validation split
  int64_t max_iterations = 100;      // L-BFGS iterations per fit (logistic losses)
};

// What fit() decided: the chosen weight decay and each candidate's validation loss (empty when
// no validation was possible and the default was used).
struct ProbeFitReport {
  double weight_decay = 0;
  bool validated = false;
  int64_t train_rows = 0, validation_rows = 0;
  std::vector<double> candidates, validation_losses;
};

// Features are standardised with the fitting rows' mean and standard deviation. Classification is
// multinomial logistic regression and multi-label independent sigmoids, both fitted full-batch by
// L-BFGS (strong Wolfe line search); regression is ridge, solved in closed form. Weight decay:
// each candidate, largest first, is fitted on the training part (L-BFGS warm-started from the
// previous candidate's solution) and scored by the validation part's unpenalised loss
// (cross-entropy, binary cross-entropy, squared error); the lowest wins, ties → the larger decay;
// then the probe is refitted on all rows with it, starting from that candidate's solution.
class LinearProbe {
 public:
  explicit LinearProbe(LinearProbeOptions options = {});

  // features [N, D] (any floating dtype, computed in float32 on the CPU), targets as ProbeTask says.
  ProbeFitReport fit(const at::Tensor& features, const at::Tensor& targets);
  // Probabilities (classification, multi-label) or values (regression) for features [M, D].
  at::Tensor predict(const at::Tensor& features) const;

  const ProbeFitReport& report() const { return report_; }
  // The fitted map in the original feature units: predict's logits/values = features · weight + bias.
  at::Tensor weight() const;  // [D, outputs]
  at::Tensor bias() const;    // [outputs]
  const LinearProbeOptions& options() const { return options_; }

 private:
  // Fits mean_, std_, weight_, bias_ on the given rows with one weight decay; L-BFGS starts from
  // the current weight_/bias_ when they are set (warm start), else from zero.
  void fit_rows(const at::Tensor& features, const at::Tensor& targets, double weight_decay);
  at::Tensor raw_outputs(const at::Tensor& features) const;  // logits or values, [M, outputs]
  double loss(const at::Tensor& features, const at::Tensor& targets) const;

  LinearProbeOptions options_;
  ProbeFitReport report_;
  int64_t outputs_ = 0;
  bool squeeze_ = false;  // regression with [N] targets predicts [M]
  at::Tensor mean_, std_, weight_, bias_;
};

struct KnnOptions {
  ProbeTask task = ProbeTask::kClassification;
  int64_t k = 20;             // neighbours (clamped to the training rows)
  double temperature = 0.07;  // > 0; neighbour weight exp(cosine / temperature)
  int64_t num_classes = 0;    // classification: 0 = largest training label + 1
};

// Cosine k-nearest neighbours of each query among the training features. Weights are
// exp(sim / temperature), normalised over the k neighbours (computed as a softmax, so a tiny
// temperature does not overflow: it gives all weight to the most similar neighbours, equal
// similarities sharing it). Classification returns the weighted vote per class [M, C] (argmax =
// prediction, ties → lowest class); multi-label the weighted average of the label vectors [M, U];
// regression the weighted average of the targets ([M] or [M, T]). Neighbours are ranked by a
// stable sort, so those tied in similarity at the k-th place are taken in training-row order.
at::Tensor knn_predict(const at::Tensor& train_features, const at::Tensor& train_targets,
                       const at::Tensor& query_features, const KnnOptions& options = {});

}  // namespace facerep::eval::fewshot
