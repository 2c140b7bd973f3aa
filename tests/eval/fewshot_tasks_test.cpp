// The parsing and verification tasks of few-shot cells, and the identity-disjoint split they
// need: hand-built features whose answer is known.
#include <gtest/gtest.h>

#include <set>

#include <torch/torch.h>

#include "core/error.h"
#include "eval/fewshot/cell.h"
#include "eval/fewshot/parsing.h"
#include "eval/fewshot/verification.h"
#include "test_support.h"

namespace facerep::eval::fewshot {
namespace {

CellOptions task_cell(const std::string& task, const std::string& protocol, double shots) {
  CellOptions o;
  o.task = task;
  o.protocol = protocol;
  o.amount = shots;
  return o;
}

// `ids` identities x `per` images with one feature centre each (plus small noise), or features
// independent of the identity when `random` is set.
FeatureSet identity_features(int64_t ids, int64_t per, bool random) {
  torch::manual_seed(3);
  const int64_t n = ids * per;
  FeatureSet s;
  s.identity = torch::arange(ids).repeat_interleave(per);
  const at::Tensor centres = 4.0 * torch::randn({ids, 16});
  s.features = random ? torch::randn({n, 16}) : centres.index_select(0, s.identity) + 0.1 * torch::randn({n, 16});
  for (int64_t i = 0; i < n; ++i) s.paths.push_back("id:" + std::to_string(i));
  return s;
}

// 6 identities x 8 images. Each image's 16x16 region map is a 4x4 grid of 4x4 blocks, each block
// one of 5 region classes at random; the 4x4 feature map holds that class one-hot (scaled) plus
// 3 noise channels: the class is linearly decodable at every location.
FeatureSet parsing_features() {
  torch::manual_seed(5);
  const int64_t n = 48, classes = 5, grid = 4, block = 4;
  FeatureSet s;
  s.identity = torch::arange(6).repeat_interleave(8);
  const at::Tensor cells = torch::randint(classes, {n, grid, grid}, torch::kLong);
  const at::Tensor one_hot = torch::one_hot(cells, classes).permute({0, 3, 1, 2}).to(torch::kFloat);
  s.dense = torch::cat({3.0 * one_hot, 0.3 * torch::randn({n, 3, grid, grid})}, 1).to(torch::kHalf);
  s.regions = cells.repeat_interleave(block, 1).repeat_interleave(block, 2).to(torch::kUInt8);
  s.regions_mask = torch::ones({n}, torch::kBool);
  s.features = s.dense.flatten(1).to(torch::kFloat);
  for (int64_t i = 0; i < n; ++i) s.paths.push_back("parse:" + std::to_string(i));
  return s;
}

TEST(FewShotTasks, MajorityGridTakesTheClassCoveringMostOfEachCellTiesToTheLower) {
  // 4x4 -> 2x2. Top-left cell: three 2s and a 5 -> 2. Top-right: two 1s, two 3s -> 1 (tie).
  // Bottom-left: all 7. Bottom-right: 4, 4, 0, 9 -> 4.
  const at::Tensor regions = torch::tensor({2, 2, 1, 3,  //
                                            2, 5, 3, 1,  //
                                            7, 7, 4, 0,  //
                                            7, 7, 4, 9},
                                           torch::kLong)
                                 .view({1, 4, 4});
  EXPECT_TRUE(majority_grid(regions, 2, 2, 11).equal(torch::tensor({2, 1, 7, 4}, torch::kLong).view({1, 2, 2})));
  // Sizes that do not divide: 3 -> 2 takes overlapping cells, still one class per cell.
  EXPECT_EQ(majority_grid(torch::zeros({2, 3, 3}, torch::kLong), 2, 2, 11).sizes(), (std::vector<int64_t>{2, 2, 2}));
}

TEST(FewShotTasks, ParsingDecodesLinearlyDecodableRegionsAlmostPerfectly) {
  const FeatureSet s = parsing_features();
  const CellResult r = run_cell(task_cell("parsing", "linear", 2), s, split_pool_test(s, 0.25, 0));
  EXPECT_EQ(r.primary, "miou");
  EXPECT_EQ(r.train_rows, 12);
  EXPECT_GT(r.metrics.at("miou"), 0.95);
  EXPECT_GT(r.metrics.at("pixel_accuracy"), 0.97);
}

TEST(FewShotTasks, ParsingMetricsAreHandComputable) {
  // Two pixels of class 1 (one predicted 2), one of class 2: IoU(1) = 1/2, IoU(2) = 1/2.
  const at::Tensor target = torch::tensor({1, 1, 2}, torch::kLong).view({1, 1, 3});
  const at::Tensor pred = torch::tensor({1, 2, 2}, torch::kLong).view({1, 1, 3});
  const auto m = parsing_metrics(pred, target, 11);
  EXPECT_DOUBLE_EQ(m.at("miou"), 0.5);
  EXPECT_DOUBLE_EQ(m.at("pixel_accuracy"), 2.0 / 3.0);
}

TEST(FewShotTasks, ParsingRefusesKnnAndEncodersWithoutFeatureMaps) {
  FeatureSet s = parsing_features();
  const PoolTestSplit split = split_pool_test(s, 0.25, 0);
  EXPECT_THROW(run_cell(task_cell("parsing", "knn", 1), s, split), core::ConfigError);
  const auto parse = [&] { run_cell(task_cell("parsing", "linear", 1), s, split); };
  s.dense = at::Tensor();
  EXPECT_NE(testing::config_error_message(parse).find("no feature maps"), std::string::npos);
  s.regions = at::Tensor();
  EXPECT_NE(testing::config_error_message(parse).find("no region maps"), std::string::npos);
}

TEST(FewShotTasks, IdentitySplitIsDisjointCompleteAndFixedBySeed) {
  const FeatureSet s = identity_features(8, 5, false);
  const PoolTestSplit a = split_identities(s, 0.25, 7);
  std::set<int64_t> pool_ids, test_ids;
  for (int64_t i : a.pool) pool_ids.insert(s.identity[i].item<int64_t>());
  for (int64_t i : a.test) test_ids.insert(s.identity[i].item<int64_t>());
  EXPECT_EQ(test_ids.size(), 2u) << "ceil(0.25 x 8) identities";
  EXPECT_EQ(pool_ids.size(), 6u);
  for (int64_t id : test_ids) EXPECT_EQ(pool_ids.count(id), 0u) << "identity " << id << " on both sides";
  std::set<int64_t> rows(a.pool.begin(), a.pool.end());
  rows.insert(a.test.begin(), a.test.end());
  EXPECT_EQ(a.pool.size() + a.test.size(), 40u);
  EXPECT_EQ(rows.size(), 40u) << "pool and test partition the rows";
  EXPECT_EQ(split_identities(s, 0.25, 7).test, a.test) << "fixed by the split seed";
  bool other = false;
  for (uint64_t seed = 8; seed < 12; ++seed) other = other || split_identities(s, 0.25, seed).test != a.test;
  EXPECT_TRUE(other) << "other seeds hold out other identities";
  EXPECT_THROW(split_identities(identity_features(1, 5, false), 0.5, 0), core::ConfigError);
}

TEST(FewShotTasks, VerificationPairsAreBalancedAmongTestRowsAndCapped) {
  const FeatureSet s = identity_features(8, 5, false);
  PoolTestSplit split = split_identities(s, 0.25, 7);
  add_verification_pairs(split, s, 3000, 7);
  // 2 test identities x C(5, 2) = 20 distinct same pairs: at most 40 pairs.
  ASSERT_EQ(split.pairs.size(), 40u);
  const std::set<int64_t> test(split.test.begin(), split.test.end());
  int64_t same = 0;
  for (const auto& p : split.pairs) {
    EXPECT_TRUE(test.count(p.a) && test.count(p.b));
    EXPECT_EQ(p.same, s.identity[p.a].item<int64_t>() == s.identity[p.b].item<int64_t>());
    same += p.same;
  }
  EXPECT_EQ(same, 20);
  PoolTestSplit again = split_identities(s, 0.25, 7);
  add_verification_pairs(again, s, 3000, 7);
  EXPECT_EQ(pair_rows(again.pairs), pair_rows(split.pairs));
  PoolTestSplit few = split_identities(s, 0.25, 7);
  EXPECT_THROW(add_verification_pairs(few, s, 4, 7), core::ConfigError) << "fewer pairs than folds";
}

TEST(FewShotTasks, VerificationSeparatesClusteredIdentitiesAndNotRandomFeatures) {
  for (const char* protocol : {"linear", "centroid"}) {
    SCOPED_TRACE(protocol);
    const FeatureSet clustered = identity_features(20, 6, false);
    PoolTestSplit split = split_identities(clustered, 0.5, 0);
    add_verification_pairs(split, clustered, 3000, 0);
    const CellResult r = run_cell(task_cell("verification", protocol, 2), clustered, split);
    EXPECT_EQ(r.primary, "accuracy");
    EXPECT_EQ(r.metrics.at("classes"), 10) << "the training identities";
    EXPECT_EQ(r.metrics.at("pairs"), 300);
    EXPECT_GT(r.metrics.at("accuracy"), 0.97);
    EXPECT_TRUE(r.metrics.count("tar_at_far_1e-01"));

    const FeatureSet random = identity_features(20, 6, true);
    const CellResult chance = run_cell(task_cell("verification", protocol, 2), random, split);
    EXPECT_NEAR(chance.metrics.at("accuracy"), 0.5, 0.12);
  }
}

TEST(FewShotTasks, VerificationNeedsAnIdentityDisjointSplitWithPairsAndNoKnn) {
  const FeatureSet s = identity_features(8, 5, false);
  PoolTestSplit disjoint = split_identities(s, 0.25, 0);
  add_verification_pairs(disjoint, s, 100, 0);
  EXPECT_THROW(run_cell(task_cell("verification", "knn", 1), s, disjoint), core::ConfigError);
  PoolTestSplit closed = split_pool_test(s, 0.25, 0);
  closed.pairs = disjoint.pairs;
  EXPECT_NE(testing::config_error_message([&] { run_cell(task_cell("verification", "linear", 1), s, closed); })
                .find("identity-disjoint"),
            std::string::npos);
  disjoint.pairs.clear();
  EXPECT_THROW(run_cell(task_cell("verification", "linear", 1), s, disjoint), core::ConfigError);
}

}  // namespace
}  // namespace facerep::eval::fewshot
