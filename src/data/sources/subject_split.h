#pragma once
// The subject-exclusive split rule of `type: subject_fold` (subject_fold.h), on subject ids
// alone so it can be checked without images:
//   1. subjects 0..n-1 are shuffled by `seed` (Fisher-Yates over std::mt19937_64's raw draws,
//      the same on every standard library);
//   2. they are dealt round-robin into `folds` folds: shuffled position p goes to fold p % folds,
//      so fold sizes differ by at most one (the first n % folds folds hold one more);
//   3. test = the subjects of fold `fold`;
//   4. the other subjects, in shuffled order: the first round(validation_fraction * m) of them
//      (at least 1 when the fraction is > 0) are validation, the rest train.
// Every subject is in exactly one test fold; the three parts of a fold are disjoint.
#include <cstdint>
#include <string>
#include <vector>

namespace facerep::data {

struct SubjectSplitRule {
  int64_t subjects = 0;
  int folds = 3;
  int fold = 0;
  double validation_fraction = 0.2;
  uint64_t seed = 0;
};

struct SubjectSplit {
  std::vector<int64_t> train, validation, test;  // subject ids, ascending
};

// Throws core::ConfigError (no key path: the caller adds it) when the rule cannot be met:
// fewer subjects than folds, fold out of range, or no training subjects left.
SubjectSplit split_subjects(const SubjectSplitRule& rule);

// The subjects of `part` ("train", "validation" or "test").
const std::vector<int64_t>& split_part(const SubjectSplit& split, const std::string& part);

}  // namespace facerep::data
