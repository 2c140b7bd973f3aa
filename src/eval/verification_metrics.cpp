#include "eval/verification_metrics.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numeric>

#include "core/error.h"

namespace facerep::eval {

namespace {
void check_inputs(const std::vector<double>& scores, const std::vector<bool>& same) {
  if (scores.size() != same.size())
    throw core::RuntimeError("verification: " + std::to_string(scores.size()) + " scores for " +
                             std::to_string(same.size()) + " labels");
  for (double s : scores)
    if (!std::isfinite(s)) throw core::RuntimeError("verification: a pair score is not finite (NaN/Inf embedding?)");
}
}  // namespace

Roc compute_roc(const std::vector<double>& scores, const std::vector<bool>& same) {
  check_inputs(scores, same);
  Roc roc;
  for (bool s : same) (s ? roc.positives : roc.negatives)++;
  if (roc.positives == 0 || roc.negatives == 0)
    throw core::RuntimeError("verification: ROC needs both same and different pairs (got " +
                             std::to_string(roc.positives) + " same, " + std::to_string(roc.negatives) +
                             " different)");
  std::vector<size_t> order(scores.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return scores[a] > scores[b]; });
  const double inf = std::numeric_limits<double>::infinity();
  roc.points.push_back({inf, 0.0, 0.0});
  int64_t tp = 0, fp = 0;
  for (size_t i = 0; i < order.size(); ++i) {
    (same[order[i]] ? tp : fp)++;
    // One point per distinct score: all pairs with that score switch together.
    if (i + 1 < order.size() && scores[order[i + 1]] == scores[order[i]]) continue;
    roc.points.push_back({scores[order[i]], static_cast<double>(fp) / roc.negatives,
                          static_cast<double>(tp) / roc.positives});
  }
  for (size_t i = 1; i < roc.points.size(); ++i) {
    const RocPoint &a = roc.points[i - 1], &b = roc.points[i];
    roc.auc += (b.far - a.far) * (a.tar + b.tar) * 0.5;
  }
  // FAR − FRR rises from −1 to +1 along the curve; interpolate where it crosses zero.
  for (size_t i = 1; i < roc.points.size(); ++i) {
    const RocPoint &a = roc.points[i - 1], &b = roc.points[i];
    const double da = a.far - (1 - a.tar), db = b.far - (1 - b.tar);
    if (db >= 0) {
      const double t = db == da ? 0.0 : -da / (db - da);
      roc.eer = a.far + t * (b.far - a.far);
      roc.eer_threshold = std::isfinite(a.threshold) ? a.threshold + t * (b.threshold - a.threshold) : b.threshold;
      break;
    }
  }
  return roc;
}

double tar_at_far(const Roc& roc, double far) {
  double best = 0;
  for (const auto& p : roc.points)
    if (p.far <= far + 1e-12) best = std::max(best, p.tar);
  return best;
}

std::vector<double> resolvable_fars(int64_t negatives) {
  std::vector<double> out;
  for (double f : {1e-1, 1e-2, 1e-3, 1e-4})
    if (negatives > 0 && f * static_cast<double>(negatives) >= 1.0 - 1e-9) out.push_back(f);
  return out;
}

double accuracy_at(const std::vector<double>& scores, const std::vector<bool>& same, double threshold) {
  if (scores.empty()) return 0;
  int64_t right = 0;
  for (size_t i = 0; i < scores.size(); ++i) right += (scores[i] > threshold) == same[i];
  return static_cast<double>(right) / static_cast<double>(scores.size());
}

double best_threshold(const std::vector<double>& scores, const std::vector<bool>& same) {
  check_inputs(scores, same);
  std::vector<double> s = scores;
  std::sort(s.begin(), s.end());
  s.erase(std::unique(s.begin(), s.end()), s.end());
  if (s.empty()) return 0;
  // Candidates: below everything, every midpoint, above everything.
  std::vector<double> candidates{s.front() - 1.0};
  for (size_t i = 1; i < s.size(); ++i) candidates.push_back((s[i - 1] + s[i]) * 0.5);
  candidates.push_back(s.back() + 1.0);
  // Sweep in sorted order so each candidate costs O(1): count "same" pairs above it.
  std::vector<size_t> order(scores.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return scores[a] < scores[b]; });
  int64_t total_same = std::count(same.begin(), same.end(), true);
  // Below every score: everything is called "same".
  int64_t correct = total_same;
  double best_t = candidates[0];
  int64_t best = correct;
  size_t k = 0;
  for (size_t c = 1; c < candidates.size(); ++c) {
    while (k < order.size() && scores[order[k]] < candidates[c]) {
      correct += same[order[k]] ? -1 : 1;  // this pair is now called "different"
      ++k;
    }
    if (correct > best) best = correct, best_t = candidates[c];
  }
  return best_t;
}

FoldAccuracy kfold_accuracy(const std::vector<double>& scores, const std::vector<bool>& same, int folds) {
  check_inputs(scores, same);
  const int64_t n = static_cast<int64_t>(scores.size());
  if (folds < 2 || n < folds)
    throw core::RuntimeError("verification: " + std::to_string(folds) + "-fold accuracy needs at least " +
                             std::to_string(std::max(folds, 2)) + " pairs, got " + std::to_string(n));
  FoldAccuracy out;
  for (int f = 0; f < folds; ++f) {
    const int64_t lo = n * f / folds, hi = n * (f + 1) / folds;
    std::vector<double> train_s, test_s;
    std::vector<bool> train_y, test_y;
    for (int64_t i = 0; i < n; ++i) {
      const bool test = i >= lo && i < hi;
      (test ? test_s : train_s).push_back(scores[i]);
      (test ? test_y : train_y).push_back(same[i]);
    }
    const double t = best_threshold(train_s, train_y);
    out.threshold.push_back(t);
    out.accuracy.push_back(accuracy_at(test_s, test_y, t));
  }
  out.mean = std::accumulate(out.accuracy.begin(), out.accuracy.end(), 0.0) / folds;
  double var = 0;
  for (double a : out.accuracy) var += (a - out.mean) * (a - out.mean);
  out.std = std::sqrt(var / folds);
  return out;
}

VerificationSummary summarize_verification(const std::vector<double>& scores, const std::vector<bool>& same,
                                           int folds) {
  VerificationSummary s;
  s.accuracy = kfold_accuracy(scores, same, folds);
  s.roc = compute_roc(scores, same);
  double mean_threshold = 0;
  for (double t : s.accuracy.threshold) mean_threshold += t / static_cast<double>(s.accuracy.threshold.size());
  s.rows = {{"accuracy", s.accuracy.mean}, {"accuracy_std", s.accuracy.std}, {"auc", s.roc.auc},
            {"eer", s.roc.eer},            {"threshold", mean_threshold}};
  for (double far : resolvable_fars(s.roc.negatives)) {
    char key[32];
    std::snprintf(key, sizeof key, "tar_at_far_%.0e", far);  // e.g. tar_at_far_1e-03
    s.rows.emplace_back(key, tar_at_far(s.roc, far));
  }
  return s;
}

}  // namespace facerep::eval
