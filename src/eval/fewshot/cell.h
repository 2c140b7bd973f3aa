#pragma once
// One few-shot cell on frozen features: a task's labels, a low-data training subset drawn from
// the training pool for one seed, a protocol fitted on it, and the task's metrics on the test
// set. Test data never influences a choice: weight decays and thresholds are chosen on a
// validation split of the few-shot training subset.
//
// Tasks: identity (closed-set identification among the dataset's identities: accuracy),
// attributes (multi-label: accuracy and mean F1), aus (action units: mean F1 at 0.5 and at
// thresholds chosen on the validation split, both reported), landmarks (regression of every
// point: NME by inter-ocular distance), values (scalar labels of list files, e.g. a light
// direction: R², MAE, RMSE). Protocols: linear (probe), knn (cosine), centroid
// (nearest class mean, identity only).
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "eval/fewshot/features.h"
#include "eval/fewshot/probes.h"

namespace facerep::eval::fewshot {

struct CellOptions {
  std::string task;                // identity | attributes | aus | landmarks | values
  std::string protocol;            // linear | knn | centroid
  std::string regime = "shots";    // shots: images per identity; fraction: of the training pool
  double amount = 1;
  uint64_t seed = 0;
  int64_t knn_k = 20;
  double knn_temperature = 0.07;
  double validation_fraction = 0.2;
};

struct CellResult {
  std::string primary;                   // the metric tables and plots show
  std::map<std::string, double> metrics;
  int64_t train_rows = 0;
};

// What a protocol is asked to fit: the cell's task, how its targets are shaped, and the seed of
// any split or initialisation it makes.
struct ProtocolRequest {
  std::string task;
  ProbeTask probe = ProbeTask::kClassification;
  int64_t classes = 0;  // classification tasks: number of classes (labels 0..classes-1)
  uint64_t seed = 0;
};

// A protocol adapts to the training rows of a cell and answers for query rows. Rows index the
// FeatureSet (and the dataset it was extracted from, in the same order), so a protocol may work
// on the cached features (linear, knn, centroid) or on the images themselves (fine-tuning).
class CellProtocol {
 public:
  virtual ~CellProtocol() = default;
  // Fits on (`train` rows, targets `y` as the task defines them) and returns the task's outputs
  // for `query` rows: class scores [M, C], per-unit probabilities [M, U], values [M, T].
  virtual at::Tensor fit_predict(const ProtocolRequest& request, const std::vector<int64_t>& train,
                                 const at::Tensor& y, const std::vector<int64_t>& query) = 0;
};

// The frozen-feature protocols (options.protocol: linear, knn, centroid) on set.features.
std::unique_ptr<CellProtocol> frozen_protocol(const CellOptions& options, const FeatureSet& set);

// The task names, and whether `set` has the labels `task` needs (else the reason, for errors
// raised before a sweep starts).
const std::vector<std::string>& task_names();
std::string missing_labels(const std::string& task, const FeatureSet& set);

// The fixed split of a labelled set into the training pool (few-shot subsets are drawn from it)
// and the test rows: per identity, ceil(test_fraction x its images) rows drawn at random (at least
// one stays in the pool), so every test identity is known from training; without identities, a
// share of all rows. Drawn from `split_seed` alone: the same for every cell and seed of a sweep.
struct PoolTestSplit {
  std::vector<int64_t> pool, test;
};
PoolTestSplit split_pool_test(const FeatureSet& set, double test_fraction, uint64_t split_seed);

// Runs one cell on the rows of `set` with `protocol` (the frozen protocol options.protocol names
// when null). Throws core::ConfigError for impossible requests (shots above the smallest
// identity's count, naming it; a task whose labels the data lacks; centroid on a task without
// classes).
CellResult run_cell(const CellOptions& options, const FeatureSet& set, const PoolTestSplit& split,
                    CellProtocol* protocol = nullptr);

}  // namespace facerep::eval::fewshot
