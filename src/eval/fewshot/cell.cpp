#include "eval/fewshot/cell.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <set>

#include <torch/torch.h>

#include "core/error.h"
#include "eval/fewshot/metrics.h"
#include "eval/fewshot/probes.h"
#include "eval/fewshot/subsets.h"
#include "eval/portable_random.h"

namespace facerep::eval::fewshot {
namespace {

at::Tensor rows(const at::Tensor& t, const std::vector<int64_t>& idx) {
  return t.index_select(0, torch::tensor(idx, torch::kLong));
}

// Rows whose label for `task` is present.
std::vector<int64_t> labelled(const std::string& task, const FeatureSet& set, const std::vector<int64_t>& from) {
  at::Tensor ok;
  if (task == "identity") ok = set.identity >= 0;
  else if (task == "attributes") ok = set.attributes_mask;
  else if (task == "aus") ok = set.aus_mask;
  else if (task == "values") ok = set.values_mask;
  else ok = set.landmarks_mask;
  const at::Tensor mask = ok.to(torch::kBool).contiguous();
  const bool* m = mask.data_ptr<bool>();
  std::vector<int64_t> out;
  for (int64_t i : from)
    if (m[i]) out.push_back(i);
  return out;
}

// The targets of `task` for `idx` and how a probe fits them.
at::Tensor targets(const std::string& task, const FeatureSet& set, const std::vector<int64_t>& idx) {
  if (task == "identity") return rows(set.identity, idx);
  if (task == "attributes") return (rows(set.attributes, idx) >= 0.5).to(torch::kFloat);
  if (task == "aus") return (rows(set.aus, idx) >= 0.5).to(torch::kFloat);
  if (task == "values") return rows(set.values, idx).to(torch::kFloat);
  const at::Tensor marks = rows(set.landmarks, idx);
  return marks.reshape({marks.size(0), -1});  // [N, 2P]: x0, y0, x1, y1, ...
}

ProbeTask probe_task(const std::string& task) {
  if (task == "identity") return ProbeTask::kClassification;
  if (task == "landmarks" || task == "values") return ProbeTask::kRegression;
  return ProbeTask::kMultiLabel;
}

// Nearest class mean of L2-normalised features, by cosine: one-hot scores [M, C].
at::Tensor centroid_predict(const at::Tensor& train, const at::Tensor& labels, const at::Tensor& query,
                            int64_t classes) {
  const at::Tensor x = torch::nn::functional::normalize(train, torch::nn::functional::NormalizeFuncOptions().dim(1));
  at::Tensor centres = torch::zeros({classes, x.size(1)});
  centres.index_add_(0, labels, x);
  centres = torch::nn::functional::normalize(centres, torch::nn::functional::NormalizeFuncOptions().dim(1));
  const at::Tensor q = torch::nn::functional::normalize(query, torch::nn::functional::NormalizeFuncOptions().dim(1));
  return torch::one_hot(torch::matmul(q, centres.t()).argmax(1), classes).to(torch::kFloat);
}

// linear, knn and centroid on the cached features.
class FrozenProtocol : public CellProtocol {
 public:
  FrozenProtocol(const CellOptions& o, const FeatureSet& set) : o_(o), set_(set) {}

  at::Tensor fit_predict(const ProtocolRequest& r, const std::vector<int64_t>& train, const at::Tensor& y,
                         const std::vector<int64_t>& query) override {
    const at::Tensor x = rows(set_.features, train), q = rows(set_.features, query);
    if (o_.protocol == "linear") {
      LinearProbeOptions po;
      po.task = r.probe;
      po.num_classes = r.classes;
      po.validation_fraction = o_.validation_fraction;
      po.seed = r.seed;
      LinearProbe probe(po);
      probe.fit(x, y);
      return probe.predict(q);
    }
    if (o_.protocol == "knn") {
      KnnOptions ko;
      ko.task = r.probe;
      ko.k = o_.knn_k;
      ko.temperature = o_.knn_temperature;
      ko.num_classes = r.classes;
      return knn_predict(x, y, q, ko);
    }
    if (o_.protocol == "centroid") {
      if (r.task != "identity")
        throw core::ConfigError("protocol centroid: only the identity task has classes, not '" + r.task + "'");
      return centroid_predict(x, y, q, r.classes);
    }
    throw core::ConfigError("unknown few-shot protocol '" + o_.protocol + "' (linear, knn, centroid)");
  }

