// Collation: shapes, value conversion, label masks, and errors that name the samples.
#include <gtest/gtest.h>

#include <torch/torch.h>

#include "core/error.h"
#include "data/collate.h"

namespace facerep::data {
namespace {

Sample make(const std::string& path, uint8_t b, uint8_t g, uint8_t r, int w = 6, int h = 4) {
  Sample s;
  s.image = cv::Mat(h, w, CV_8UC3, cv::Scalar(b, g, r));
  s.path = path;
  return s;
}

std::string error_of(const std::vector<std::vector<Sample>>& samples) {
  try {
    collate(samples);
  } catch (const core::RuntimeError& e) {
    return e.what();
  }
  return "";
}

TEST(PipelineCollate, StacksImagesAsNormalisedRgbWithLabelMasks) {
  Sample a = make("a.jpg", 0, 255, 51);
  a.identity = 3;
  a.index = 10;
  a.attributes = {1, 0};
  a.landmarks = {1, 2, 3, 4};
  Sample b = make("b.jpg", 255, 0, 0);
  b.index = 11;
  b.region_map = cv::Mat(4, 6, CV_8U, cv::Scalar(static_cast<int>(Region::kNose)));
  Sample c = make("c.jpg", 0, 0, 0);
  c.identity = 0;
  c.attributes = {0, 1};
  c.values = {-35, 20};
  const Batch batch = collate({{a}, {b}, {c}});

  ASSERT_EQ(batch.images.sizes(), (std::vector<int64_t>{3, 3, 4, 6}));
  EXPECT_EQ(batch.images.dtype(), torch::kFloat32);
  ASSERT_EQ(batch.views.size(), 1u);
  EXPECT_TRUE(batch.views[0].equal(batch.images));
  // a: R = 51 -> (0.2 - 0.5) / 0.5 = -0.6, G = 255 -> 1, B = 0 -> -1 (channels are RGB).
  EXPECT_NEAR(batch.images[0][0][2][3].item<float>(), -0.6f, 1e-6);
  EXPECT_NEAR(batch.images[0][1][0][0].item<float>(), 1.0f, 1e-6);
  EXPECT_NEAR(batch.images[0][2][0][0].item<float>(), -1.0f, 1e-6);
  EXPECT_NEAR(batch.images[1][2][1][1].item<float>(), 1.0f, 1e-6);  // b is blue

  EXPECT_TRUE(batch.identity.equal(torch::tensor({3, -1, 0}, torch::kInt64)));
  EXPECT_TRUE(batch.attributes.equal(torch::tensor({1.f, 0.f, 0.f, 0.f, 0.f, 1.f}).view({3, 2})));
  EXPECT_TRUE(batch.attributes_mask.equal(torch::tensor({true, false, true})));
  EXPECT_FALSE(batch.aus.defined());
  EXPECT_FALSE(batch.aus_mask.defined());
  EXPECT_TRUE(batch.values.equal(torch::tensor({0.f, 0.f, 0.f, 0.f, -35.f, 20.f}).view({3, 2})));
  EXPECT_TRUE(batch.values_mask.equal(torch::tensor({false, false, true})));
  ASSERT_EQ(batch.landmarks.sizes(), (std::vector<int64_t>{3, 2, 2}));
  EXPECT_EQ(batch.landmarks[0][1][0].item<float>(), 3.0f);
  EXPECT_TRUE(batch.landmarks_mask.equal(torch::tensor({true, false, false})));
  ASSERT_EQ(batch.region_map.sizes(), (std::vector<int64_t>{3, 4, 6}));
  EXPECT_EQ(batch.region_map.dtype(), torch::kUInt8);
  EXPECT_EQ(batch.region_map[1][3][5].item<int>(), static_cast<int>(Region::kNose));
  EXPECT_EQ(batch.region_map[0].sum().item<int>(), 0);
  EXPECT_TRUE(batch.region_mask.equal(torch::tensor({false, true, false})));
  EXPECT_EQ(batch.paths, (std::vector<std::string>{"a.jpg", "b.jpg", "c.jpg"}));
  EXPECT_EQ(batch.indices, (std::vector<int64_t>{10, 11, -1}));
}

TEST(PipelineCollate, StacksEveryViewAndPassesNormalisedFloatsThrough) {
  Sample v0 = make("x", 0, 0, 0, 2, 2), v1 = make("x", 255, 255, 255, 2, 2);
  Sample f = make("y", 0, 0, 0, 2, 2);
  f.image = cv::Mat(2, 2, CV_32FC3, cv::Scalar(0.25, -2.0, 7.0));  // already RGB + normalised
  const Batch batch = collate({{v0, v1}, {f, f}});
  ASSERT_EQ(batch.views.size(), 2u);
  EXPECT_NEAR(batch.views[0][0].mean().item<float>(), -1.0f, 1e-6);
  EXPECT_NEAR(batch.views[1][0].mean().item<float>(), 1.0f, 1e-6);
  EXPECT_FLOAT_EQ(batch.images[1][0][1][1].item<float>(), 0.25f);
  EXPECT_FLOAT_EQ(batch.images[1][1][1][1].item<float>(), -2.0f);
  EXPECT_FLOAT_EQ(batch.images[1][2][1][1].item<float>(), 7.0f);
}

TEST(PipelineCollate, GreyImagesBecomeThreeEqualChannels) {
  Sample g;
  g.image = cv::Mat(3, 3, CV_8UC1, cv::Scalar(255));
  g.path = "g.pgm";
  const Batch batch = collate({{g}});
  ASSERT_EQ(batch.images.size(1), 3);
  EXPECT_TRUE(batch.images.eq(1.0f).all().item<bool>());
}

TEST(PipelineCollate, MismatchedSizesNameBothSamples) {
  const std::string size_error = error_of({{make("a.jpg", 0, 0, 0, 6, 4)}, {make("b.jpg", 0, 0, 0, 5, 4)}});
  EXPECT_NE(size_error.find("a.jpg is 6x4"), std::string::npos) << size_error;
  EXPECT_NE(size_error.find("b.jpg is 5x4"), std::string::npos) << size_error;

  Sample a = make("a.jpg", 0, 0, 0), b = make("b.jpg", 0, 0, 0);
  a.aus = {0.5f, 1.f};
  b.aus = {0.5f};
  const std::string label_error = error_of({{a}, {b}});
  EXPECT_NE(label_error.find("AU lengths differ: a.jpg has 2, b.jpg has 1"), std::string::npos) << label_error;

  b.aus.clear();
  b.region_map = cv::Mat::zeros(3, 3, CV_8U);
  const std::string region_error = error_of({{a}, {b}});
  EXPECT_NE(region_error.find("region map of b.jpg is 3x3"), std::string::npos) << region_error;
  EXPECT_NE(error_of({}).find("no samples"), std::string::npos);
}

}  // namespace
}  // namespace facerep::data
