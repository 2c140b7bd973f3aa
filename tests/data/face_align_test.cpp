#include <gtest/gtest.h>

#include <cmath>

#include <opencv2/imgproc.hpp>

#include "data/transforms/face_align.h"
#include "source_test_util.h"

namespace facerep::data {
namespace {

std::vector<cv::Point2f> apply(const cv::Matx23d& t, const std::vector<cv::Point2f>& pts) {
  std::vector<cv::Point2f> out;
  for (const auto& p : pts)
    out.emplace_back(static_cast<float>(t(0, 0) * p.x + t(0, 1) * p.y + t(0, 2)),
                     static_cast<float>(t(1, 0) * p.x + t(1, 1) * p.y + t(1, 2)));
  return out;
}

TEST(FaceAlign, HandComputedTwoPointTransform) {
  // (0,0)->(1,1) and (1,0)->(1,3): scale 2, rotation +90 degrees, shift (1,1).
  const cv::Matx23d t = similarity_transform({{0, 0}, {1, 0}}, {{1, 1}, {1, 3}});
  EXPECT_NEAR(t(0, 0), 0.0, 1e-12);
  EXPECT_NEAR(t(0, 1), -2.0, 1e-12);
  EXPECT_NEAR(t(0, 2), 1.0, 1e-12);
  EXPECT_NEAR(t(1, 0), 2.0, 1e-12);
  EXPECT_NEAR(t(1, 1), 0.0, 1e-12);
  EXPECT_NEAR(t(1, 2), 1.0, 1e-12);
}

TEST(FaceAlign, RecoversAKnownRotationScaleShiftOfTheTemplate) {
  const auto tmpl = arcface_template(112);
  const double angle = 0.5, scale = 1.7;
  const cv::Matx23d known(scale * std::cos(angle), -scale * std::sin(angle), 30.0,
                          scale * std::sin(angle), scale * std::cos(angle), -12.0);
  const auto detected = apply(known, tmpl);
  const cv::Matx23d t = similarity_transform(detected, tmpl);
  // The inverse of `known`: scale 1/1.7, rotation -0.5.
  EXPECT_NEAR(t(0, 0), std::cos(angle) / scale, 1e-6);
  EXPECT_NEAR(t(1, 0), -std::sin(angle) / scale, 1e-6);
  const auto back = apply(t, detected);
  for (size_t i = 0; i < tmpl.size(); ++i) {
    EXPECT_NEAR(back[i].x, tmpl[i].x, 1e-3);
    EXPECT_NEAR(back[i].y, tmpl[i].y, 1e-3);
  }
}

TEST(FaceAlign, NeverReflects) {
  // Mirrored points: the best similarity cannot undo a reflection, so residuals remain and the
  // linear part keeps a positive determinant.
  const auto tmpl = arcface_template(112);
  std::vector<cv::Point2f> mirrored;
  for (const auto& p : tmpl) mirrored.emplace_back(112 - p.x, p.y);
  const cv::Matx23d t = similarity_transform(mirrored, tmpl);
  EXPECT_GT(t(0, 0) * t(1, 1) - t(0, 1) * t(1, 0), 0.0);
  EXPECT_NEAR(t(0, 0), t(1, 1), 1e-12);
  EXPECT_NEAR(t(0, 1), -t(1, 0), 1e-12);
}

TEST(FaceAlign, TemplateScalesWithSize) {
  const auto a = arcface_template(112), b = arcface_template(224);
  EXPECT_FLOAT_EQ(a[0].x, 38.2946f);
  EXPECT_FLOAT_EQ(a[4].y, 92.2041f);
  EXPECT_FLOAT_EQ(b[2].x, 2 * 56.0252f);
}

TEST(FaceAlign, AlignSampleWarpsImageLandmarksAndRegionMap) {
  // Put the template, rotated/scaled/shifted, into a 200x200 picture with a white dot on each
  // point and a region blob around the nose; aligning must bring the dots back onto the template.
  const auto tmpl = arcface_template(112);
  const cv::Matx23d known(1.5 * std::cos(0.3), -1.5 * std::sin(0.3), 40.0,
                          1.5 * std::sin(0.3), 1.5 * std::cos(0.3), 10.0);
  const auto pts = apply(known, tmpl);
  Sample s;
  s.path = "test-sample";
  s.image = cv::Mat(200, 200, CV_8UC3, cv::Scalar(0, 0, 0));
  s.region_map = cv::Mat(200, 200, CV_8U, cv::Scalar(0));
  for (const auto& p : pts) {
    cv::circle(s.image, p, 3, cv::Scalar(255, 255, 255), cv::FILLED);
    s.landmarks.push_back(p.x);
    s.landmarks.push_back(p.y);
  }
  cv::circle(s.region_map, pts[2], 12, cv::Scalar(static_cast<int>(Region::kNose)), cv::FILLED);
  align_sample(s, 112);
  ASSERT_EQ(s.image.size(), cv::Size(112, 112));
  ASSERT_EQ(s.region_map.size(), cv::Size(112, 112));
  ASSERT_EQ(s.landmarks.size(), 10u);
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_NEAR(s.landmarks[2 * i], tmpl[i].x, 1e-3);
    EXPECT_NEAR(s.landmarks[2 * i + 1], tmpl[i].y, 1e-3);
    EXPECT_GT(s.image.at<cv::Vec3b>(cvRound(tmpl[i].y), cvRound(tmpl[i].x))[0], 200);
  }
  // Nearest-neighbour: only the original labels appear; the blob (radius 12/1.5 = 8) is at the nose.
  double lo, hi;
  cv::minMaxLoc(s.region_map, &lo, &hi);
  EXPECT_EQ(lo, 0.0);
  EXPECT_EQ(hi, static_cast<double>(Region::kNose));
  EXPECT_EQ(cv::countNonZero((s.region_map != 0) & (s.region_map != static_cast<int>(Region::kNose))), 0);
  EXPECT_EQ(s.region_map.at<uint8_t>(cvRound(tmpl[2].y), cvRound(tmpl[2].x)), static_cast<uint8_t>(Region::kNose));
  EXPECT_EQ(s.region_map.at<uint8_t>(cvRound(tmpl[2].y) + 12, cvRound(tmpl[2].x)), 0);
}

TEST(FaceAlign, SixtyEightPointsGiveTheFiveAlignmentPoints) {
  std::vector<float> lm(136, 0.f);
  for (int i = 36; i < 42; ++i) lm[2 * i] = 10.f + i - 36, lm[2 * i + 1] = 20.f;  // mean x 12.5
  for (int i = 42; i < 48; ++i) lm[2 * i] = 50.f, lm[2 * i + 1] = 18.f + i - 42;  // mean y 20.5
  lm[60] = 30, lm[61] = 40;    // point 30: nose tip
  lm[96] = 15, lm[97] = 60;    // point 48
  lm[108] = 45, lm[109] = 61;  // point 54
  const auto p = five_points(lm, "x");
  EXPECT_FLOAT_EQ(p[0].x, 12.5f);
  EXPECT_FLOAT_EQ(p[1].y, 20.5f);
  EXPECT_EQ(p[2], cv::Point2f(30, 40));
  EXPECT_EQ(p[3], cv::Point2f(15, 60));
  EXPECT_EQ(p[4], cv::Point2f(45, 61));
}

TEST(FaceAlign, ErrorsNameTheSample) {
  Sample s;
  s.path = "faces/a.jpg";
  s.image = cv::Mat(10, 10, CV_8UC3);
  EXPECT_EQ(testing::error_of([&] { align_sample(s, 112); }),
            "RuntimeError: faces/a.jpg: cannot align, the sample has no landmarks");
  s.landmarks = {1, 2, 3, 4, 5, 6};
  EXPECT_EQ(testing::error_of([&] { align_sample(s, 112); }),
            "RuntimeError: faces/a.jpg: alignment needs 5 or 68 landmarks, got 6 values");
  EXPECT_NE(testing::error_of([&] { similarity_transform({{1, 1}, {1, 1}}, {{0, 0}, {1, 1}}); }).find("coincide"),
            std::string::npos);
}

}  // namespace
}  // namespace facerep::data
