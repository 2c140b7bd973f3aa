#include "eval/fewshot/subsets.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <string>

#include "core/error.h"
#include "eval/portable_random.h"

namespace facerep::eval::fewshot {

namespace {

// Sorted first, so the result depends on the pool's contents, not on the order it was listed in.
std::vector<int64_t> shuffled_pool(std::vector<int64_t> pool, std::mt19937_64& rng) {
  std::sort(pool.begin(), pool.end());
  shuffle_in_place(pool, rng);
  return pool;
}

// Pool members of each labelled class, in ascending label order.
std::map<int64_t, std::vector<int64_t>> members_by_class(const std::vector<int64_t>& labels,
                                                         const std::vector<int64_t>& pool, const char* what) {
  std::map<int64_t, std::vector<int64_t>> by_class;
  for (int64_t i : pool) {
    if (i < 0 || i >= static_cast<int64_t>(labels.size()))
      throw core::ConfigError(std::string(what) + ": index " + std::to_string(i) + " is outside the " +
                              std::to_string(labels.size()) + " labels");
    if (labels[i] >= 0) by_class[labels[i]].push_back(i);
  }
  return by_class;
}

// Count held out of m: ceil(fraction · m) (less a rounding hair, so 0.2 · 5 is 1), capped at m - 1.
int64_t held_out_count(int64_t m, double fraction) {
  const auto wanted = static_cast<int64_t>(std::ceil(fraction * static_cast<double>(m) - 1e-9));
  return std::clamp<int64_t>(wanted, 0, std::max<int64_t>(m - 1, 0));
}

std::vector<int64_t> sorted(std::vector<int64_t> v) {
  std::sort(v.begin(), v.end());
  return v;
}

}  // namespace

std::vector<int64_t> k_per_class(const std::vector<int64_t>& labels, const std::vector<int64_t>& pool, int64_t k,
                                 uint64_t seed) {
  if (k < 1) throw core::ConfigError("k_per_class: k must be >= 1, got " + std::to_string(k));
  const auto by_class = members_by_class(labels, pool, "k_per_class");
  if (by_class.empty()) throw core::ConfigError("k_per_class: the pool has no labelled sample");
  int64_t short_classes = 0;
  const std::pair<const int64_t, std::vector<int64_t>>* first_short = nullptr;
  for (const auto& entry : by_class)
    if (static_cast<int64_t>(entry.second.size()) < k && short_classes++ == 0) first_short = &entry;
  if (first_short)
    throw core::ConfigError("k_per_class: class " + std::to_string(first_short->first) + " has only " +
                            std::to_string(first_short->second.size()) + " samples, fewer than k = " +
                            std::to_string(k) +
                            (short_classes > 1 ? " (and " + std::to_string(short_classes - 1) + " more classes)" : ""));
  std::mt19937_64 rng(seed);
  std::vector<int64_t> chosen;
  for (const auto& [label, members] : by_class) {
    const std::vector<int64_t> order = shuffled_pool(members, rng);
    chosen.insert(chosen.end(), order.begin(), order.begin() + k);
  }
  return sorted(std::move(chosen));
}

std::vector<int64_t> fraction_of(const std::vector<int64_t>& pool, double fraction, uint64_t seed) {
  if (!(fraction > 0 && fraction <= 1))
    throw core::ConfigError("fraction_of: fraction must be in (0, 1], got " + std::to_string(fraction));
  if (pool.empty()) throw core::ConfigError("fraction_of: the pool is empty");
  std::mt19937_64 rng(seed);
  std::vector<int64_t> order = shuffled_pool(pool, rng);
  const auto count = std::clamp<int64_t>(std::llround(fraction * static_cast<double>(order.size())), 1,
                                         static_cast<int64_t>(order.size()));
  order.resize(static_cast<size_t>(count));
  return sorted(std::move(order));
}

std::vector<int64_t> fraction_of(int64_t n, double fraction, uint64_t seed) {
  std::vector<int64_t> pool(static_cast<size_t>(std::max<int64_t>(n, 0)));
  for (int64_t i = 0; i < n; ++i) pool[i] = i;
  return fraction_of(pool, fraction, seed);
}

TrainValidationSplit split_validation(const std::vector<int64_t>& indices, const std::vector<int64_t>& labels,
                                      double fraction, uint64_t seed) {
  if (!(fraction >= 0 && fraction < 1))
    throw core::ConfigError("split_validation: fraction must be in [0, 1), got " + std::to_string(fraction));
  std::vector<std::vector<int64_t>> groups;
  if (labels.empty()) {
    groups.push_back(indices);
  } else {
    for (auto& entry : members_by_class(labels, indices, "split_validation")) groups.push_back(std::move(entry.second));
  }
  std::mt19937_64 rng(seed);
  TrainValidationSplit split;
  for (const auto& group : groups) {
    const std::vector<int64_t> order = shuffled_pool(group, rng);
    const int64_t held = held_out_count(static_cast<int64_t>(order.size()), fraction);
    split.validation.insert(split.validation.end(), order.begin(), order.begin() + held);
    split.train.insert(split.train.end(), order.begin() + held, order.end());
  }
  split.train = sorted(std::move(split.train));
  split.validation = sorted(std::move(split.validation));
  return split;
}

}  // namespace facerep::eval::fewshot
