#include "data/sources/subject_split.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "core/error.h"

namespace facerep::data {

SubjectSplit split_subjects(const SubjectSplitRule& rule) {
  if (rule.folds < 2) throw core::ConfigError("folds: must be >= 2, got " + std::to_string(rule.folds));
  if (rule.fold < 0 || rule.fold >= rule.folds)
    throw core::ConfigError("fold: must be in [0, " + std::to_string(rule.folds - 1) + "], got " +
                            std::to_string(rule.fold));
  if (rule.subjects < rule.folds)
    throw core::ConfigError("folds: " + std::to_string(rule.folds) + " folds need at least as many subjects; the " +
                            "wrapped source has " + std::to_string(rule.subjects));
  std::vector<int64_t> order(static_cast<size_t>(rule.subjects));
  std::iota(order.begin(), order.end(), int64_t{0});
  // Raw draws, not std::shuffle / std distributions: those differ between standard libraries.
  std::mt19937_64 rng(rule.seed);
  for (int64_t i = rule.subjects - 1; i > 0; --i)
    std::swap(order[i], order[static_cast<int64_t>(rng() % static_cast<uint64_t>(i + 1))]);

  SubjectSplit split;
  std::vector<int64_t> rest;
  for (size_t p = 0; p < order.size(); ++p)
    (static_cast<int>(p % rule.folds) == rule.fold ? split.test : rest).push_back(order[p]);
  int64_t n_val = 0;
  if (rule.validation_fraction > 0)
    n_val = std::max<int64_t>(1, std::llround(rule.validation_fraction * static_cast<double>(rest.size())));
  if (n_val >= static_cast<int64_t>(rest.size()))
    throw core::ConfigError("validation_fraction: " + std::to_string(rule.validation_fraction) + " of the " +
                            std::to_string(rest.size()) + " non-test subjects leaves none for training");
  split.validation.assign(rest.begin(), rest.begin() + n_val);
  split.train.assign(rest.begin() + n_val, rest.end());
  for (auto* part : {&split.train, &split.validation, &split.test}) std::sort(part->begin(), part->end());
  return split;
}

const std::vector<int64_t>& split_part(const SubjectSplit& split, const std::string& part) {
  if (part == "train") return split.train;
  if (part == "validation") return split.validation;
  if (part == "test") return split.test;
  throw core::ConfigError("part: must be train, validation or test, got '" + part + "'");
}

}  // namespace facerep::data
