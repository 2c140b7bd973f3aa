#include <gtest/gtest.h>

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
  EXPECT_EQ(a.test[0], 6);        // the last two images of identity 0
  EXPECT_EQ(a.test[1], 7);
  EXPECT_EQ(split_pool_test(s, 0.25, 8).test, a.test) << "with identities the split does not depend on the seed";
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
