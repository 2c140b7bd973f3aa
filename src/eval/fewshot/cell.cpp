#include "eval/fewshot/cell.h"

#include <algorithm>
#include <set>

#include <torch/torch.h>

#include "core/error.h"
#include "eval/fewshot/metrics.h"
#include "eval/fewshot/parsing.h"
#include "eval/fewshot/probes.h"
#include "eval/fewshot/subsets.h"
#include "eval/fewshot/verification.h"

namespace facerep::eval::fewshot {
namespace {

at::Tensor rows(const at::Tensor& t, const std::vector<int64_t>& idx) {
  return t.index_select(0, torch::tensor(idx, torch::kLong));
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

// linear, knn and centroid on the cached features (feature maps for parsing).
class FrozenProtocol : public CellProtocol {
 public:
  FrozenProtocol(const CellOptions& o, const FeatureSet& set) : o_(o), set_(set) {}

  at::Tensor fit_predict(const ProtocolRequest& r, const std::vector<int64_t>& train, const at::Tensor& y,
                         const std::vector<int64_t>& query) override {
    if (o_.protocol != "linear" && o_.protocol != "knn" && o_.protocol != "centroid")
      throw core::ConfigError("unknown few-shot protocol '" + o_.protocol + "' (linear, knn, centroid)");
    if (const std::string why = unsupported_combination(r.task, o_.protocol); !why.empty())
      throw core::ConfigError("protocol " + o_.protocol + ": " + why);
    if (r.task == "parsing") {
      if (!set_.dense.defined())
        throw core::ConfigError("task parsing: this encoder's features have no feature maps (its model offers none, "
                                "or they were not extracted)");
      DenseProbeOptions po;
      po.probe = probe_options(r);
      return dense_linear_predict(rows(set_.dense, train), y, rows(set_.dense, query), r.classes, po);
    }
    const at::Tensor x = rows(set_.features, train), q = rows(set_.features, query);
    if (r.task == "verification")  // linear: the probe's logits; centroid: the features as they are
      return o_.protocol == "linear" ? probe_logit_embeddings(x, y, q, probe_options(r)) : q;
    if (o_.protocol == "linear") {
      LinearProbe probe(probe_options(r));
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
    return centroid_predict(x, y, q, r.classes);
  }

 private:
  LinearProbeOptions probe_options(const ProtocolRequest& r) const {
    LinearProbeOptions po;
    po.task = r.probe;
    po.num_classes = r.classes;
    po.validation_fraction = o_.validation_fraction;
    po.seed = r.seed;
    return po;
  }

  CellOptions o_;
  const FeatureSet& set_;
};

// Verification scores test identities the training rows never show, so it needs that split.
void check_identity_disjoint(const FeatureSet& set, const PoolTestSplit& split) {
  const std::vector<int64_t> ids = set.identity_labels();
  std::set<int64_t> pool_ids;
  for (int64_t i : split.pool) pool_ids.insert(ids[i]);
  for (int64_t i : split.test)
    if (ids[i] >= 0 && pool_ids.count(ids[i]))
      throw core::ConfigError("task verification: identity " + std::to_string(ids[i]) +
                              " is in both the training pool and the test part; verification needs an "
                              "identity-disjoint split (split_identities)");
  if (split.pairs.empty())
    throw core::ConfigError("task verification: the split has no pairs (add_verification_pairs)");
}

// The training rows of a cell: k per identity or a fraction of the pool.
std::vector<int64_t> training_subset(const CellOptions& o, const FeatureSet& set, const std::vector<int64_t>& pool) {
  if (o.regime == "shots") {
    if (!set.identity.defined() || !(set.identity >= 0).any().item<bool>())
      throw core::ConfigError("regime shots counts images per identity; this data has no identities (use fractions)");
    return k_per_class(set.identity_labels(), pool, static_cast<int64_t>(o.amount), o.seed);
  }
  if (o.regime == "fraction") return fraction_of(pool, o.amount, o.seed);
  throw core::ConfigError("unknown regime '" + o.regime + "' (shots, fraction)");
}

}  // namespace

std::unique_ptr<CellProtocol> frozen_protocol(const CellOptions& options, const FeatureSet& set) {
  return std::make_unique<FrozenProtocol>(options, set);
}

CellResult run_cell(const CellOptions& o, const FeatureSet& set, const PoolTestSplit& split,
                    CellProtocol* protocol) {
  std::unique_ptr<CellProtocol> frozen;
  if (protocol == nullptr) protocol = (frozen = frozen_protocol(o, set)).get();
  if (const std::string why = missing_labels(o.task, set); !why.empty())
    throw core::ConfigError("task " + o.task + ": " + why);
  if (const std::string why = unsupported_combination(o.task, o.protocol); !why.empty())
    throw core::ConfigError("protocol " + o.protocol + ": " + why);
  const bool verification = o.task == "verification";
  if (verification) check_identity_disjoint(set, split);
  const std::vector<int64_t> pool = labelled_rows(o.task, set, split.pool);
  const std::vector<int64_t> test = verification ? pair_rows(split.pairs) : labelled_rows(o.task, set, split.test);
  if (pool.empty() || test.empty())
    throw core::ConfigError("task " + o.task + ": no labelled " + (pool.empty() ? "training" : "test") + " rows");

  const std::vector<int64_t> train = training_subset(o, set, pool);
  CellResult r;
  r.train_rows = static_cast<int64_t>(train.size());
  const at::Tensor y_train = task_targets(o.task, set, train);
  ProtocolRequest request;
  request.task = o.task;
  request.probe = probe_task(o.task);
  if (o.task == "identity") request.classes = set.identity.max().item<int64_t>() + 1;
  if (o.task == "parsing") request.classes = parsing_classes();
  if (verification) request.classes = y_train.max().item<int64_t>() + 1;
  request.seed = o.seed;
  const at::Tensor pred = protocol->fit_predict(request, train, y_train, test);
  if (verification) {
    r.primary = "accuracy";
    r.metrics = verification_metrics(pred, test, split.pairs);
    r.metrics["classes"] = static_cast<double>(request.classes);
    return r;
  }
  const at::Tensor y_test = task_targets(o.task, set, test);
  if (o.task == "identity") {
    r.primary = "accuracy";
    r.metrics["accuracy"] = accuracy(pred, y_test);
    const std::vector<int64_t> ids = set.identity_labels();
    std::set<int64_t> seen;
    for (int64_t i : train) seen.insert(ids[i]);
    r.metrics["classes"] = static_cast<double>(seen.size());
  } else if (o.task == "parsing") {
    r.primary = "miou";
    r.metrics = parsing_metrics(pred, y_test, request.classes);
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
      const at::Tensor scores = protocol->fit_predict(request, tv.train, task_targets(o.task, set, tv.train), query);
      const std::vector<double> thresholds =
          choose_thresholds(scores.slice(0, 0, n_val), task_targets(o.task, set, tv.validation));
      r.metrics["f1_val_threshold"] = mean_f1(scores.slice(0, n_val), y_test, thresholds);
    }
  }
  return r;
}

}  // namespace facerep::eval::fewshot
