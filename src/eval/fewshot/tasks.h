#pragma once
// The few-shot tasks as data: which labels each needs, which rows carry them, the targets a
// protocol is fitted on, which split it is scored on, and which frozen protocols apply to it.
// What each task measures is in cell.h; its metrics in cell.cpp, parsing.h and verification.h.
#include <cstdint>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

#include "eval/fewshot/features.h"
#include "eval/fewshot/probes.h"

namespace facerep::eval::fewshot {

// identity, attributes, aus, landmarks, values, parsing, verification.
const std::vector<std::string>& task_names();

// "" when `set` has the labels `task` needs, else the reason (for errors raised before a sweep).
std::string missing_labels(const std::string& task, const FeatureSet& set);

// "" when the frozen protocol `protocol` applies to `task`, else why not: centroid needs classes
// (identity) or an embedding to compare (verification); knn has nothing to compare for
// verification (it predicts training identities, which test identities never are) and would
// compare every test location with every training location for parsing. The runner skips these
// cells and run_cell refuses them. Protocols it does not know (a fine-tuning one) apply to all.
std::string unsupported_combination(const std::string& task, const std::string& protocol);

// Whether `task` is scored on identities absent from training (split_identities) instead of held
// out images of training identities (split_pool_test).
bool identity_disjoint(const std::string& task);

// The rows of `from` whose label for `task` is present.
std::vector<int64_t> labelled_rows(const std::string& task, const FeatureSet& set, const std::vector<int64_t>& from);

// The targets of `task` for rows `idx`: identity [n] class indices; attributes, aus [n, U] of 0/1;
// values [n, V]; landmarks [n, 2P] (x0, y0, x1, ...); parsing [n, S, S] int64 region classes;
// verification [n] the rank of each row's identity among the identities of `idx` (0..C-1: the
// classes of a classifier on these rows, which need not be the dataset's).
at::Tensor task_targets(const std::string& task, const FeatureSet& set, const std::vector<int64_t>& idx);

// How a probe fits the task's targets (parsing: per location; verification: the identities).
ProbeTask probe_task(const std::string& task);

}  // namespace facerep::eval::fewshot
