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
// direction: R², MAE, RMSE), parsing (region class per pixel from feature maps: mean IoU, pixel
// accuracy; parsing.h), verification (same person or not, on identities absent from training:
// 10-fold accuracy, TAR@FAR; verification.h). Protocols: linear (probe), knn (cosine), centroid
// (nearest class mean for identity; the raw features, unfitted, for verification). Which
// protocol runs which task: unsupported_combination in tasks.h.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "eval/fewshot/features.h"
#include "eval/fewshot/probes.h"
#include "eval/fewshot/splits.h"
#include "eval/fewshot/tasks.h"

namespace facerep::eval::fewshot {

struct CellOptions {
  std::string task;                // identity | attributes | aus | landmarks | values | parsing | verification
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
  // Classification targets' class count (labels 0..classes-1): the dataset's identities
  // (identity), the region classes (parsing), the training rows' identities (verification).
  int64_t classes = 0;
  uint64_t seed = 0;
};

// A protocol adapts to the training rows of a cell and answers for query rows. Rows index the
// FeatureSet (and the dataset it was extracted from, in the same order), so a protocol may work
// on the cached features (linear, knn, centroid) or on the images themselves (fine-tuning).
class CellProtocol {
 public:
  virtual ~CellProtocol() = default;
  // Fits on (`train` rows, targets `y` as task_targets defines them) and returns the task's
  // outputs for `query` rows:
  //   identity       class scores [M, C] (argmax = prediction)
  //   attributes,aus per-unit probabilities [M, U]
  //   landmarks      values [M, 2P]; values: [M, V]
  //   parsing        the region class of every pixel [M, S, S] int64, S the side of y [n, S, S]
  //   verification   an embedding per query row [M, E], compared by cosine (y: the training
  //                  identities as classes 0..C-1); what the protocol makes of the training
  //                  rows is its own: a probe's logits, a fine-tuned encoder's embeddings
  virtual at::Tensor fit_predict(const ProtocolRequest& request, const std::vector<int64_t>& train,
                                 const at::Tensor& y, const std::vector<int64_t>& query) = 0;
};

// The frozen-feature protocols (options.protocol: linear, knn, centroid) on set.features, and on
// set.dense (the feature maps) for parsing.
std::unique_ptr<CellProtocol> frozen_protocol(const CellOptions& options, const FeatureSet& set);

// Runs one cell on the rows of `set` with `protocol` (the frozen protocol options.protocol names
// when null). `split`: split_pool_test's, or for verification (identity_disjoint in tasks.h)
// split_identities' with add_verification_pairs. Throws core::ConfigError for impossible requests
// (shots above the smallest identity's count, naming it; a task whose labels the data lacks; a
// protocol that does not apply to the task; verification on a split that is not
// identity-disjoint; parsing with frozen protocols on an encoder without feature maps).
CellResult run_cell(const CellOptions& options, const FeatureSet& set, const PoolTestSplit& split,
                    CellProtocol* protocol = nullptr);

}  // namespace facerep::eval::fewshot