 private:
  CellOptions o_;
  const FeatureSet& set_;
};

}  // namespace

std::unique_ptr<CellProtocol> frozen_protocol(const CellOptions& options, const FeatureSet& set) {
  return std::make_unique<FrozenProtocol>(options, set);
}

const std::vector<std::string>& task_names() {
  static const std::vector<std::string> names{"identity", "attributes", "aus", "landmarks", "values"};
  return names;
}

std::string missing_labels(const std::string& task, const FeatureSet& set) {
  if (task == "identity")
    return set.identity.defined() && (set.identity >= 0).any().item<bool>() ? "" : "the data has no identity labels";
  if (task == "attributes") return set.attributes.defined() ? "" : "the data has no attribute labels";
  if (task == "aus") return set.aus.defined() ? "" : "the data has no action-unit labels";
  if (task == "landmarks") return set.landmarks.defined() ? "" : "the data has no landmarks";
  if (task == "values") return set.values.defined() ? "" : "the data has no scalar labels (list value_<name> columns)";
  return "unknown task '" + task + "' (identity, attributes, aus, landmarks, values)";
}

PoolTestSplit split_pool_test(const FeatureSet& set, double test_fraction, uint64_t split_seed) {
  FACEREP_CHECK(test_fraction > 0 && test_fraction < 1, "test fraction must be in (0, 1)");
  PoolTestSplit split;
  const int64_t n = set.size();
  const std::vector<int64_t> ids = set.identity_labels();
  std::map<int64_t, std::vector<int64_t>> by_identity;
  std::vector<int64_t> unlabelled;
  for (int64_t i = 0; i < n; ++i) (ids[i] >= 0 ? by_identity[ids[i]] : unlabelled).push_back(i);
  std::mt19937_64 rng(split_seed);
  for (auto& [id, members] : by_identity) {
    // Shuffled, not the last images: files are often ordered by a label (Yale B by light), and a
    // test part taken from one end would not look like the training pool.
    shuffle_in_place(members, rng);
    const auto m = static_cast<int64_t>(members.size());
    const int64_t t = std::min<int64_t>(m - 1, static_cast<int64_t>(std::ceil(test_fraction * m)));
    split.pool.insert(split.pool.end(), members.begin(), members.end() - t);
    split.test.insert(split.test.end(), members.end() - t, members.end());
  }
  shuffle_in_place(unlabelled, rng);
  const auto t = static_cast<int64_t>(std::ceil(test_fraction * static_cast<double>(unlabelled.size())));
  split.test.insert(split.test.end(), unlabelled.begin(), unlabelled.begin() + t);
  split.pool.insert(split.pool.end(), unlabelled.begin() + t, unlabelled.end());
  std::sort(split.pool.begin(), split.pool.end());
  std::sort(split.test.begin(), split.test.end());
  return split;
}

CellResult run_cell(const CellOptions& o, const FeatureSet& set, const PoolTestSplit& split,
                    CellProtocol* protocol) {
  std::unique_ptr<CellProtocol> frozen;
  if (protocol == nullptr) protocol = (frozen = frozen_protocol(o, set)).get();
  if (const std::string why = missing_labels(o.task, set); !why.empty())
    throw core::ConfigError("task " + o.task + ": " + why);
  const std::vector<int64_t> pool = labelled(o.task, set, split.pool);
  const std::vector<int64_t> test = labelled(o.task, set, split.test);
  if (pool.empty() || test.empty())
    throw core::ConfigError("task " + o.task + ": no labelled " + (pool.empty() ? "training" : "test") + " rows");

  std::vector<int64_t> train;
  if (o.regime == "shots") {
    if (!set.identity.defined() || !(set.identity >= 0).any().item<bool>())
      throw core::ConfigError("regime shots counts images per identity; this data has no identities (use fractions)");
    train = k_per_class(set.identity_labels(), pool, static_cast<int64_t>(o.amount), o.seed);
  } else if (o.regime == "fraction") {
    train = fraction_of(pool, o.amount, o.seed);
  } else {
    throw core::ConfigError("unknown regime '" + o.regime + "' (shots, fraction)");
  }

  CellResult r;
  r.train_rows = static_cast<int64_t>(train.size());
  ProtocolRequest request;
  request.task = o.task;
  request.probe = probe_task(o.task);
  request.classes = o.task == "identity" ? set.identity.max().item<int64_t>() + 1 : 0;
  request.seed = o.seed;
  const at::Tensor y_test = targets(o.task, set, test);
  const at::Tensor pred = protocol->fit_predict(request, train, targets(o.task, set, train), test);
  if (o.task == "identity") {
    r.primary = "accuracy";
    r.metrics["accuracy"] = accuracy(pred, y_test);
    const std::vector<int64_t> ids = set.identity_labels();
    std::set<int64_t> seen;
    for (int64_t i : train) seen.insert(ids[i]);
    r.metrics["classes"] = static_cast<double>(seen.size());
  } else if (o.task == "values") {
    // Scalar labels (e.g. light azimuth and elevation): R² is scale-free, so it is primary.
    const RegressionMetrics m = regression_metrics(pred, y_test);
    r.primary = "r2";
    r.metrics["r2"] = m.r2;
    r.metrics["mae"] = m.mae;
    r.metrics["rmse"] = m.rmse;
  } else if (o.task == "landmarks") {
    r.primary = "nme";
    const int64_t points = y_test.size(1) / 2;
    r.metrics["nme"] = nme(pred.reshape({-1, points, 2}), y_test.reshape({-1, points, 2}));
  } else {
    r.primary = o.task == "aus" ? "f1" : "accuracy";
    r.metrics["accuracy"] = multilabel_accuracy(pred, y_test);
    r.metrics["f1"] = mean_f1(pred, y_test, 0.5);
    // Thresholds chosen on a validation split of the few-shot training set, never on test:
    // the protocol is fitted on the rest, the validation rows pick per-unit thresholds.
    const TrainValidationSplit tv =
        split_validation(train, set.identity.defined() ? set.identity_labels() : std::vector<int64_t>{},
                         std::max(o.validation_fraction, 0.2), o.seed + 1);
    if (!tv.validation.empty()) {
      // One fit scores validation and test rows together; the first rows are the validation's.
      const int64_t n_val = static_cast<int64_t>(tv.validation.size());
      std::vector<int64_t> query = tv.validation;
      query.insert(query.end(), test.begin(), test.end());
      const at::Tensor scores = protocol->fit_predict(request, tv.train, targets(o.task, set, tv.train), query);
      const std::vector<double> thresholds =
          choose_thresholds(scores.slice(0, 0, n_val), targets(o.task, set, tv.validation));
      r.metrics["f1_val_threshold"] = mean_f1(scores.slice(0, n_val), y_test, thresholds);
    }
  }
  return r;
}

}  // namespace facerep::eval::fewshot
