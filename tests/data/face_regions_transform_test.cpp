// face_regions: region maps for faces without a parser, from landmarks or a template.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include <opencv2/core.hpp>

#include "core/config_visit.h"
#include "core/error.h"
#include "data/regions/region_transform.h"
#include "data/sample.h"
#include "test_support.h"

namespace facerep::data {
namespace {

Sample blank_face(int h, int w) {
  Sample s;
  s.path = "faces/a.png";
  s.image = cv::Mat(h, w, CV_8UC3, cv::Scalar(128, 128, 128));
  return s;
}

uint8_t region_at(const Sample& s, float x, float y) {
  return s.region_map.at<uint8_t>(static_cast<int>(y), static_cast<int>(x));
}

TEST(FaceRegionsTransform, TemplatePlacesPartsOnAnAlignedCrop) {
  FaceRegionsOptions o;
  o.source.from = "template";
  FaceRegions t(o);
  Sample s = blank_face(112, 112);
  std::mt19937_64 rng(0);
  t.apply(s, rng);
  ASSERT_EQ(s.region_map.size(), s.image.size());
  // ArcFace template: eyes at (38.3, 51.7) and (73.5, 51.5), mouth centre near (56, 92).
  EXPECT_EQ(region_at(s, 38.3f, 51.7f), static_cast<uint8_t>(Region::kRightEye));
  EXPECT_EQ(region_at(s, 73.5f, 51.5f), static_cast<uint8_t>(Region::kLeftEye));
  EXPECT_EQ(region_at(s, 56.1f, 92.3f), static_cast<uint8_t>(Region::kMouth));
  EXPECT_EQ(region_at(s, 2.0f, 110.0f), static_cast<uint8_t>(Region::kBackground));
}

TEST(FaceRegionsTransform, TemplateScalesWithNonSquareImages) {
  FaceRegionsOptions o;
  o.source.from = "template";
  o.source.points = {0.3, 0.4, 0.7, 0.4, 0.5, 0.6, 0.35, 0.8, 0.65, 0.8};
  FaceRegions t(o);
  Sample s = blank_face(112, 92);  // ORL's 92x112
  std::mt19937_64 rng(0);
  t.apply(s, rng);
  EXPECT_EQ(region_at(s, 0.3f * 92, 0.4f * 112), static_cast<uint8_t>(Region::kRightEye));
  EXPECT_EQ(region_at(s, 0.5f * 92, 0.8f * 112), static_cast<uint8_t>(Region::kMouth));
}

TEST(FaceRegionsTransform, LandmarksModeNeedsLandmarksAndKeepsParserMaps) {
  FaceRegionsOptions o;
  FaceRegions t(o);
  Sample s = blank_face(32, 32);
  std::mt19937_64 rng(0);
  const std::string message = testing::runtime_error_message([&] { t.apply(s, rng); });
  EXPECT_NE(message.find("faces/a.png"), std::string::npos) << message;
  EXPECT_NE(message.find("from: template"), std::string::npos) << message;
  s.region_map = cv::Mat(32, 32, CV_8U, cv::Scalar(static_cast<int>(Region::kHair)));
  t.apply(s, rng);  // a parser's map is kept
  EXPECT_EQ(region_at(s, 16, 16), static_cast<uint8_t>(Region::kHair));
}

TEST(FaceRegionsTransform, BadPointsNameTheKey) {
  EXPECT_THROW(testing::read_component("t: {type: face_regions, from: template, points: [0.5, 0.5]}\n", "t",
                                       "transform", "t.yaml"),
               core::ConfigError);
  try {
    testing::read_component("t: {type: face_regions, points: [0,0,0,0,0,0,0,0,0,1.5]}\n", "t", "transform", "t.yaml");
    ADD_FAILURE() << "no error";
  } catch (const core::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("points"), std::string::npos) << e.what();
  }
}

// A frontal face of 68 iBUG points on a 112x112 image: jaw as a U, straight brows, narrow eyes.
std::vector<float> face_68() {
  std::vector<float> xy;
  auto add = [&](float x, float y) { xy.push_back(x), xy.push_back(y); };
  for (int k = 0; k <= 16; ++k)
    add(56.0f - 40.0f * std::cos(static_cast<float>(M_PI) * k / 16), 50.0f + 50.0f * std::sin(static_cast<float>(M_PI) * k / 16));
  for (int k = 0; k < 5; ++k) add(26.0f + 6.0f * k, 38.0f);  // 17-21
  for (int k = 0; k < 5; ++k) add(62.0f + 6.0f * k, 38.0f);  // 22-26
  for (int k = 0; k < 4; ++k) add(56.0f, 48.0f + 6.0f * k);   // 27-30 bridge
  for (int k = 0; k < 5; ++k) add(46.0f + 5.0f * k, 72.0f);   // 31-35 nostrils
  for (float cx : {38.0f, 74.0f}) {                           // 36-41, 42-47
    add(cx - 10, 52), add(cx - 4, 49), add(cx + 4, 49), add(cx + 10, 52), add(cx + 4, 55), add(cx - 4, 55);
  }
  const float outer[12][2] = {{42, 88}, {47, 84}, {52, 83}, {56, 84}, {60, 83}, {65, 84},
                              {70, 88}, {65, 92}, {60, 93}, {56, 93}, {52, 93}, {47, 92}};
  for (const auto& q : outer) add(q[0], q[1]);
  const float inner[8][2] = {{45, 88}, {52, 86}, {56, 86}, {60, 86}, {67, 88}, {60, 90}, {56, 90}, {52, 90}};
  for (const auto& q : inner) add(q[0], q[1]);
  return xy;
}

TEST(FaceRegionsTransform, SixtyEightPointsGivePolygonsThatFollowTheFace) {
  FaceRegionsOptions o;  // from: landmarks
  FaceRegions t(o);
  Sample s = blank_face(112, 112);
  s.landmarks = face_68();
  ASSERT_EQ(s.landmarks.size(), 136u);
  std::mt19937_64 rng(0);
  t.apply(s, rng);
  EXPECT_EQ(region_at(s, 38, 52), static_cast<uint8_t>(Region::kRightEye));
  EXPECT_EQ(region_at(s, 74, 52), static_cast<uint8_t>(Region::kLeftEye));
  EXPECT_EQ(region_at(s, 38, 47), static_cast<uint8_t>(Region::kSkin));  // above this narrow eye's lid
  EXPECT_EQ(region_at(s, 38, 39), static_cast<uint8_t>(Region::kRightBrow));
  EXPECT_EQ(region_at(s, 56, 62), static_cast<uint8_t>(Region::kNose));
  EXPECT_EQ(region_at(s, 56, 88), static_cast<uint8_t>(Region::kMouth));
  EXPECT_EQ(region_at(s, 30, 75), static_cast<uint8_t>(Region::kSkin));
  EXPECT_EQ(region_at(s, 56, 30), static_cast<uint8_t>(Region::kSkin));  // forehead above the brows
  EXPECT_EQ(region_at(s, 56, 16), static_cast<uint8_t>(Region::kHair));
  EXPECT_EQ(region_at(s, 10, 100), static_cast<uint8_t>(Region::kBackground));
  EXPECT_EQ(region_at(s, 20, 90), static_cast<uint8_t>(Region::kBackground));  // outside the jaw
}

// The five alignment points of a 68-point face, flattened (eye centres, nose tip, mouth corners).
std::vector<float> five_of_68(const std::vector<float>& xy) {
  auto mean = [&](int from, int to, int axis) {
    float sum = 0;
    for (int i = from; i < to; ++i) sum += xy[2 * i + axis];
    return sum / static_cast<float>(to - from);
  };
  return {mean(36, 42, 0), mean(36, 42, 1), mean(42, 48, 0), mean(42, 48, 1), xy[60], xy[61],
          xy[96], xy[97], xy[108], xy[109]};
}

TEST(FaceRegionsTransform, FivePointsGiveTheSamePolygonsAsSixtyEight) {
  FaceRegionsOptions o;  // from: landmarks
  FaceRegions t(o);
  std::mt19937_64 rng(0);
  Sample full = blank_face(112, 112), five = blank_face(112, 112);
  full.landmarks = face_68();
  five.landmarks = five_of_68(full.landmarks);
  t.apply(full, rng);
  t.apply(five, rng);
  // The mean shape placed on five points is not this hand-drawn face, but its parts land on the
  // same pixels for most of the image, part by part (not just background).
  const cv::Mat same = full.region_map == five.region_map;
  EXPECT_GT(cv::countNonZero(same), 0.8 * 112 * 112);  // measured: 0.85
  for (Region r : {Region::kRightEye, Region::kLeftEye, Region::kNose, Region::kMouth, Region::kRightBrow}) {
    const cv::Mat in_full = full.region_map == static_cast<int>(r);
    const cv::Mat in_five = five.region_map == static_cast<int>(r);
    const double overlap = cv::countNonZero(in_full & in_five);
    const double either = cv::countNonZero(in_full | in_five);
    EXPECT_GT(overlap / either, 0.3) << "region " << static_cast<int>(r);
  }
  // Polygons, not fixed ellipses: a mouth twice as wide widens the lip region with it.
  Sample wide = blank_face(112, 112);
  wide.landmarks = five.landmarks;
  wide.landmarks[6] -= 8, wide.landmarks[8] += 8;  // mouth corners 16 px further apart
  t.apply(wide, rng);
  EXPECT_EQ(region_at(five, 40, 92), static_cast<uint8_t>(Region::kSkin));
  EXPECT_EQ(region_at(wide, 40, 92), static_cast<uint8_t>(Region::kMouth));
  // The pairs may come in either left/right order (a flip swaps them): same map.
  Sample swapped = blank_face(112, 112);
  swapped.landmarks = five.landmarks;
  std::swap(swapped.landmarks[0], swapped.landmarks[2]), std::swap(swapped.landmarks[1], swapped.landmarks[3]);
  std::swap(swapped.landmarks[6], swapped.landmarks[8]), std::swap(swapped.landmarks[7], swapped.landmarks[9]);
  t.apply(swapped, rng);
  EXPECT_EQ(cv::countNonZero(swapped.region_map != five.region_map), 0);
}

TEST(FaceRegionsTransform, DatasetsChooseTheirOwnTemplateByPath) {
  const FaceRegionsOptions o = testing::read_options<FaceRegionsOptions>(
      "datasets:\n"
      "  - {match: /orl/, from: template, points: [0.3, 0.45, 0.7, 0.45, 0.5, 0.6, 0.38, 0.75, 0.62, 0.75]}\n"
      "  - {match: /yale/, from: template, points: [0.2, 0.24, 0.8, 0.24, 0.5, 0.57, 0.32, 0.78, 0.68, 0.78]}\n");
  FaceRegions t(o);
  std::mt19937_64 rng(0);
  Sample orl = blank_face(100, 100), yale = blank_face(100, 100), other = blank_face(100, 100);
  orl.path = "db/orl/s1/1.pgm", yale.path = "db/yale/B01/a.pgm", other.path = "db/gt/s01/1.png";
  t.apply(orl, rng);
  t.apply(yale, rng);
  EXPECT_EQ(region_at(orl, 30, 45), static_cast<uint8_t>(Region::kRightEye));
  EXPECT_NE(region_at(yale, 30, 45), static_cast<uint8_t>(Region::kRightEye));
  EXPECT_EQ(region_at(yale, 20, 24), static_cast<uint8_t>(Region::kRightEye));
  // A sample no entry matches falls to the top-level from: landmarks, and says so.
  const std::string message = testing::runtime_error_message([&] { t.apply(other, rng); });
  EXPECT_NE(message.find("db/gt/s01/1.png"), std::string::npos) << message;
  EXPECT_NE(message.find("datasets"), std::string::npos) << message;
  // A matching entry that asks for landmarks says so, not that nothing matched.
  const FaceRegions by_landmarks(testing::read_options<FaceRegionsOptions>(
      "from: template\ndatasets: [{match: /gt/, from: landmarks}]\n"));
  const std::string entry_message = testing::runtime_error_message([&] { by_landmarks.apply(other, rng); });
  EXPECT_NE(entry_message.find("entry says from: landmarks"), std::string::npos) << entry_message;
  // A bad entry names its place in the list.
  try {
    testing::read_options<FaceRegionsOptions>("datasets: [{match: /a/}, {match: /b/, points: [1, 2]}]\n");
    ADD_FAILURE() << "no error";
  } catch (const core::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("datasets[1].points"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace facerep::data
