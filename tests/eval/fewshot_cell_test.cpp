#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

#include <torch/torch.h>

#include "core/error.h"
#include "eval/fewshot/cell.h"

namespace facerep::eval::fewshot {
namespace {

// 6 identities x 8 images. Features: a well separated centre per identity plus small noise, then
// a few dimensions that carry the landmarks linearly. Attributes and AUs follow the identity.
FeatureSet toy_set() {
  torch::manual_seed(1);
  const int64_t ids = 6, per = 8, n = ids * per;
  FeatureSet s;
  s.identity = torch::arange(ids).repeat_interleave(per);
  const at::Tensor centres = 4.0 * torch::randn({ids, 16});
  const at::Tensor marks = torch::rand({n, 5, 2}) * 0.5 + 0.25;
  s.features = torch::cat({centres.index_select(0, s.identity) + 0.1 * torch::randn({n, 16}), marks.reshape({n, 10})}, 1);
  s.landmarks = marks;
  s.landmarks_mask = torch::ones({n}, torch::kBool);
  const at::Tensor bits = torch::tensor({{1, 0, 1}, {0, 1, 1}, {1, 1, 0}, {0, 0, 1}, {1, 0, 0}, {0, 1, 0}}, torch::kFloat);
  s.attributes = bits.index_select(0, s.identity);
  s.attributes_mask = torch::ones({n}, torch::kBool);
  s.aus = s.attributes.clone();
  s.aus_mask = s.attributes_mask.clone();
  for (int64_t i = 0; i < n; ++i) s.paths.push_back("toy:" + std::to_string(i));
  return s;
}

CellOptions cell(const std::string& task, const std::string& protocol, double shots) {
  CellOptions o;
  o.task = task;
  o.protocol = protocol;
  o.amount = shots;
  o.knn_k = 3;
  return o;
}

TEST(FewShotCell, SplitKeepsEveryTestIdentityInThePoolAndIsFixed) {
  const FeatureSet s = toy_set();
  const PoolTestSplit a = split_pool_test(s, 0.25, 7);
  EXPECT_EQ(a.test.size(), 12u);  // 2 of each identity's 8
  EXPECT_EQ(a.pool.size(), 36u);
  std::vector<int> per_identity(6, 0);
  for (int64_t i : a.test) ++per_identity[s.identity[i].item<int64_t>()];
  EXPECT_EQ(per_identity, std::vector<int>(6, 2));
  std::vector<int64_t> all = a.pool;
  all.insert(all.end(), a.test.begin(), a.test.end());
  std::sort(all.begin(), all.end());
  std::vector<int64_t> every(48);
  std::iota(every.begin(), every.end(), 0);
  EXPECT_EQ(all, every) << "pool and test partition the rows";
  EXPECT_EQ(split_pool_test(s, 0.25, 7).test, a.test) << "fixed by the split seed";
  EXPECT_NE(split_pool_test(s, 0.25, 8).test, a.test);
}

TEST(FewShotCell, SeparableIdentitiesAreLearnedByEveryProtocolFromOneShot) {
  const FeatureSet s = toy_set();
  const PoolTestSplit split = split_pool_test(s, 0.25, 0);
  for (const char* protocol : {"linear", "knn", "centroid"}) {
    SCOPED_TRACE(protocol);
    const CellResult r = run_cell(cell("identity", protocol, 1), s, split);
    EXPECT_EQ(r.primary, "accuracy");
    EXPECT_EQ(r.train_rows, 6);
    EXPECT_EQ(r.metrics.at("classes"), 6);
    EXPECT_GE(r.metrics.at("accuracy"), 0.99);
  }
}

TEST(FewShotCell, MultiLabelAndLandmarkTasksReportTheirMetrics) {
  const FeatureSet s = toy_set();
  const PoolTestSplit split = split_pool_test(s, 0.25, 0);
  const CellResult aus = run_cell(cell("aus", "linear", 3), s, split);
  EXPECT_EQ(aus.primary, "f1");
  EXPECT_GE(aus.metrics.at("f1"), 0.99);
  EXPECT_TRUE(aus.metrics.count("f1_val_threshold")) << "thresholds chosen on the few-shot validation split";
  const CellResult attrs = run_cell(cell("attributes", "knn", 2), s, split);
  EXPECT_GE(attrs.metrics.at("accuracy"), 0.99);
  // Landmarks are a linear function of the last 10 feature dimensions: the probe recovers them.
  const CellResult marks = run_cell(cell("landmarks", "linear", 5), s, split);
  EXPECT_EQ(marks.primary, "nme");
  EXPECT_LT(marks.metrics.at("nme"), 0.05);
  const CellResult knn_marks = run_cell(cell("landmarks", "knn", 5), s, split);
  EXPECT_GT(knn_marks.metrics.at("nme"), marks.metrics.at("nme")) << "neighbours cannot interpolate random points";
}

TEST(FewShotCell, ImpossibleRequestsAreConfigErrorsThatSayWhy) {
  FeatureSet s = toy_set();
  const PoolTestSplit split = split_pool_test(s, 0.25, 0);
  try {
    run_cell(cell("identity", "linear", 7), s, split);
    FAIL();
  } catch (const core::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("class 0"), std::string::npos) << e.what();
  }
  EXPECT_THROW(run_cell(cell("aus", "centroid", 1), s, split), core::ConfigError);
  s.aus = at::Tensor();
  try {
    run_cell(cell("aus", "linear", 1), s, split);
    FAIL();
  } catch (const core::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("no action-unit labels"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace facerep::eval::fewshot

namespace facerep::eval::fewshot {
namespace {

TEST(FewShotCell, ScalarLabelsAreRegressedAndScoredByR2) {
  FeatureSet s = toy_set();
  // Two scalar labels, a linear function of the landmark dimensions of the features.
  const at::Tensor w = torch::tensor({{1.f, 0.f}, {0.f, 2.f}, {3.f, 0.f}, {0.f, -1.f}, {0.5f, 0.5f},
                                      {0.f, 0.f}, {1.f, 1.f}, {0.f, 0.f}, {-1.f, 0.f}, {0.f, 1.f}});
  s.values = torch::matmul(s.features.slice(1, 16, 26), w);
  s.values_mask = torch::ones({s.size()}, torch::kBool);
  const CellResult r = run_cell(cell("values", "linear", 5), s, split_pool_test(s, 0.25, 0));
  EXPECT_EQ(r.primary, "r2");
  EXPECT_GT(r.metrics.at("r2"), 0.95);
  EXPECT_LT(r.metrics.at("mae"), 0.2);
  s.values = at::Tensor();
  EXPECT_THROW(run_cell(cell("values", "linear", 5), s, split_pool_test(s, 0.25, 0)), core::ConfigError);
}

}  // namespace
}  // namespace facerep::eval::fewshot
