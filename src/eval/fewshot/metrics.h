#pragma once
// Metrics of the few-shot transfer benchmark, as pure functions on tensors (CPU or not; results
// come back as doubles), and the summary of one metric over repeated seeds.
#include <cstdint>
#include <vector>

#include <ATen/core/Tensor.h>

namespace facerep::eval::fewshot {

// ---- Repeated seeds ------------------------------------------------------------------------

// Mean, sample standard deviation (n - 1 in the denominator) and the 95% confidence half-width
// t(0.975, n - 1) · std / √n over n seeds. n = 1 gives std 0 and ci95 0; n = 0 gives all zeros.
struct SeedSummary {
  double mean = 0, std = 0, ci95 = 0;
  int64_t n = 0;
};
SeedSummary summarize(const std::vector<double>& values);

// Student's t quantile at 0.975 for `dof` >= 1 degrees of freedom: exact table to 30, then the
// Cornish-Fisher expansion around the normal quantile (error < 1e-5 there).
double student_t_975(int64_t dof);

// ---- Landmarks -----------------------------------------------------------------------------

enum class NmeNormalization {
  kInterOcular,  // 68 points: outer eye corners 36 and 45; 5 points: the two eye centres 0 and 1
  kBoxSize,      // sqrt(w · h) of the target landmarks' bounding box
};
// Normalised mean error of landmarks pred/target [N, P, 2]: per sample, the mean point-to-point
// Euclidean distance divided by that sample's normaliser (from the target), then averaged over
// samples. Throws core::ConfigError for inter-ocular with P not in {5, 68}, or a zero normaliser.
double nme(const at::Tensor& pred, const at::Tensor& target,
           NmeNormalization normalization = NmeNormalization::kInterOcular);

// ---- Face parsing --------------------------------------------------------------------------

// Mean intersection over union of integer label maps pred/target (same shape, any rank), over
// classes 0..num_classes-1, accumulated over the whole set (not per image). A class absent from
// both pred and target in the whole set has no defined IoU and is left out of the mean (a class
// only predicted counts, with IoU 0). Target pixels equal to ignore_index are dropped (also from
// pred). Returns 0 when no class is present at all.
double mean_iou(const at::Tensor& pred, const at::Tensor& target, int64_t num_classes, int64_t ignore_index = -1);

// ---- Multi-label (action units, attributes) ------------------------------------------------
// scores [N, U] (probabilities or any monotone score), labels [N, U] of 0/1. A sample counts as
// positive for unit u when scores[n][u] >= threshold. F1 = 2TP / (2TP + FP + FN), and 0 when the
// unit has neither positives nor predicted positives (sklearn's zero_division=0).

std::vector<double> per_unit_f1(const at::Tensor& scores, const at::Tensor& labels,
                                const std::vector<double>& thresholds);
std::vector<double> per_unit_f1(const at::Tensor& scores, const at::Tensor& labels, double threshold = 0.5);
double mean_f1(const at::Tensor& scores, const at::Tensor& labels, double threshold = 0.5);
double mean_f1(const at::Tensor& scores, const at::Tensor& labels, const std::vector<double>& thresholds);

// Per-unit threshold maximising F1 on a validation set. Candidates are the observed scores of
// that unit; equal F1 → the lower threshold (more positives predicted). A unit without any
// positive label cannot reach F1 > 0 at any candidate: it gets the next double above its highest
// score, so it predicts no positive on data like the validation set.
std::vector<double> choose_thresholds(const at::Tensor& scores, const at::Tensor& labels);

// Mean over samples and units of (prediction == label), predictions at the threshold.
double multilabel_accuracy(const at::Tensor& scores, const at::Tensor& labels, double threshold = 0.5);

// ---- Classification and regression ---------------------------------------------------------

// Fraction of correct predictions. pred is [N] class indices or [N, C] scores (argmax; ties →
// the lowest class); target is [N] class indices.
double accuracy(const at::Tensor& pred, const at::Tensor& target);

// pred/target [N] or [N, T]. MAE and RMSE over all elements; R² = 1 - SS_res / SS_tot per target
// column, averaged over columns. A constant target column has R² 1 when predicted exactly and 0
// otherwise (as sklearn with force_finite).
struct RegressionMetrics {
  double mae = 0, rmse = 0, r2 = 0;
};
RegressionMetrics regression_metrics(const at::Tensor& pred, const at::Tensor& target);

}  // namespace facerep::eval::fewshot
