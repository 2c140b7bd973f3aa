#pragma once
// The fixed splits of a labelled FeatureSet into a training pool (few-shot subsets are drawn from
// it) and test rows. Each is drawn from the split seed alone: the same for every cell and seed of
// a sweep, computed once by the runner.
#include <cstdint>
#include <vector>

#include "eval/fewshot/features.h"
#include "eval/pair_list.h"

namespace facerep::eval::fewshot {

struct PoolTestSplit {
  std::vector<int64_t> pool, test;  // row indices, ascending
  // Verification only: same/different pairs among the test rows (add_verification_pairs in
  // eval/fewshot/verification.h).
  std::vector<IndexPair> pairs;
};

// Per identity, ceil(test_fraction x its images) rows drawn at random (at least one stays in the
// pool), so every test identity is known from training; without identities, a share of all rows.
// The split of the closed-set tasks (identity, attributes, ...).
PoolTestSplit split_pool_test(const FeatureSet& set, double test_fraction, uint64_t split_seed);

// Identity-disjoint: ceil(test_fraction x the identities), drawn at random (at least one stays in
// the pool), give all their rows to the test part; no test identity is ever in the pool. Rows
// without identity stay in the pool (no task that uses this split can use them). The split of
// the verification task: it asks whether an encoder tells apart people it never trained on.
// Throws core::ConfigError when the data has fewer than two identities.
PoolTestSplit split_identities(const FeatureSet& set, double test_fraction, uint64_t split_seed);

}  // namespace facerep::eval::fewshot
