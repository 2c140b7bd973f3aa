#include <gtest/gtest.h>

#include <opencv2/core.hpp>

#include "data/formats/image_io.h"
#include "source_test_util.h"
#include "test_support.h"

namespace facerep::data {
namespace {
using testing::error_of;

TEST(ImageIo, PngRoundTripIsExactAndGreyBecomesBgr) {
  testing::TempDir dir;
  const cv::Mat img = testing::gradient_image(40, 30);
  testing::write_bytes(dir.file("a.png"), testing::encode(img, ".png"));
  const cv::Mat back = read_image(dir.file("a.png"));
  ASSERT_EQ(back.type(), CV_8UC3);
  EXPECT_EQ(cv::norm(back, img, cv::NORM_INF), 0.0);

  cv::Mat grey(20, 10, CV_8U);
  for (int i = 0; i < grey.rows * grey.cols; ++i) grey.data[i] = static_cast<uint8_t>(i);
  testing::write_bytes(dir.file("g.pgm"), testing::encode(grey, ".pgm"));
  const cv::Mat g = read_image(dir.file("g.pgm"));
  ASSERT_EQ(g.type(), CV_8UC3);
  EXPECT_EQ(g.at<cv::Vec3b>(3, 4), cv::Vec3b(34, 34, 34));
}

TEST(ImageIo, BmpAndReducedJpegDecode) {
  testing::TempDir dir;
  const cv::Mat img = testing::gradient_image(64, 48);
  testing::write_bytes(dir.file("a.bmp"), testing::encode(img, ".bmp"));
  EXPECT_EQ(cv::norm(read_image(dir.file("a.bmp")), img, cv::NORM_INF), 0.0);
  testing::write_bytes(dir.file("a.jpg"), testing::encode(img, ".jpg"));
  const cv::Mat full = read_image(dir.file("a.jpg"));
  EXPECT_EQ(full.size(), cv::Size(64, 48));
  EXPECT_LT(cv::norm(full, img, cv::NORM_L1) / img.total() / 3, 4.0);  // JPEG is lossy but close
  EXPECT_EQ(read_image(dir.file("a.jpg"), 2).size(), cv::Size(32, 24));
  EXPECT_EQ(read_image(dir.file("a.jpg"), 8).size(), cv::Size(8, 6));
  EXPECT_NE(error_of([&] { read_image(dir.file("a.jpg"), 3); }).find("reduce factor must be 1, 2, 4 or 8"),
            std::string::npos);
}

TEST(ImageIo, BadFilesNameThePathAndReason) {
  testing::TempDir dir;
  const cv::Mat img = testing::gradient_image(64, 64);
  std::vector<uint8_t> jpg = testing::encode(img, ".jpg");
  std::vector<uint8_t> png = testing::encode(img, ".png");

  EXPECT_EQ(error_of([&] { read_image(dir.file("none.jpg")); }),
            "RuntimeError: " + dir.file("none.jpg") + ": missing (no such file)");
  testing::write_bytes(dir.file("zero.jpg"), {});
  EXPECT_EQ(error_of([&] { read_image(dir.file("zero.jpg")); }),
            "RuntimeError: " + dir.file("zero.jpg") + ": empty file (zero bytes)");
  testing::write_file(dir.file("text.jpg"), "hello, I am not a picture\n");
  EXPECT_EQ(error_of([&] { read_image(dir.file("text.jpg")); }),
            "RuntimeError: " + dir.file("text.jpg") + ": not an image (content is not JPEG, PNG, PNM, BMP or WebP)");
  testing::write_bytes(dir.file("cut.jpg"), std::vector<uint8_t>(jpg.begin(), jpg.begin() + jpg.size() / 2));
  EXPECT_EQ(error_of([&] { read_image(dir.file("cut.jpg")); }),
            "RuntimeError: " + dir.file("cut.jpg") +
                ": truncated or corrupt JPEG (no end-of-image marker after the scan)");
  // Only the last two bytes (the EOI marker) missing: still caught.
  testing::write_bytes(dir.file("cut2.jpg"), std::vector<uint8_t>(jpg.begin(), jpg.end() - 2));
  EXPECT_NE(error_of([&] { read_image(dir.file("cut2.jpg")); }).find("truncated"), std::string::npos);
  testing::write_bytes(dir.file("cut.png"), std::vector<uint8_t>(png.begin(), png.begin() + png.size() / 2));
  EXPECT_NE(error_of([&] { read_image(dir.file("cut.png")); }).find(dir.file("cut.png") + ": truncated or corrupt PNG"),
            std::string::npos);
  // A PNG saved under a .jpg name decodes by content: the extension does not matter.
  testing::write_bytes(dir.file("png_named.jpg"), png);
  EXPECT_EQ(read_image(dir.file("png_named.jpg")).size(), cv::Size(64, 64));
}

TEST(ImageIo, TruncatedJpegWithEmbeddedEndMarkerIsStillDetected) {
  // An APP1 segment (like an EXIF thumbnail) containing FF D9 must not count as the image's end.
  testing::TempDir dir;
  std::vector<uint8_t> jpg = testing::encode(testing::gradient_image(32, 32), ".jpg");
  const std::vector<uint8_t> app1 = {0xFF, 0xE1, 0x00, 0x08, 0xFF, 0xD8, 0xAB, 0xCD, 0xFF, 0xD9};
  jpg.insert(jpg.begin() + 2, app1.begin(), app1.end());
  testing::write_bytes(dir.file("ok.jpg"), jpg);
  EXPECT_EQ(read_image(dir.file("ok.jpg")).size(), cv::Size(32, 32));
  testing::write_bytes(dir.file("cut.jpg"), std::vector<uint8_t>(jpg.begin(), jpg.end() - 40));
  EXPECT_NE(error_of([&] { read_image(dir.file("cut.jpg")); }).find("truncated"), std::string::npos);
}

TEST(ImageIo, ExtensionFilter) {
  EXPECT_TRUE(has_image_extension("a/b/C.JPG"));
  EXPECT_TRUE(has_image_extension("x.webp"));
  EXPECT_FALSE(has_image_extension("notes.txt"));
  EXPECT_FALSE(has_image_extension("noext"));
}

}  // namespace
}  // namespace facerep::data
