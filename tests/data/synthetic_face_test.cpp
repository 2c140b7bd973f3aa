#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <cmath>
#include <iostream>

#include <opencv2/core.hpp>

#include "data/transforms/face_align.h"
#include "data/sample.h"
#include "data/synthetic/face.h"

namespace facerep::data {
namespace {

SyntheticFaceOptions opts(int size, double nuisance, double bias = 0.5) {
  SyntheticFaceOptions o;
  o.size = size;
  o.nuisance = nuisance;
  o.expression_bias = bias;
  return o;
}

uint8_t region_at(const SyntheticFace& f, float x, float y) {
  return f.region_map.at<uint8_t>(cvRound(y), cvRound(x));
}

TEST(SyntheticFace, SameKeyGivesTheSameImageOtherKeysDiffer) {
  const auto o = opts(64, 1.0);
  const SyntheticFace a = render_synthetic_face(7, 3, 5, o), b = render_synthetic_face(7, 3, 5, o);
  EXPECT_EQ(cv::norm(a.image, b.image, cv::NORM_INF), 0.0);
  EXPECT_EQ(cv::norm(a.region_map, b.region_map, cv::NORM_INF), 0.0);
  EXPECT_EQ(a.landmarks68, b.landmarks68);
  EXPECT_EQ(a.aus, b.aus);
  EXPECT_GT(cv::norm(a.image, render_synthetic_face(7, 3, 6, o).image, cv::NORM_L1), 0.0);
  EXPECT_GT(cv::norm(a.image, render_synthetic_face(8, 3, 5, o).image, cv::NORM_L1), 0.0);
  EXPECT_GT(cv::norm(a.image, render_synthetic_face(7, 4, 5, o).image, cv::NORM_L1), 0.0);
  // Attributes belong to the identity, not the image.
  EXPECT_EQ(a.attributes, render_synthetic_face(7, 3, 99, o).attributes);
}

TEST(SyntheticFace, ShapesAndLabelSizes) {
  const SyntheticFace f = render_synthetic_face(0, 0, 0, opts(32, 1.0));
  EXPECT_EQ(f.image.type(), CV_8UC3);
  EXPECT_EQ(f.image.size(), cv::Size(32, 32));
  EXPECT_EQ(f.region_map.type(), CV_8U);
  EXPECT_EQ(f.landmarks5.size(), 10u);
  EXPECT_EQ(f.landmarks68.size(), 136u);
  EXPECT_EQ(f.attributes.size(), synthetic_attribute_names().size());
  EXPECT_EQ(f.aus.size(), synthetic_au_names().size());
}

TEST(SyntheticFace, LandmarksLieOnTheirRegions) {
  // Without nuisance (no occluder, no blur) every 5-point landmark sits on its own part.
  for (int id = 0; id < 12; ++id) {
    const SyntheticFace f = render_synthetic_face(1, id, 0, opts(112, 0.0));
    const auto& p = f.landmarks5;
    EXPECT_EQ(region_at(f, p[0], p[1]), static_cast<uint8_t>(Region::kRightEye)) << id;  // image-left eye
    EXPECT_EQ(region_at(f, p[2], p[3]), static_cast<uint8_t>(Region::kLeftEye)) << id;
    EXPECT_EQ(region_at(f, p[4], p[5]), static_cast<uint8_t>(Region::kNose)) << id;
    // Mouth corners are the lips' outer vertices: the mouth region is within a pixel of them.
    for (int k = 3; k <= 4; ++k) {
      bool near_mouth = false;
      for (int dy = -1; dy <= 1; ++dy)
        for (int dx = -1; dx <= 1; ++dx)
          near_mouth |= region_at(f, p[2 * k] + dx, p[2 * k + 1] + dy) == static_cast<uint8_t>(Region::kMouth);
      EXPECT_TRUE(near_mouth) << id;
    }
    EXPECT_LT(p[0], p[2]);  // ArcFace order: image-left eye first
    EXPECT_LT(p[6], p[8]);
    EXPECT_LT(p[1], p[7]);  // eyes above the mouth
    // Near the ArcFace layout before any alignment (the frame is zoomed out a little to show the
    // chin and hair, so the mouth sits higher): within 15% of the image.
    const auto t = arcface_template(112);
    for (int k = 0; k < 5; ++k) {
      EXPECT_NEAR(p[2 * k], t[k].x, 17.0) << id << " point " << k;
      EXPECT_NEAR(p[2 * k + 1], t[k].y, 17.0) << id << " point " << k;
    }
  }
}

TEST(SyntheticFace, FivePointsAgreeWithTheSixtyEight) {
  for (int i = 0; i < 8; ++i) {
    const SyntheticFace f = render_synthetic_face(2, i, i, opts(112, 1.0));
    const auto five = five_points(f.landmarks68, "synthetic");
    for (int k = 0; k < 5; ++k) {
      EXPECT_NEAR(five[k].x, f.landmarks5[2 * k], 1e-3);
      EXPECT_NEAR(five[k].y, f.landmarks5[2 * k + 1], 1e-3);
    }
  }
}

TEST(SyntheticFace, LandmarksStayInsideTheImageUnderNuisance) {
  int inside = 0, total = 0;
  for (int id = 0; id < 20; ++id)
    for (int i = 0; i < 5; ++i) {
      const SyntheticFace f = render_synthetic_face(3, id, i, opts(64, 1.0));
      for (size_t k = 0; k < f.landmarks68.size(); k += 2) {
        ++total;
        inside += f.landmarks68[k] >= 0 && f.landmarks68[k] < 64 && f.landmarks68[k + 1] >= 0 && f.landmarks68[k + 1] < 64;
      }
    }
  EXPECT_GE(inside, total * 99 / 100);
}

TEST(SyntheticFace, GlassesAttributeMatchesPixels) {
  int with = 0;
  for (int id = 0; id < 30; ++id) {
    const SyntheticFace f = render_synthetic_face(4, id, 0, opts(64, 0.0));
    const int glasses_pixels = cv::countNonZero(f.region_map == static_cast<int>(Region::kGlasses));
    EXPECT_EQ(f.attributes[0] == 1.f, glasses_pixels > 0) << id;
    with += f.attributes[0] == 1.f;
  }
  EXPECT_GT(with, 2);   // about 30% of identities wear glasses
  EXPECT_LT(with, 20);
}

TEST(SyntheticFace, EyeClosureLabelShrinksTheEyes) {
  double open_area = 0, closed_area = 0;
  int open = 0, closed = 0;
  for (int id = 0; id < 10; ++id)
    for (int i = 0; i < 12; ++i) {
      const SyntheticFace f = render_synthetic_face(5, id, i, opts(64, 0.0, 0.0));
      const double area = cv::countNonZero(f.region_map == static_cast<int>(Region::kLeftEye)) +
                          cv::countNonZero(f.region_map == static_cast<int>(Region::kRightEye));
      if (f.aus[4] > 0) closed_area += area, ++closed;
      else open_area += area, ++open;
    }
  ASSERT_GT(closed, 5);
  ASSERT_GT(open, 5);
  EXPECT_LT(closed_area / closed, 0.7 * open_area / open);
}

// Variance across identities of each identity's smile rate.
double smile_rate_spread(double bias) {
  std::vector<double> rates;
  for (int id = 0; id < 24; ++id) {
    int on = 0;
    for (int i = 0; i < 30; ++i) on += render_synthetic_face(6, id, i, opts(16, 0.0, bias)).aus[2] > 0;
    rates.push_back(on / 30.0);
  }
  double mean = 0, var = 0;
  for (double r : rates) mean += r / rates.size();
  for (double r : rates) var += (r - mean) * (r - mean) / rates.size();
  return var;
}

TEST(SyntheticFace, ExpressionBiasCorrelatesExpressionWithIdentity) {
  const double independent = smile_rate_spread(0.0), tied = smile_rate_spread(1.0);
  // Independent: binomial noise only, var ~ 0.3*0.7/30 = 0.007. Tied: rates near 0 or near 0.8.
  EXPECT_LT(independent, 0.02);
  EXPECT_GT(tied, 0.05);
}

// Nearest-class-mean (a linear classifier) on raw 32x32 pixels, trained and tested on disjoint
// images of the same identities: far above chance, but not perfect.
TEST(SyntheticFace, IdentitiesAreLearnableButNotTrivially) {
  const int ids = 20, train = 8, test = 8;
  std::vector<cv::Mat> means(ids);
  auto vec = [](const SyntheticFace& f) {
    cv::Mat v;
    f.image.reshape(1, 1).convertTo(v, CV_32F);
    return v;
  };
  for (int id = 0; id < ids; ++id) {
    means[id] = cv::Mat::zeros(1, 32 * 32 * 3, CV_32F);
    for (int i = 0; i < train; ++i) means[id] += vec(render_synthetic_face(9, id, i, opts(32, 1.0))) / train;
  }
  int correct = 0;
  for (int id = 0; id < ids; ++id)
    for (int i = train; i < train + test; ++i) {
      const cv::Mat v = vec(render_synthetic_face(9, id, i, opts(32, 1.0)));
      int best = -1;
      double best_d = 1e300;
      for (int c = 0; c < ids; ++c) {
        const double d = cv::norm(v, means[c], cv::NORM_L2SQR);
        if (d < best_d) best_d = d, best = c;
      }
      correct += best == id;
    }
  const double accuracy = static_cast<double>(correct) / (ids * test);
  std::cout << "[ synthetic ] nearest-class-mean accuracy on held-out images: " << accuracy << "\n";
  EXPECT_GT(accuracy, 0.25);  // chance is 0.05
  EXPECT_LT(accuracy, 1.0);
}

// Run with --gtest_also_run_disabled_tests. Reports images per CPU-second of this process (one
// thread), which stays meaningful on a shared, busy machine where wall time does not.
TEST(SyntheticFace, DISABLED_Throughput) {
  for (const double nuisance : {0.0, 1.0}) {
    const auto o = opts(112, nuisance);
    const int n = 2000;
    const std::clock_t c0 = std::clock();
    const auto t0 = std::chrono::steady_clock::now();
    double sink = 0;
    for (int i = 0; i < n; ++i) sink += render_synthetic_face(0, i / 20, i % 20, o).image.data[0];
    const double cpu = static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC;
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::cout << "[ synthetic ] nuisance " << nuisance << ": " << n / cpu << " images per CPU-second, "
              << n / wall << " per wall-second at 112x112 (checksum " << sink << ")\n";
  }
}

}  // namespace
}  // namespace facerep::data
