#include "eval/fewshot/metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include <torch/torch.h>

#include "core/error.h"

namespace facerep::eval::fewshot {

namespace {

// Everything is computed in double on the CPU: metrics must not depend on the device or dtype.
at::Tensor as_cpu_double(const at::Tensor& t) { return t.detach().to(torch::kCPU, torch::kDouble); }

void require_same_shape(const at::Tensor& a, const at::Tensor& b, const char* what) {
  if (a.sizes() != b.sizes())
    throw core::ConfigError(std::string(what) + ": prediction shape " + c10::str(a.sizes()) +
                            " differs from target shape " + c10::str(b.sizes()));
}

void require_multilabel(const at::Tensor& scores, const at::Tensor& labels, const char* what) {
  require_same_shape(scores, labels, what);
  if (scores.dim() != 2) throw core::ConfigError(std::string(what) + ": expected [N, units] scores, got " +
                                                 c10::str(scores.sizes()));
}

// The F1 of unit u in terms of counts, 0 when undefined.
double f1_from_counts(int64_t tp, int64_t fp, int64_t fn) {
  const int64_t denominator = 2 * tp + fp + fn;
  return denominator == 0 ? 0.0 : 2.0 * static_cast<double>(tp) / static_cast<double>(denominator);
}

}  // namespace

// ---- Repeated seeds ------------------------------------------------------------------------

double student_t_975(int64_t dof) {
  if (dof < 1) throw core::ConfigError("student_t_975: degrees of freedom must be >= 1, got " + std::to_string(dof));
  static const double kTable[30] = {
      12.706204736, 4.302652730, 3.182446305, 2.776445105, 2.570581836, 2.446911851, 2.364624252,
      2.306004135,  2.262157163, 2.228138852, 2.200985160, 2.178812830, 2.160368656, 2.144786688,
      2.131449546,  2.119905299, 2.109815578, 2.100922040, 2.093024054, 2.085963447, 2.079613845,
      2.073873068,  2.068657610, 2.063898562, 2.059538553, 2.055529439, 2.051830516, 2.048407142,
      2.045229642,  2.042272456};
  if (dof <= 30) return kTable[dof - 1];
  // Cornish-Fisher expansion of t in powers of 1/dof (Abramowitz & Stegun 26.7.5).
  const double z = 1.959963984540054, v = static_cast<double>(dof);
  const double z2 = z * z, z3 = z2 * z, z5 = z3 * z2, z7 = z5 * z2, z9 = z7 * z2;
  return z + (z3 + z) / (4 * v) + (5 * z5 + 16 * z3 + 3 * z) / (96 * v * v) +
         (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * v * v * v) +
         (79 * z9 + 776 * z7 + 1482 * z5 - 1920 * z3 - 945 * z) / (92160 * v * v * v * v);
}

SeedSummary summarize(const std::vector<double>& values) {
  SeedSummary s;
  s.n = static_cast<int64_t>(values.size());
  if (s.n == 0) return s;
  for (double v : values) s.mean += v;
  s.mean /= static_cast<double>(s.n);
  if (s.n == 1) return s;
  double sum_sq = 0;
  for (double v : values) sum_sq += (v - s.mean) * (v - s.mean);
  s.std = std::sqrt(sum_sq / static_cast<double>(s.n - 1));
  s.ci95 = student_t_975(s.n - 1) * s.std / std::sqrt(static_cast<double>(s.n));
  return s;
}

// ---- Landmarks -----------------------------------------------------------------------------

double nme(const at::Tensor& pred, const at::Tensor& target, NmeNormalization normalization) {
  require_same_shape(pred, target, "nme");
  if (target.dim() != 3 || target.size(2) != 2 || target.size(0) == 0)
    throw core::ConfigError("nme: expected landmarks [N, points, 2] with N >= 1, got " + c10::str(target.sizes()));
  const at::Tensor p = as_cpu_double(pred), t = as_cpu_double(target);
  at::Tensor norm;
  if (normalization == NmeNormalization::kInterOcular) {
    const int64_t points = t.size(1);
    if (points != 68 && points != 5)
      throw core::ConfigError("nme: inter-ocular normalisation needs 68 or 5 landmarks, got " +
                              std::to_string(points) + " (use the box-size normalisation)");
    const int64_t left = points == 68 ? 36 : 0, right = points == 68 ? 45 : 1;
    norm = (t.select(1, left) - t.select(1, right)).norm(2, -1);
  } else {
    const at::Tensor extent = std::get<0>(t.max(1)) - std::get<0>(t.min(1));  // [N, 2]: w, h
    norm = (extent.select(1, 0) * extent.select(1, 1)).sqrt();
  }
  if (norm.le(0).any().item<bool>())
    throw core::ConfigError("nme: sample " + std::to_string(norm.le(0).nonzero()[0][0].item<int64_t>()) +
                            " has a zero normalising distance (coincident reference landmarks)");
  const at::Tensor per_sample = (p - t).norm(2, -1).mean(1) / norm;
  return per_sample.mean().item<double>();
}

// ---- Face parsing --------------------------------------------------------------------------

double mean_iou(const at::Tensor& pred, const at::Tensor& target, int64_t num_classes, int64_t ignore_index) {
  require_same_shape(pred, target, "mean_iou");
  if (num_classes < 1) throw core::ConfigError("mean_iou: num_classes must be >= 1");
  at::Tensor p = pred.detach().to(torch::kCPU, torch::kLong).flatten();
  at::Tensor t = target.detach().to(torch::kCPU, torch::kLong).flatten();
  const at::Tensor keep = t.ne(ignore_index);
  p = p.masked_select(keep);
  t = t.masked_select(keep);
  if (p.numel() > 0 && (p.min().item<int64_t>() < 0 || p.max().item<int64_t>() >= num_classes ||
                        t.min().item<int64_t>() < 0 || t.max().item<int64_t>() >= num_classes))
    throw core::ConfigError("mean_iou: labels must lie in [0, " + std::to_string(num_classes) + ")");
  // Confusion counts in one bincount: row = target, column = prediction.
  const at::Tensor confusion = torch::bincount(t * num_classes + p, {}, num_classes * num_classes)
                                   .view({num_classes, num_classes})
                                   .to(torch::kDouble);
  const at::Tensor intersection = confusion.diagonal();
  const at::Tensor uni = confusion.sum(0) + confusion.sum(1) - intersection;
  const at::Tensor present = uni.gt(0);
  if (!present.any().item<bool>()) return 0.0;
  return (intersection.masked_select(present) / uni.masked_select(present)).mean().item<double>();
}

// ---- Multi-label ---------------------------------------------------------------------------

std::vector<double> per_unit_f1(const at::Tensor& scores, const at::Tensor& labels,
                                const std::vector<double>& thresholds) {
  require_multilabel(scores, labels, "per_unit_f1");
  if (static_cast<int64_t>(thresholds.size()) != scores.size(1))
    throw core::ConfigError("per_unit_f1: " + std::to_string(thresholds.size()) + " thresholds for " +
                            std::to_string(scores.size(1)) + " units");
  const at::Tensor predicted = as_cpu_double(scores).ge(torch::tensor(thresholds, torch::kDouble));
  const at::Tensor positive = as_cpu_double(labels).gt(0.5);
  const at::Tensor tp = (predicted & positive).sum(0), fp = (predicted & ~positive).sum(0),
                   fn = (~predicted & positive).sum(0);
  std::vector<double> f1;
  for (int64_t u = 0; u < scores.size(1); ++u)
    f1.push_back(f1_from_counts(tp[u].item<int64_t>(), fp[u].item<int64_t>(), fn[u].item<int64_t>()));
  return f1;
}

std::vector<double> per_unit_f1(const at::Tensor& scores, const at::Tensor& labels, double threshold) {
  require_multilabel(scores, labels, "per_unit_f1");
  return per_unit_f1(scores, labels, std::vector<double>(static_cast<size_t>(scores.size(1)), threshold));
}

double mean_f1(const at::Tensor& scores, const at::Tensor& labels, const std::vector<double>& thresholds) {
  const std::vector<double> f1 = per_unit_f1(scores, labels, thresholds);
  if (f1.empty()) return 0.0;
  double sum = 0;
  for (double v : f1) sum += v;
  return sum / static_cast<double>(f1.size());
}

double mean_f1(const at::Tensor& scores, const at::Tensor& labels, double threshold) {
  require_multilabel(scores, labels, "mean_f1");
  return mean_f1(scores, labels, std::vector<double>(static_cast<size_t>(scores.size(1)), threshold));
}

std::vector<double> choose_thresholds(const at::Tensor& scores, const at::Tensor& labels) {
  require_multilabel(scores, labels, "choose_thresholds");
  const at::Tensor s = as_cpu_double(scores).contiguous();
  const at::Tensor positive = as_cpu_double(labels).gt(0.5).contiguous();
  const int64_t n = s.size(0), units = s.size(1);
  std::vector<double> thresholds;
  for (int64_t u = 0; u < units; ++u) {
    const at::Tensor column = s.select(1, u).contiguous();
    const at::Tensor order = column.argsort(/*dim=*/0, /*descending=*/true);
    const at::Tensor sorted = column.index_select(0, order);
    const at::Tensor sorted_positive = positive.select(1, u).index_select(0, order);
    const double* v = sorted.data_ptr<double>();
    const bool* is_pos = sorted_positive.data_ptr<bool>();
    const int64_t total_pos = sorted_positive.sum().item<int64_t>();
    if (n == 0 || total_pos == 0) {
      thresholds.push_back(n == 0 ? 0.5 : std::nextafter(v[0], std::numeric_limits<double>::infinity()));
      continue;
    }
    // Lowering the threshold through the distinct scores, highest first: every sample with a score
    // >= the threshold is predicted positive. F1 = 2TP / (TP + FP + P); compared exactly by
    // cross-multiplying, and `>=` so an equal F1 at a lower threshold wins.
    int64_t tp = 0, fp = 0, best_num = -1, best_den = 1;
    double best = v[0];
    for (int64_t i = 0; i < n; ++i) {
      (is_pos[i] ? tp : fp) += 1;
      if (i + 1 < n && v[i + 1] == v[i]) continue;  // all samples tied at this score go together
      const int64_t num = 2 * tp, den = tp + fp + total_pos;
      if (num * best_den >= best_num * den) {
        best_num = num;
        best_den = den;
        best = v[i];
      }
    }
    thresholds.push_back(best);
  }
  return thresholds;
}

double multilabel_accuracy(const at::Tensor& scores, const at::Tensor& labels, double threshold) {
  require_multilabel(scores, labels, "multilabel_accuracy");
  if (scores.numel() == 0) return 0.0;
  const at::Tensor predicted = as_cpu_double(scores).ge(threshold);
  const at::Tensor positive = as_cpu_double(labels).gt(0.5);
  return predicted.eq(positive).to(torch::kDouble).mean().item<double>();
}

// ---- Classification and regression ---------------------------------------------------------

double accuracy(const at::Tensor& pred, const at::Tensor& target) {
  const at::Tensor p = pred.dim() == 2 ? pred.detach().argmax(1) : pred.detach();
  if (p.dim() != 1 || target.dim() != 1 || p.size(0) != target.size(0))
    throw core::ConfigError("accuracy: expected [N] or [N, C] predictions and [N] targets, got " +
                            c10::str(pred.sizes()) + " and " + c10::str(target.sizes()));
  if (p.size(0) == 0) return 0.0;
  return p.to(torch::kCPU, torch::kLong).eq(target.detach().to(torch::kCPU, torch::kLong)).to(torch::kDouble).mean().item<double>();
}

RegressionMetrics regression_metrics(const at::Tensor& pred, const at::Tensor& target) {
  require_same_shape(pred, target, "regression_metrics");
  if (target.dim() < 1 || target.dim() > 2 || target.size(0) == 0)
    throw core::ConfigError("regression_metrics: expected [N] or [N, T] with N >= 1, got " + c10::str(target.sizes()));
  const at::Tensor p = as_cpu_double(pred).reshape({target.size(0), -1});
  const at::Tensor t = as_cpu_double(target).reshape({target.size(0), -1});
  const at::Tensor error = p - t;
  RegressionMetrics m;
  m.mae = error.abs().mean().item<double>();
  m.rmse = std::sqrt(error.square().mean().item<double>());
  const at::Tensor ss_res = error.square().sum(0);
  const at::Tensor ss_tot = (t - t.mean(0, /*keepdim=*/true)).square().sum(0);
  double r2_sum = 0;
  for (int64_t c = 0; c < t.size(1); ++c) {
    const double res = ss_res[c].item<double>(), tot = ss_tot[c].item<double>();
    r2_sum += tot > 0 ? 1.0 - res / tot : (res == 0 ? 1.0 : 0.0);
  }
  m.r2 = r2_sum / static_cast<double>(t.size(1));
  return m;
}

}  // namespace facerep::eval::fewshot
