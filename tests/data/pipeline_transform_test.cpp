// Transforms: determinism, flips that swap left/right, crops that keep landmarks on the face.
#include <gtest/gtest.h>

#include <cmath>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "core/config_tree.h"
#include "core/error.h"
#include "data/dataset.h"
#include "data/sample_geometry.h"
#include "data/transforms/transform.h"
#include "data/transforms/flip.h"
#include "data/transforms/geometric.h"
#include "data/transforms/normalize.h"
#include "pipeline_test_source.h"

namespace facerep::data {
namespace {

using testing::TransformList;

std::vector<std::shared_ptr<Transform>> parse(const std::string& yaml) {
  core::ConfigTree tree = core::ConfigTree::load_string(yaml, "t.yaml");
  return build_transforms(core::read_options<TransformList>(tree, tree.root(), "").transforms);
}

Sample random_sample(int w = 40, int h = 32) {
  Sample s;
  s.image = cv::Mat(h, w, CV_8UC3);
  cv::RNG rng(7);
  rng.fill(s.image, cv::RNG::UNIFORM, 0, 256);
  s.region_map = cv::Mat(h, w, CV_8U, cv::Scalar(static_cast<int>(Region::kSkin)));
  s.landmarks = {10, 12, 28, 12, 19, 18, 12, 25, 26, 25};
  s.path = "mem/sample";
  return s;
}

Sample run(const std::vector<std::shared_ptr<Transform>>& ts, int64_t epoch, int64_t index) {
  Sample s = random_sample();
  std::mt19937_64 rng = sample_rng(42, epoch, index, 0);
  for (const auto& t : ts) t->apply(s, rng);
  return s;
}

bool same(const Sample& a, const Sample& b) {
  if (a.image.size() != b.image.size() || a.image.type() != b.image.type()) return false;
  if (cv::norm(a.image, b.image, cv::NORM_INF) != 0) return false;
  return a.landmarks == b.landmarks;
}

TEST(PipelineTransform, EveryRandomTransformIsDeterministicPerSeedAndVariesAcrossEpochs) {
  const std::vector<std::string> random_ones = {
      "{type: random_resized_crop, size: 24}", "{type: horizontal_flip}",
      "{type: color_jitter, hue: 0.2}",         "{type: grayscale, p: 0.5}",
      "{type: gaussian_blur}",                  "{type: random_erasing, value: random}"};
  for (const auto& spec : random_ones) {
    SCOPED_TRACE(spec);
    const auto ts = parse("transforms: [" + spec + "]");
    EXPECT_TRUE(same(run(ts, 3, 5), run(ts, 3, 5)));
    int differing = 0;
    for (int64_t epoch = 0; epoch < 8; ++epoch) differing += !same(run(ts, epoch, 5), run(ts, epoch + 1, 5));
    EXPECT_GE(differing, 2);  // p = 0.5 transforms may coincide on some epochs, not on most
  }
}

TEST(PipelineTransform, SampleRngSeparatesEachCoordinate) {
  const uint64_t base = sample_rng(1, 2, 3, 0)();
  EXPECT_EQ(base, sample_rng(1, 2, 3, 0)());
  EXPECT_NE(base, sample_rng(2, 2, 3, 0)());
  EXPECT_NE(base, sample_rng(1, 3, 3, 0)());
  EXPECT_NE(base, sample_rng(1, 2, 4, 0)());
  EXPECT_NE(base, sample_rng(1, 2, 3, 1)());
}

TEST(PipelineTransform, FlipMirrorsPixelsAndSwapsFivePointLandmarksAndRegions) {
  Sample s;
  s.image = cv::Mat::zeros(4, 10, CV_8UC3);
  s.image.at<cv::Vec3b>(0, 1) = cv::Vec3b(1, 2, 3);
  s.region_map = cv::Mat::zeros(4, 10, CV_8U);
  s.region_map.at<uint8_t>(2, 2) = static_cast<uint8_t>(Region::kLeftEye);
  s.region_map.at<uint8_t>(2, 8) = static_cast<uint8_t>(Region::kRightBrow);
  s.region_map.at<uint8_t>(3, 0) = static_cast<uint8_t>(Region::kNose);
  // eye, eye, nose, mouth corner, mouth corner (image left first)
  s.landmarks = {2, 3, 7, 3.5f, 5, 5, 3, 8, 6, 8.5f};
  flip_sample(s);
  EXPECT_EQ(s.image.at<cv::Vec3b>(0, 8), cv::Vec3b(1, 2, 3));
  EXPECT_EQ(s.image.at<cv::Vec3b>(0, 1), cv::Vec3b(0, 0, 0));
  EXPECT_EQ(s.region_map.at<uint8_t>(2, 7), static_cast<uint8_t>(Region::kRightEye));
  EXPECT_EQ(s.region_map.at<uint8_t>(2, 1), static_cast<uint8_t>(Region::kLeftBrow));
  EXPECT_EQ(s.region_map.at<uint8_t>(3, 9), static_cast<uint8_t>(Region::kNose));
  // x' = 9 - x, and the points of each left/right pair trade places.
  const std::vector<float> expected = {2, 3.5f, 7, 3, 4, 5, 3, 8.5f, 6, 8};
  EXPECT_EQ(s.landmarks, expected);
}

TEST(PipelineTransform, FlipPermutationFor68PointsMirrorsIbugLayout) {
  const auto& perm = flip_permutation(68, "x");
  for (int i = 0; i < 68; ++i) EXPECT_EQ(perm[perm[i]], i) << "not an involution at " << i;
  EXPECT_EQ(perm[0], 16);   // jaw ends
  EXPECT_EQ(perm[8], 8);    // chin
  EXPECT_EQ(perm[17], 26);  // outer brow ends
  EXPECT_EQ(perm[30], 30);  // nose tip
  EXPECT_EQ(perm[31], 35);  // nostrils
  EXPECT_EQ(perm[36], 45);  // outer eye corners
  EXPECT_EQ(perm[39], 42);  // inner eye corners
  EXPECT_EQ(perm[40], 47);  // lower lids
  EXPECT_EQ(perm[48], 54);  // mouth corners
  EXPECT_EQ(perm[51], 51);  // upper lip centre
  EXPECT_EQ(perm[60], 64);  // inner mouth corners
  EXPECT_EQ(perm[66], 66);
}

TEST(PipelineTransform, FlipRejectsUnknownLandmarkLayoutNamingSample) {
  Sample s = random_sample();
  s.landmarks = {1, 1, 2, 2, 3, 3};
  try {
    flip_sample(s);
    FAIL() << "expected an error";
  } catch (const core::RuntimeError& e) {
    EXPECT_NE(std::string(e.what()).find("mem/sample"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("3 landmarks"), std::string::npos) << e.what();
  }
}

// Intensity-weighted centroid of `image` (grey) in a window around (x, y).
cv::Point2d centroid_near(const cv::Mat& image, double x, double y, int radius) {
  double sw = 0, sx = 0, sy = 0;
  for (int yy = static_cast<int>(std::lround(y)) - radius; yy <= std::lround(y) + radius; ++yy)
    for (int xx = static_cast<int>(std::lround(x)) - radius; xx <= std::lround(x) + radius; ++xx) {
      if (xx < 0 || yy < 0 || xx >= image.cols || yy >= image.rows) continue;
      const double v = image.at<uint8_t>(yy, xx);
      sw += v, sx += v * xx, sy += v * yy;
    }
  return sw > 0 ? cv::Point2d(sx / sw, sy / sw) : cv::Point2d(-100, -100);
}

TEST(PipelineTransform, RandomResizedCropKeepsLandmarksOnTheirPixels) {
  // Bright dots at the landmarks, inside 5x5 region labels; after any crop the dots' centroids
  // and the labels must still sit at the transformed landmark coordinates.
  const auto ts = parse("transforms: [{type: random_resized_crop, size: [48, 40], scale: [0.4, 1.0]}]");
  const std::vector<cv::Point> dots = {{20, 22}, {41, 25}, {30, 40}};
  int checked = 0;
  for (int64_t index = 0; index < 20; ++index) {
    Sample s;
    s.image = cv::Mat::zeros(64, 64, CV_8UC1);
    s.region_map = cv::Mat::zeros(64, 64, CV_8U);
    for (size_t k = 0; k < dots.size(); ++k) {
      s.image.at<uint8_t>(dots[k]) = 255;
      s.region_map(cv::Rect(dots[k].x - 2, dots[k].y - 2, 5, 5)).setTo(static_cast<int>(k) + 4);
      s.landmarks.push_back(static_cast<float>(dots[k].x));
      s.landmarks.push_back(static_cast<float>(dots[k].y));
    }
    s.path = "dots";
    std::mt19937_64 rng = sample_rng(0, 0, index, 0);
    ts[0]->apply(s, rng);
    ASSERT_EQ(s.image.size(), cv::Size(40, 48));
    for (size_t k = 0; k < dots.size(); ++k) {
      const double x = s.landmarks[2 * k], y = s.landmarks[2 * k + 1];
      if (x < 2 || y < 2 || x > 37 || y > 45) continue;  // cropped away or at the border
      ++checked;
      const cv::Point2d c = centroid_near(s.image, x, y, 3);
      EXPECT_NEAR(c.x, x, 0.35) << "index " << index << " dot " << k;
      EXPECT_NEAR(c.y, y, 0.35) << "index " << index << " dot " << k;
      EXPECT_EQ(s.region_map.at<uint8_t>(static_cast<int>(std::lround(y)), static_cast<int>(std::lround(x))), k + 4);
    }
  }
  EXPECT_GT(checked, 30);
}

TEST(PipelineTransform, RandomResizedCropFollowsTorchvisionBounds) {
  RandomResizedCropOptions o;
  o.scale = {0.25, 0.5};
  o.ratio = {0.5, 2.0};
  RandomResizedCrop t(o);
  std::mt19937_64 rng(3);
  for (int i = 0; i < 200; ++i) {
    const cv::Rect r = t.choose_crop(100, 80, rng);
    ASSERT_TRUE((r & cv::Rect(0, 0, 100, 80)) == r);
    const double area = r.area() / 8000.0, ratio = static_cast<double>(r.width) / r.height;
    EXPECT_GE(area, 0.25 - 0.03);
    EXPECT_LE(area, 0.5 + 0.03);
    EXPECT_GE(ratio, 0.5 - 0.05);
    EXPECT_LE(ratio, 2.0 + 0.05);
  }
}

TEST(PipelineTransform, CenterCropAndResizeMoveLandmarksByHand) {
  Sample s = random_sample(40, 32);  // landmark 0 at (10, 12)
  s.image.at<cv::Vec3b>(12, 10) = cv::Vec3b(9, 9, 9);
  CenterCropOptions c;
  c.size = {16, 20};
  std::mt19937_64 rng(0);
  CenterCrop(c).apply(s, rng);  // crop origin (10, 8)
  EXPECT_EQ(s.image.size(), cv::Size(20, 16));
  EXPECT_FLOAT_EQ(s.landmarks[0], 0.0f);
  EXPECT_FLOAT_EQ(s.landmarks[1], 4.0f);
  EXPECT_EQ(s.image.at<cv::Vec3b>(4, 0), cv::Vec3b(9, 9, 9));
  ResizeOptions r;
  r.size = {32};  // 20x16 -> 32x32: sx = 1.6, sy = 2
  Resize(r).apply(s, rng);
  EXPECT_EQ(s.image.size(), cv::Size(32, 32));
  EXPECT_FLOAT_EQ(s.landmarks[0], (0 + 0.5f) * 1.6f - 0.5f);
  EXPECT_FLOAT_EQ(s.landmarks[1], (4 + 0.5f) * 2.0f - 0.5f);
  EXPECT_EQ(s.region_map.size(), cv::Size(32, 32));
}

TEST(PipelineTransform, CenterCropLargerThanImagePadsWithZeros) {
  Sample s;
  s.image = cv::Mat(2, 2, CV_8UC1, cv::Scalar(200));
  s.path = "tiny";
  CenterCropOptions c;
  c.size = {4};
  std::mt19937_64 rng(0);
  CenterCrop(c).apply(s, rng);
  ASSERT_EQ(s.image.size(), cv::Size(4, 4));
  EXPECT_EQ(s.image.at<uint8_t>(0, 0), 0);
  EXPECT_EQ(s.image.at<uint8_t>(1, 1), 200);
  EXPECT_EQ(s.image.at<uint8_t>(2, 2), 200);
  EXPECT_EQ(s.image.at<uint8_t>(3, 3), 0);
}

TEST(PipelineTransform, NormalizeMatchesHandComputation) {
  const auto ts = parse("transforms: [{type: normalize, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225]}]");
  Sample s;
  s.image = cv::Mat(1, 1, CV_8UC3, cv::Scalar(0, 128, 255));  // B, G, R
  std::mt19937_64 rng(0);
  ts[0]->apply(s, rng);
  ASSERT_EQ(s.image.type(), CV_32FC3);
  const cv::Vec3f v = s.image.at<cv::Vec3f>(0, 0);  // stored RGB
  EXPECT_NEAR(v[0], (1.0 - 0.485) / 0.229, 1e-5);
  EXPECT_NEAR(v[1], (128 / 255.0 - 0.456) / 0.224, 1e-5);
  EXPECT_NEAR(v[2], (0.0 - 0.406) / 0.225, 1e-5);
}

TEST(PipelineTransform, ColourTransformAfterNormalizeIsAConfigError) {
  try {
    parse("transforms: [{type: normalize}, {type: color_jitter}]");
    FAIL() << "expected a config error";
  } catch (const core::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("transforms[1]"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("before 'normalize'"), std::string::npos) << e.what();
  }
  EXPECT_NO_THROW(parse("transforms: [{type: normalize}, {type: random_erasing}, {type: horizontal_flip}]"));
}

TEST(PipelineTransform, ColorJitterBrightnessScalesPixels) {
  // brightness only, factor in [0.5, 1.5]: every pixel is scaled by the same factor.
  const auto ts = parse("transforms: [{type: color_jitter, brightness: 0.5, contrast: 0, saturation: 0}]");
  Sample s;
  s.image = cv::Mat(2, 2, CV_8UC3, cv::Scalar(100, 50, 20));
  std::mt19937_64 rng(11);
  ts[0]->apply(s, rng);
  const cv::Vec3b p = s.image.at<cv::Vec3b>(1, 1);
  const double f = p[0] / 100.0;
  EXPECT_GE(f, 0.495);
  EXPECT_LE(f, 1.505);
  EXPECT_NEAR(p[1], 50 * f, 1.0);
  EXPECT_NEAR(p[2], 20 * f, 1.0);
}

TEST(PipelineTransform, GrayscaleKeepsThreeEqualChannels) {
  const auto ts = parse("transforms: [{type: grayscale, p: 1}]");
  Sample s;
  s.image = cv::Mat(1, 1, CV_8UC3, cv::Scalar(0, 0, 255));  // pure red
  std::mt19937_64 rng(0);
  ts[0]->apply(s, rng);
  const cv::Vec3b p = s.image.at<cv::Vec3b>(0, 0);
  EXPECT_EQ(p[0], p[1]);
  EXPECT_EQ(p[1], p[2]);
  EXPECT_NEAR(p[0], 0.299 * 255, 1.0);
}

TEST(PipelineTransform, RandomErasingZeroesARectangleWithinBounds) {
  const auto ts = parse("transforms: [{type: random_erasing, p: 1, scale: [0.1, 0.2]}]");
  Sample s;
  s.image = cv::Mat(32, 32, CV_8UC1, cv::Scalar(77));
  s.path = "erase";
  const cv::Mat original = s.image;
  std::mt19937_64 rng(5);
  ts[0]->apply(s, rng);
  const int zeros = 32 * 32 - cv::countNonZero(s.image);
  EXPECT_GE(zeros, static_cast<int>(0.1 * 1024) - 8);
  EXPECT_LE(zeros, static_cast<int>(0.2 * 1024) + 8);
  EXPECT_EQ(cv::countNonZero(original), 32 * 32) << "erasing must not write into the input's pixels";
}

}  // namespace
}  // namespace facerep::data
