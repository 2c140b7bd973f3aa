#pragma once
// Verification metrics as plain functions on (score, same) arrays; a higher score means "more
// likely the same person" (cosine similarity). Torch-free so they are quick to test.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace facerep::eval {

// One operating point: pairs with score >= threshold are called "same".
struct RocPoint {
  double threshold = 0;
  double far = 0;  // false accept rate: accepted different pairs / different pairs
  double tar = 0;  // true accept rate: accepted same pairs / same pairs
};

struct Roc {
  std::vector<RocPoint> points;  // from (0, 0) at +inf to (1, 1), one per distinct score
  double auc = 0;                // trapezoidal area under TAR(FAR)
  double eer = 0;                // where FAR = 1 − TAR, linearly interpolated between points
  double eer_threshold = 0;
  int64_t positives = 0, negatives = 0;
};

// Throws core::RuntimeError when the arrays differ in length or a class is missing.
Roc compute_roc(const std::vector<double>& scores, const std::vector<bool>& same);

// Best TAR among operating points with FAR <= far. Only meaningful when far >= 1 / negatives.
double tar_at_far(const Roc& roc, double far);
// The FARs of {1e-1, 1e-2, 1e-3, 1e-4} that the negative count can resolve (far >= 1/negatives).
std::vector<double> resolvable_fars(int64_t negatives);

// k-fold verification accuracy (LFW protocol): folds are consecutive blocks of pairs; for each
// fold the threshold maximising accuracy on the other folds (midpoints between their sorted
// distinct scores) is applied to the held-out fold.
struct FoldAccuracy {
  std::vector<double> accuracy;   // per fold
  std::vector<double> threshold;  // per fold, chosen without its own pairs
  double mean = 0, std = 0;       // over folds (population std, as in the LFW reports)
};
FoldAccuracy kfold_accuracy(const std::vector<double>& scores, const std::vector<bool>& same, int folds = 10);

// The figures reported for scored pairs, in report order: accuracy (k-fold mean), accuracy_std,
// auc, eer, threshold (mean of the fold thresholds), then tar_at_far_<far> (e.g. tar_at_far_1e-03)
// for each FAR the different pairs resolve. One home for these names: the verification evaluator
// and the few-shot verification task report the same keys.
struct VerificationSummary {
  FoldAccuracy accuracy;
  Roc roc;
  std::vector<std::pair<std::string, double>> rows;
};
VerificationSummary summarize_verification(const std::vector<double>& scores, const std::vector<bool>& same,
                                           int folds = 10);

// Threshold maximising accuracy of "score > t" on the given pairs (the first best candidate).
double best_threshold(const std::vector<double>& scores, const std::vector<bool>& same);
double accuracy_at(const std::vector<double>& scores, const std::vector<bool>& same, double threshold);

}  // namespace facerep::eval
