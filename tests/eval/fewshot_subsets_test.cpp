#include <algorithm>
#include <set>

#include <gtest/gtest.h>

#include "core/error.h"
#include "eval/fewshot/subsets.h"

namespace facerep::eval::fewshot {
namespace {

// Class 0: samples 0-9, class 1: 10-19, class 2: 20-24; sample 25 is unlabelled (-1).
std::vector<int64_t> three_class_labels() {
  std::vector<int64_t> labels;
  for (int64_t i = 0; i < 26; ++i) labels.push_back(i < 10 ? 0 : i < 20 ? 1 : i < 25 ? 2 : -1);
  return labels;
}
// Every sample but the test ones (0, 1, 10, 11, 20): class 2 keeps 4 in the pool.
const std::set<int64_t> kTestIndices = {0, 1, 10, 11, 20};
std::vector<int64_t> training_pool() {
  std::vector<int64_t> pool;
  for (int64_t i = 0; i < 26; ++i)
    if (!kTestIndices.count(i)) pool.push_back(i);
  return pool;
}

bool contains_all(const std::vector<int64_t>& big, const std::vector<int64_t>& small) {
  return std::includes(big.begin(), big.end(), small.begin(), small.end());
}

TEST(FewShotSubsets, KPerClassIsExactDeterministicAndInsideThePool) {
  const auto labels = three_class_labels();
  const auto pool = training_pool();
  const std::vector<int64_t> a = k_per_class(labels, pool, 3, 7);
  ASSERT_EQ(a.size(), 9u);
  EXPECT_TRUE(std::is_sorted(a.begin(), a.end()));
  int64_t per_class[3] = {0, 0, 0};
  for (int64_t i : a) {
    EXPECT_EQ(kTestIndices.count(i), 0u) << "test index " << i << " drawn";
    ASSERT_GE(labels[i], 0);
    ++per_class[labels[i]];
  }
  EXPECT_EQ(per_class[0], 3);
  EXPECT_EQ(per_class[1], 3);
  EXPECT_EQ(per_class[2], 3);
  EXPECT_EQ(k_per_class(labels, pool, 3, 7), a);  // same seed → same subset
  EXPECT_NE(k_per_class(labels, pool, 3, 8), a);  // another seed → another one
  std::vector<int64_t> reversed(pool.rbegin(), pool.rend());
  EXPECT_EQ(k_per_class(labels, reversed, 3, 7), a);  // the pool's order does not matter
  EXPECT_TRUE(contains_all(a, k_per_class(labels, pool, 1, 7)));  // nested across k
  // Pinned: the draw comes from the raw generator, so this holds on every standard library.
  EXPECT_EQ(k_per_class(labels, pool, 2, 0), (std::vector<int64_t>{6, 7, 15, 16, 22, 24}));
}

TEST(FewShotSubsets, KPerClassNamesTheShortClass) {
  try {
    k_per_class(three_class_labels(), training_pool(), 5, 0);
    FAIL() << "expected a ConfigError";
  } catch (const core::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("class 2 has only 4 samples"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("k = 5"), std::string::npos) << e.what();
  }
  EXPECT_THROW(k_per_class(three_class_labels(), {0, 99}, 1, 0), core::ConfigError);  // index out of range
  EXPECT_THROW(k_per_class(three_class_labels(), training_pool(), 0, 0), core::ConfigError);
}

TEST(FewShotSubsets, FractionOfPool) {
  const auto pool = training_pool();  // 21 indices
  const std::vector<int64_t> a = fraction_of(pool, 0.5, 3);
  EXPECT_EQ(a.size(), 11u);  // round(10.5)
  for (int64_t i : a) EXPECT_EQ(kTestIndices.count(i), 0u);
  EXPECT_EQ(fraction_of(pool, 0.5, 3), a);
  EXPECT_NE(fraction_of(pool, 0.5, 4), a);
  EXPECT_TRUE(contains_all(a, fraction_of(pool, 0.2, 3)));  // nested across fractions
  EXPECT_EQ(fraction_of(10, 0.01, 0).size(), 1u);           // at least one sample
  EXPECT_EQ(fraction_of(10, 1.0, 0).size(), 10u);
  EXPECT_EQ(fraction_of(10, 0.3, 5), fraction_of(std::vector<int64_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, 0.3, 5));
  EXPECT_THROW(fraction_of(10, 0.0, 0), core::ConfigError);
  EXPECT_THROW(fraction_of(10, 1.5, 0), core::ConfigError);
  EXPECT_THROW(fraction_of(0, 0.5, 0), core::ConfigError);
}

TEST(FewShotSubsets, SplitValidationStratifiesAndKeepsOnePerClass) {
  const auto labels = three_class_labels();
  const std::vector<int64_t> few = k_per_class(labels, training_pool(), 4, 1);
  const TrainValidationSplit s = split_validation(few, labels, 0.25, 2);
  EXPECT_EQ(s.validation.size(), 3u);  // one of each class's 4
  EXPECT_EQ(s.train.size(), 9u);
  std::set<int64_t> val_classes, train_classes, all(s.train.begin(), s.train.end());
  for (int64_t i : s.validation) val_classes.insert(labels[i]), all.insert(i);
  for (int64_t i : s.train) train_classes.insert(labels[i]);
  EXPECT_EQ(val_classes.size(), 3u);
  EXPECT_EQ(train_classes.size(), 3u);
  EXPECT_EQ(all, std::set<int64_t>(few.begin(), few.end()));  // a partition of the input
  EXPECT_EQ(split_validation(few, labels, 0.25, 2).validation, s.validation);

  // One per class: nothing can be held out, callers fall back to their defaults.
  const std::vector<int64_t> one = k_per_class(labels, training_pool(), 1, 1);
  EXPECT_TRUE(split_validation(one, labels, 0.5, 0).validation.empty());
  EXPECT_EQ(split_validation(one, labels, 0.5, 0).train, one);
  // Two per class with a large fraction: one held out, one kept.
  const TrainValidationSplit two = split_validation(k_per_class(labels, training_pool(), 2, 1), labels, 0.9, 0);
  EXPECT_EQ(two.validation.size(), 3u);
  EXPECT_EQ(two.train.size(), 3u);
  // Without labels: ceil(0.25 · 8) = 2 held out of the whole set.
  const TrainValidationSplit plain = split_validation({0, 1, 2, 3, 4, 5, 6, 7}, {}, 0.25, 0);
  EXPECT_EQ(plain.validation.size(), 2u);
  EXPECT_EQ(plain.train.size(), 6u);
  EXPECT_THROW(split_validation(few, labels, 1.0, 0), core::ConfigError);
}

}  // namespace
}  // namespace facerep::eval::fewshot
