#include "eval/fewshot/splits.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <random>

#include "core/error.h"
#include "eval/portable_random.h"

namespace facerep::eval::fewshot {
namespace {

// Rows by identity (ascending identity), and the rows without one.
struct RowsByIdentity {
  std::map<int64_t, std::vector<int64_t>> members;
  std::vector<int64_t> unlabelled;
};
RowsByIdentity group_rows(const FeatureSet& set) {
  RowsByIdentity g;
  const std::vector<int64_t> ids = set.identity_labels();
  for (int64_t i = 0; i < set.size(); ++i) (ids[i] >= 0 ? g.members[ids[i]] : g.unlabelled).push_back(i);
  return g;
}

int64_t ceil_share(double fraction, size_t n) {
  return static_cast<int64_t>(std::ceil(fraction * static_cast<double>(n)));
}

}  // namespace

PoolTestSplit split_pool_test(const FeatureSet& set, double test_fraction, uint64_t split_seed) {
  FACEREP_CHECK(test_fraction > 0 && test_fraction < 1, "test fraction must be in (0, 1)");
  PoolTestSplit split;
  RowsByIdentity g = group_rows(set);
  std::mt19937_64 rng(split_seed);
  for (auto& [id, members] : g.members) {
    // Shuffled, not the last images: files are often ordered by a label (Yale B by light), and a
    // test part taken from one end would not look like the training pool.
    shuffle_in_place(members, rng);
    const auto m = static_cast<int64_t>(members.size());
    const int64_t t = std::min<int64_t>(m - 1, ceil_share(test_fraction, members.size()));
    split.pool.insert(split.pool.end(), members.begin(), members.end() - t);
    split.test.insert(split.test.end(), members.end() - t, members.end());
  }
  shuffle_in_place(g.unlabelled, rng);
  const int64_t t = ceil_share(test_fraction, g.unlabelled.size());
  split.test.insert(split.test.end(), g.unlabelled.begin(), g.unlabelled.begin() + t);
  split.pool.insert(split.pool.end(), g.unlabelled.begin() + t, g.unlabelled.end());
  std::sort(split.pool.begin(), split.pool.end());
  std::sort(split.test.begin(), split.test.end());
  return split;
}

PoolTestSplit split_identities(const FeatureSet& set, double test_fraction, uint64_t split_seed) {
  FACEREP_CHECK(test_fraction > 0 && test_fraction < 1, "test fraction must be in (0, 1)");
  const RowsByIdentity g = group_rows(set);
  if (g.members.size() < 2)
    throw core::ConfigError("an identity-disjoint split needs at least two identities, the data has " +
                            std::to_string(g.members.size()));
  std::vector<int64_t> ids;
  for (const auto& entry : g.members) ids.push_back(entry.first);
  std::mt19937_64 rng(split_seed);
  shuffle_in_place(ids, rng);
  const int64_t t = std::min<int64_t>(static_cast<int64_t>(ids.size()) - 1, ceil_share(test_fraction, ids.size()));
  PoolTestSplit split;
  for (size_t k = 0; k < ids.size(); ++k) {
    const std::vector<int64_t>& rows = g.members.at(ids[k]);
    auto& part = static_cast<int64_t>(k) < t ? split.test : split.pool;
    part.insert(part.end(), rows.begin(), rows.end());
  }
  split.pool.insert(split.pool.end(), g.unlabelled.begin(), g.unlabelled.end());
  std::sort(split.pool.begin(), split.pool.end());
  std::sort(split.test.begin(), split.test.end());
  return split;
}

}  // namespace facerep::eval::fewshot
