// Region-of-interest decoding through the Dataset: the same crops as a full decode, close pixels,
// determinism, the option off giving the old pixels, unchanged errors, the cases that fall back.
#include <gtest/gtest.h>

#include <algorithm>

#include <cstring>
#include <filesystem>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/config_tree.h"
#include "data/dataset.h"
#include "data/formats/image_io.h"
#include "data/formats/roi_decode.h"
#include "data/transforms/geometric.h"
#include "source_test_util.h"
#include "test_support.h"

namespace facerep::data {
namespace {
using testing::error_of;

std::shared_ptr<Dataset> dataset(const std::string& yaml, const std::string& base_dir, uint64_t seed = 5) {
  const core::ConfigTree tree = core::ConfigTree::load_string(yaml, "data.yaml");
  const DatasetOptions o = core::read_options<DatasetOptions>(tree, tree.root(), "");
  SourceContext ctx;
  ctx.base_dir = base_dir;
  ctx.seed = seed;
  return Dataset::build(o, ctx);
}

Sample one(const Dataset& d, int64_t index, int64_t epoch) {
  auto views = d.get(index, epoch);
  EXPECT_TRUE(views.has_value());
  EXPECT_EQ(views->size(), 1u);
  return views->at(0);
}

double mean_abs_diff(const cv::Mat& a, const cv::Mat& b) {
  EXPECT_EQ(a.size(), b.size());
  EXPECT_EQ(a.type(), b.type());
  if (a.size() != b.size() || a.type() != b.type()) return 1e9;
  return cv::norm(a, b, cv::NORM_L1) / static_cast<double>(a.total() * a.channels());
}

// root/<identity>/<n>.jpg: 250x250 colour faces from the dlib PASCAL photos and grey Yale faces,
// the kind of folder the data benchmark reads. Empty when ../shared/data is absent.
std::string write_face_folder(const testing::TempDir& dir) {
  const std::string shared = testing::shared_data_dir();
  if (shared.empty()) return "";
  const std::vector<std::string> colour = {"2008_002470.jpg", "2008_001322.jpg", "2009_004587.jpg", "2007_007763.jpg"};
  int n = 0;
  for (const auto& name : colour) {
    const cv::Mat photo = cv::imread(shared + "/landmarks/dlib_pascal/" + name, cv::IMREAD_COLOR);
    if (photo.empty()) return "";
    const int side = std::min(photo.cols, photo.rows);
    cv::Mat square;
    cv::resize(photo(cv::Rect((photo.cols - side) / 2, (photo.rows - side) / 2, side, side)), square,
               cv::Size(250, 250), 0, 0, cv::INTER_AREA);
    testing::write_bytes(dir.file("faces/colour/" + std::to_string(n++) + ".jpg"), testing::encode(square, ".jpg"));
  }
  const std::string yale = shared + "/extended_yaleb";
  if (!std::filesystem::is_directory(yale)) return "";
  std::vector<std::string> grey;
  for (const auto& e : std::filesystem::recursive_directory_iterator(yale))
    if (e.path().extension() == ".pgm" && e.path().filename().string().find("P00A+000E+00") != std::string::npos)
      grey.push_back(e.path().string());  // frontal light: a well-lit face
  std::sort(grey.begin(), grey.end());
  for (size_t i = 0; i < grey.size() && i < 3; ++i)
    testing::write_bytes(dir.file("faces/grey/" + std::to_string(i) + ".jpg"),
                         testing::encode(cv::imread(grey[i], cv::IMREAD_GRAYSCALE), ".jpg"));
  return dir.file("faces");
}

TEST(RoiDecode, RandomResizedCropTakesTheSameRectangleAsTheFullDecode) {
  testing::TempDir dir;
  const std::string root = write_face_folder(dir);
  if (root.empty()) GTEST_SKIP() << "../shared/data absent";
  // 112 from 250x250: large crops decode at 4/8. 40: most crops decode at 2/8 or 4/8.
  for (const int side : {112, 40}) {
  const std::string yaml = "source: {type: image_folder, root: " + root + "}\n" +
                           "transforms: [{type: random_resized_crop, size: " + std::to_string(side) + "}]\n";
  const uint64_t seed = 5;
  const auto roi = dataset(yaml, "", seed);
  const auto full = dataset(yaml + "roi_decode: false\n", "", seed);
  ASSERT_TRUE(roi->roi_decode());
  ASSERT_FALSE(full->roi_decode());
  RandomResizedCropOptions o;
  o.size = {side};
  const RandomResizedCrop rrc(o);
  double sum = 0, worst_grey = 0, other = 0;
  double to_ideal[5] = {0, 0, 0, 0, 0}, full_to_ideal = 0;
  int counted[5] = {0, 0, 0, 0, 0};
  int n = 0;
  for (int64_t epoch = 0; epoch < 4; ++epoch)
    for (int64_t i = 0; i < roi->size(); ++i) {
      const Sample a = one(*roi, i, epoch), b = one(*full, i, epoch);
      ASSERT_EQ(a.image.size(), cv::Size(side, side));
      EXPECT_EQ(a.path, b.path);
      EXPECT_EQ(a.identity, b.identity);
      const double d = mean_abs_diff(a.image, b.image);
      sum += d;
      if (a.path.find("/grey/") != std::string::npos) worst_grey = std::max(worst_grey, d);
      // Same rectangle: the region-decoded crop is closer to an area resize of the full decode's
      // rectangle than to that of the rectangle moved by one pixel (summed over all samples below).
      const cv::Mat decoded = read_image(a.path);
      std::mt19937_64 rng = sample_rng(seed, epoch, i, 0);
      const cv::Rect rect = rrc.choose_crop(decoded.cols, decoded.rows, rng);
      const cv::Point moves[] = {{0, 0}, {1, 0}, {-1, 0}, {0, 1}, {0, -1}};
      for (int m = 0; m < 5; ++m) {
        const cv::Rect moved = rect + moves[m];
        if ((moved & cv::Rect(0, 0, decoded.cols, decoded.rows)) != moved) continue;
        cv::Mat ideal;
        cv::resize(decoded(moved), ideal, cv::Size(side, side), 0, 0, cv::INTER_AREA);
        to_ideal[m] += mean_abs_diff(a.image, ideal);
        counted[m] += 1;
        if (m == 0) full_to_ideal += mean_abs_diff(b.image, ideal);
      }
      // Another epoch draws another rectangle: that is what a wrong crop looks like.
      other += mean_abs_diff(a.image, one(*full, i, epoch + 1).image);
      ++n;
    }
  std::printf("[ roi vs full, %d px ] mean abs diff %.2f grey levels (worst on a grey face %.2f); another crop: %.2f; %d samples\n",
              side, sum / n, worst_grey, other / n, n);
  for (int m = 1; m < 5; ++m) {
    ASSERT_GT(counted[m], n / 2);
    EXPECT_LT(to_ideal[0] / counted[0], to_ideal[m] / counted[m]) << "move " << m;
  }
  std::printf("[ vs area resize ] roi: same rectangle %.3f, moved by a pixel %.3f %.3f %.3f %.3f; full decode %.3f\n",
              to_ideal[0] / counted[0], to_ideal[1] / counted[1], to_ideal[2] / counted[2],
              to_ideal[3] / counted[3], to_ideal[4] / counted[4], full_to_ideal / counted[0]);
  if (side == 112) {  // mostly full-scale crops: close to the old pixels
    EXPECT_LT(sum / n, 2.0);
    EXPECT_LT(worst_grey, 3.0);
  } else {  // 2/8 and 4/8 scales: the old bilinear downscale aliases; the DCT one is nearer the area resize
    EXPECT_LT(to_ideal[0] / counted[0], full_to_ideal / counted[0]);
  }
  EXPECT_GT(other / n, 5 * sum / n);
  }
}

TEST(RoiDecode, IsDeterministicPerSeedEpochAndIndex) {
  testing::TempDir dir;
  const cv::Mat img = testing::gradient_image(120, 90, 2);
  testing::write_bytes(dir.file("f/a/0.jpg"), testing::encode(img, ".jpg"));
  const std::string yaml = "source: {type: image_folder, root: f}\n"
                           "transforms: [{type: random_resized_crop, size: 24}, {type: color_jitter, brightness: 0.4}]\n";
  const auto d1 = dataset(yaml, dir.str()), d2 = dataset(yaml, dir.str());
  ASSERT_TRUE(d1->roi_decode());
  for (int64_t epoch = 0; epoch < 3; ++epoch) {
    const cv::Mat a = one(*d1, 0, epoch).image;
    EXPECT_EQ(cv::norm(a, one(*d1, 0, epoch).image, cv::NORM_INF), 0.0);
    EXPECT_EQ(cv::norm(a, one(*d2, 0, epoch).image, cv::NORM_INF), 0.0);
  }
  EXPECT_GT(cv::norm(one(*d1, 0, 0).image, one(*d1, 0, 1).image, cv::NORM_INF), 0.0);
}

TEST(RoiDecode, OptionOffGivesTheOldPixelsExactly) {
  testing::TempDir dir;
  const cv::Mat img = testing::gradient_image(150, 110, 4);
  const std::vector<uint8_t> jpg = testing::encode(img, ".jpg");
  testing::write_bytes(dir.file("f/a/0.jpg"), jpg);
  const auto off = dataset("source: {type: image_folder, root: f}\nroi_decode: false\n"
                           "transforms: [{type: random_resized_crop, size: 32}]\n", dir.str(), 9);
  RandomResizedCropOptions o;
  o.size = {32};
  const RandomResizedCrop rrc(o);
  for (int64_t epoch = 0; epoch < 3; ++epoch) {
    Sample old;
    old.image = cv::imdecode(jpg, cv::IMREAD_COLOR);  // what decode_image used before libjpeg-direct
    old.path = "x";
    std::mt19937_64 rng = sample_rng(9, epoch, 0, 0);
    rrc.apply(old, rng);
    EXPECT_EQ(cv::norm(one(*off, 0, epoch).image, old.image, cv::NORM_INF), 0.0) << epoch;
  }
}

TEST(RoiDecode, CenterCropAndResizeStayCloseAndPadWithZeros) {
  testing::TempDir dir;
  const cv::Mat img = testing::gradient_image(96, 80, 1);
  testing::write_bytes(dir.file("f/a/0.jpg"), testing::encode(img, ".jpg"));
  const std::string src = "source: {type: image_folder, root: f}\n";
  for (const std::string t : {"[{type: center_crop, size: 40}]", "[{type: center_crop, size: [100, 120]}]",
                              "[{type: resize, size: 20}]", "[{type: resize, size: [30, 100]}]"}) {
    const auto roi = dataset(src + "transforms: " + t + "\n", dir.str());
    const auto full = dataset(src + "transforms: " + t + "\nroi_decode: false\n", dir.str());
    ASSERT_TRUE(roi->roi_decode()) << t;
    const cv::Mat a = one(*roi, 0, 0).image, b = one(*full, 0, 0).image;
    EXPECT_LT(mean_abs_diff(a, b), 1.5) << t;
    // At full scale (center crops) only libjpeg's smoothing at skipped block edges can differ.
    if (t.find("center") != std::string::npos) EXPECT_LE(cv::norm(a, b, cv::NORM_INF), 3.0) << t;
  }
  // The 120x100 crop of a 96x80 image: 12 zero columns either side, 10 zero rows above and below.
  const auto pad = dataset(src + "transforms: [{type: center_crop, size: [100, 120]}]\n", dir.str());
  const cv::Mat p = one(*pad, 0, 0).image;
  const cv::Mat decoded = read_image(dir.file("f/a/0.jpg"));
  EXPECT_LE(cv::norm(p(cv::Rect(12, 10, 96, 80)), decoded, cv::NORM_INF), 3.0);
  EXPECT_EQ(cv::norm(p(cv::Rect(0, 0, 12, 100))), 0.0);
  EXPECT_EQ(cv::norm(p(cv::Rect(0, 90, 120, 10))), 0.0);
}

TEST(RoiDecode, ReducedSourcesPlanOnTheReducedImage) {
  testing::TempDir dir;
  const cv::Mat img = testing::gradient_image(200, 160, 5);
  testing::write_bytes(dir.file("f/a/0.jpg"), testing::encode(img, ".jpg"));
  const std::string yaml = "source: {type: image_folder, root: f, reduce: 2}\n"
                           "transforms: [{type: random_resized_crop, size: 20}]\n";
  const auto roi = dataset(yaml, dir.str()), full = dataset(yaml + "roi_decode: false\n", dir.str());
  for (int64_t epoch = 0; epoch < 4; ++epoch) {
    const cv::Mat a = one(*roi, 0, epoch).image;
    ASSERT_EQ(a.size(), cv::Size(20, 20));
    EXPECT_LT(mean_abs_diff(a, one(*full, 0, epoch).image), 3.0) << epoch;
  }
}

TEST(RoiDecode, BadJpegsGiveTheSameErrors) {
  testing::TempDir dir;
  std::vector<uint8_t> jpg = testing::encode(testing::gradient_image(64, 64), ".jpg");
  testing::write_bytes(dir.file("f/a/0_cut.jpg"), std::vector<uint8_t>(jpg.begin(), jpg.begin() + jpg.size() / 2));
  testing::write_file(dir.file("f/a/1_text.jpg"), "not a picture");
  std::vector<uint8_t> early = jpg;  // an end-of-image marker in the middle of the scan
  const auto scan = std::search(jpg.begin(), jpg.end(), std::begin(testing::kJpegStartOfScan), std::end(testing::kJpegStartOfScan));
  early.insert(early.begin() + (scan - jpg.begin()) + (jpg.end() - scan) / 2, {0xFF, 0xD9});
  testing::write_bytes(dir.file("f/a/2_early.jpg"), early);
  testing::write_bytes(dir.file("f/a/3_empty.jpg"), {});
  const std::string yaml = "source: {type: image_folder, root: f}\ntransforms: [{type: random_resized_crop, size: 16}]\n";
  const auto roi = dataset(yaml, dir.str()), full = dataset(yaml + "roi_decode: false\n", dir.str());
  const std::vector<std::string> expected = {
      "truncated or corrupt JPEG (no end-of-image marker after the scan)",
      "not an image (content is not JPEG, PNG, PNM, BMP or WebP)",
      "corrupt JPEG (",
      "empty file (zero bytes)"};
  for (int64_t i = 0; i < 4; ++i) {
    const std::string e = error_of([&] { roi->get(i, 0); });
    EXPECT_EQ(e, error_of([&] { full->get(i, 0); }));
    const std::string path = std::filesystem::path(dir.file("f/a")).lexically_normal().string() + "/" +
                             std::vector<std::string>{"0_cut", "1_text", "2_early", "3_empty"}[i] + ".jpg";
    // The full path names the file once (in the reason), as it always has.
    EXPECT_EQ(e.rfind("RuntimeError: sample " + std::to_string(i) + ": " + path + ": " + expected[i], 0), 0u) << e;
  }
}

TEST(RoiDecode, FallsBackWhereItCannotApply) {
  testing::TempDir dir;
  const cv::Mat img = testing::gradient_image(64, 48, 6);
  testing::write_bytes(dir.file("f/a/0.jpg"), testing::encode(img, ".jpg"));
  testing::write_bytes(dir.file("f/a/1.png"), testing::encode(img, ".png"));
  const std::string src = "source: {type: image_folder, root: f}\n";
  const std::string rrc = "transforms: [{type: random_resized_crop, size: 16}]\n";
  EXPECT_FALSE(dataset(src + rrc + "views: 2\n", dir.str())->roi_decode());
  EXPECT_FALSE(dataset(src + "transforms: [{type: horizontal_flip}, {type: resize, size: 16}]\n", dir.str())->roi_decode());
  EXPECT_FALSE(dataset(src, dir.str())->roi_decode());
  EXPECT_FALSE(dataset("source: {type: synthetic, identities: 2, per_identity: 1, size: 32}\n" + rrc, "")
                   ->source()
                   .get_encoded(0)
                   .has_value());
  // A PNG in a region-decoding dataset: decoded in full, the old pixels exactly.
  const auto roi = dataset(src + rrc, dir.str()), full = dataset(src + rrc + "roi_decode: false\n", dir.str());
  ASSERT_TRUE(roi->roi_decode());
  EXPECT_EQ(cv::norm(one(*roi, 1, 0).image, one(*full, 1, 0).image, cv::NORM_INF), 0.0);

  // List rows with landmarks follow the full decode (the landmarks must move with the pixels);
  // rows without may region-decode.
  testing::write_file(dir.file("list.csv"), "path,identity,x0,y0\nf/a/0.jpg,0,20,30\nf/a/0.jpg,1,,\n");
  const std::string list = "source: {type: list, path: list.csv}\n";
  const auto lroi = dataset(list + rrc, dir.str()), lfull = dataset(list + rrc + "roi_decode: false\n", dir.str());
  const Sample with = one(*lroi, 0, 0), with_full = one(*lfull, 0, 0);
  EXPECT_EQ(cv::norm(with.image, with_full.image, cv::NORM_INF), 0.0);
  EXPECT_EQ(with.landmarks, with_full.landmarks);
  EXPECT_FALSE(lroi->source().get_encoded(0).has_value());
  ASSERT_TRUE(lroi->source().get_encoded(1).has_value());
  EXPECT_EQ(lroi->source().get_encoded(1)->sample.identity, 1);
  EXPECT_LT(mean_abs_diff(one(*lroi, 1, 0).image, one(*lfull, 1, 0).image), 3.0);
}

TEST(RoiDecode, RecordIoHandsOutTheEncodedImage) {
  testing::TempDir dir;
  const std::vector<uint8_t> jpg = testing::encode(testing::gradient_image(40, 40, 7), ".jpg");
  // One record, no .idx (the source scans): magic, length, IRHeader {flag 0, label 3, id, id2}, image.
  std::vector<uint8_t> payload(24, 0);
  const float label = 3;
  std::memcpy(payload.data() + 4, &label, 4);
  payload.insert(payload.end(), jpg.begin(), jpg.end());
  std::vector<uint8_t> rec(8);
  const uint32_t magic = 0xced7230a, length = static_cast<uint32_t>(payload.size());
  std::memcpy(rec.data(), &magic, 4);
  std::memcpy(rec.data() + 4, &length, 4);
  rec.insert(rec.end(), payload.begin(), payload.end());
  while (rec.size() % 4) rec.push_back(0);
  testing::write_bytes(dir.file("train.rec"), rec);
  const std::string src = "source: {type: recordio, path: train.rec}\n";
  const auto roi = dataset(src + "transforms: [{type: random_resized_crop, size: 16}]\n", dir.str());
  const auto encoded = roi->source().get_encoded(0);
  ASSERT_TRUE(encoded.has_value());
  EXPECT_EQ(encoded->sample.identity, 3);
  ASSERT_EQ(encoded->size(), jpg.size());
  EXPECT_EQ(std::memcmp(encoded->data(), jpg.data(), jpg.size()), 0);
  EXPECT_EQ(cv::norm(decode_image(encoded->data(), encoded->size(), encoded->sample.path),
                     roi->source().get(0).image, cv::NORM_INF), 0.0);
  ASSERT_TRUE(roi->roi_decode());
  EXPECT_EQ(one(*roi, 0, 0).image.size(), cv::Size(16, 16));
}

}  // namespace
}  // namespace facerep::data
