// libjpeg-direct decoding: the same pixels as cv::imdecode on real faces, OpenCV's behaviour kept
// for CMYK and EXIF-rotated files, corrupt data an error, region decoding at a DCT scale.
#include <gtest/gtest.h>

#include <algorithm>

#include <csetjmp>
#include <cstdio>
#include <filesystem>

#include <jpeglib.h>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "data/formats/image_io.h"
#include "data/formats/jpeg_decode.h"
#include "source_test_util.h"
#include "test_support.h"

namespace facerep::data {
namespace {
using testing::error_of;

std::vector<uint8_t> encode_jpeg(const cv::Mat& image, std::vector<int> params = {}) {
  std::vector<uint8_t> out;
  EXPECT_TRUE(cv::imencode(".jpg", image, out, params));
  return out;
}

cv::Mat imdecode(const std::vector<uint8_t>& bytes, int flag = cv::IMREAD_COLOR) {
  return cv::imdecode(cv::Mat(1, static_cast<int>(bytes.size()), CV_8U, const_cast<uint8_t*>(bytes.data())), flag);
}

double max_diff(const cv::Mat& a, const cv::Mat& b) {
  if (a.size() != b.size() || a.type() != b.type()) return 1e9;
  return cv::norm(a, b, cv::NORM_INF);
}

// A real grey face (ORL) and a real colour photo (dlib PASCAL, downscaled to keep the test fast).
struct RealFaces {
  cv::Mat grey, colour;
};
std::optional<RealFaces> real_faces() {
  const std::string root = testing::shared_data_dir();
  if (root.empty()) return std::nullopt;
  const std::string grey_path = root + "/orl/s1/1.pgm";
  const std::string colour_path = root + "/landmarks/dlib_pascal/2008_002470.jpg";
  if (!std::filesystem::exists(grey_path) || !std::filesystem::exists(colour_path)) return std::nullopt;
  RealFaces f;
  f.grey = cv::imread(grey_path, cv::IMREAD_GRAYSCALE);
  cv::Mat photo = cv::imread(colour_path, cv::IMREAD_COLOR);
  // Odd sizes, so partial MCUs at the right and bottom edges are exercised.
  cv::resize(photo, f.colour, cv::Size(251, 187), 0, 0, cv::INTER_AREA);
  return f;
}

// Inserts an APP1 EXIF segment holding only an orientation tag, right after SOI.
std::vector<uint8_t> with_orientation(std::vector<uint8_t> jpg, int orientation, bool little_endian) {
  std::vector<uint8_t> tiff = little_endian ? std::vector<uint8_t>{'I', 'I', 42, 0, 8, 0, 0, 0}
                                            : std::vector<uint8_t>{'M', 'M', 0, 42, 0, 0, 0, 8};
  auto u16 = [&](int v) {
    if (little_endian) tiff.insert(tiff.end(), {uint8_t(v & 0xFF), uint8_t(v >> 8)});
    else tiff.insert(tiff.end(), {uint8_t(v >> 8), uint8_t(v & 0xFF)});
  };
  u16(1);        // one IFD entry
  u16(0x0112);   // orientation
  u16(3);        // SHORT
  u16(0), u16(1);  // count 1 (4 bytes; the order of the two halves depends on endianness)
  if (little_endian) std::swap(tiff[tiff.size() - 4], tiff[tiff.size() - 2]);
  u16(orientation), u16(0);
  tiff.insert(tiff.end(), {0, 0, 0, 0});  // no next IFD
  std::vector<uint8_t> app1 = {'E', 'x', 'i', 'f', 0, 0};
  app1.insert(app1.end(), tiff.begin(), tiff.end());
  const size_t len = app1.size() + 2;
  std::vector<uint8_t> seg = {0xFF, 0xE1, uint8_t(len >> 8), uint8_t(len & 0xFF)};
  seg.insert(seg.end(), app1.begin(), app1.end());
  jpg.insert(jpg.begin() + 2, seg.begin(), seg.end());
  return jpg;
}

// A 4-component (CMYK) JPEG written with libjpeg, which OpenCV cannot write.
std::vector<uint8_t> cmyk_jpeg(int w, int h) {
  jpeg_compress_struct ci;
  jpeg_error_mgr err;
  ci.err = jpeg_std_error(&err);
  jpeg_create_compress(&ci);
  unsigned char* out = nullptr;
  unsigned long out_size = 0;
  jpeg_mem_dest(&ci, &out, &out_size);
  ci.image_width = w;
  ci.image_height = h;
  ci.input_components = 4;
  ci.in_color_space = JCS_CMYK;
  jpeg_set_defaults(&ci);
  jpeg_start_compress(&ci, TRUE);
  std::vector<uint8_t> row(static_cast<size_t>(w) * 4);
  while (ci.next_scanline < ci.image_height) {
    for (int x = 0; x < w; ++x) {
      row[4 * x] = uint8_t(x * 255 / w), row[4 * x + 1] = uint8_t(ci.next_scanline * 255 / h);
      row[4 * x + 2] = 60, row[4 * x + 3] = 200;
    }
    JSAMPROW p = row.data();
    jpeg_write_scanlines(&ci, &p, 1);
  }
  jpeg_finish_compress(&ci);
  std::vector<uint8_t> bytes(out, out + out_size);
  jpeg_destroy_compress(&ci);
  std::free(out);
  return bytes;
}

TEST(JpegDecode, RealFacesDecodePixelIdenticalToImdecodeAtEveryReduceFactor) {
  const auto faces = real_faces();
  if (!faces) GTEST_SKIP() << "../shared/data absent";
  testing::TempDir dir;
  struct Case {
    std::string name;
    cv::Mat image;
    std::vector<int> params;
  };
  const std::vector<Case> cases = {
      {"grey.jpg", faces->grey, {}},  // a 1-component JPEG: comes out as 3 equal channels
      {"colour.jpg", faces->colour, {}},  // 4:2:0, OpenCV's default
      {"colour_q60_progressive.jpg", faces->colour, {cv::IMWRITE_JPEG_QUALITY, 60, cv::IMWRITE_JPEG_PROGRESSIVE, 1}},
  };
  const std::pair<int, int> reduce_flags[] = {{1, cv::IMREAD_COLOR},
                                              {2, cv::IMREAD_REDUCED_COLOR_2},
                                              {4, cv::IMREAD_REDUCED_COLOR_4},
                                              {8, cv::IMREAD_REDUCED_COLOR_8}};
  for (const Case& c : cases) {
    // Through a real file, as the sources read them.
    ASSERT_TRUE(cv::imwrite(dir.file(c.name), c.image, c.params));
    const std::vector<uint8_t> bytes = read_file_bytes(dir.file(c.name));
    const JpegHeader header = read_jpeg_header(bytes.data(), bytes.size(), c.name);
    EXPECT_TRUE(header.direct) << c.name;
    EXPECT_EQ(header.size, c.image.size()) << c.name;
    for (const auto& [reduce, flag] : reduce_flags) {
      const cv::Mat ours = read_image(dir.file(c.name), reduce);
      const cv::Mat opencv = imdecode(bytes, flag);
      ASSERT_EQ(ours.type(), CV_8UC3) << c.name;
      EXPECT_EQ(ours.size(), opencv.size()) << c.name << " reduce " << reduce;
      EXPECT_EQ(max_diff(ours, opencv), 0.0) << c.name << " reduce " << reduce;
    }
  }
  // The grey file really is single-channel and its decode has equal channels.
  const std::vector<uint8_t> grey = read_file_bytes(dir.file("grey.jpg"));
  EXPECT_EQ(imdecode(grey, cv::IMREAD_UNCHANGED).channels(), 1);
  std::vector<cv::Mat> ch;
  cv::split(read_image(dir.file("grey.jpg")), ch);
  EXPECT_EQ(max_diff(ch[0], ch[1]), 0.0);
  EXPECT_EQ(max_diff(ch[0], ch[2]), 0.0);
}

TEST(JpegDecode, CmykFilesFallBackToOpenCv) {
  const std::vector<uint8_t> cmyk = cmyk_jpeg(48, 40);
  const JpegHeader header = read_jpeg_header(cmyk.data(), cmyk.size(), "cmyk.jpg");
  EXPECT_FALSE(header.direct);
  EXPECT_EQ(header.size, cv::Size(48, 40));
  EXPECT_TRUE(decode_jpeg(cmyk.data(), cmyk.size(), "cmyk.jpg").empty());
  const cv::Mat ours = decode_image(cmyk.data(), cmyk.size(), "cmyk.jpg");
  const cv::Mat opencv = imdecode(cmyk);
  ASSERT_FALSE(opencv.empty());
  EXPECT_EQ(ours.type(), CV_8UC3);
  EXPECT_EQ(max_diff(ours, opencv), 0.0);
}

TEST(JpegDecode, ExifOrientationParsesBothByteOrders) {
  for (bool little : {true, false})
    for (int o : {1, 3, 6, 8}) {
      const std::vector<uint8_t> jpg = with_orientation(encode_jpeg(testing::gradient_image(16, 8)), o, little);
      // APP1 payload starts after FF D8 FF E1 len_hi len_lo.
      EXPECT_EQ(exif_orientation(jpg.data() + 6, jpg.size() - 6), o) << "little-endian " << little;
    }
  const uint8_t not_exif[] = {'J', 'F', 'I', 'F', 0, 0, 'I', 'I', 42, 0, 8, 0, 0, 0};
  EXPECT_EQ(exif_orientation(not_exif, sizeof not_exif), 1);
  const uint8_t truncated[] = {'E', 'x', 'i', 'f', 0, 0, 'I', 'I', 42, 0, 200, 0, 0, 0};
  EXPECT_EQ(exif_orientation(truncated, sizeof truncated), 1);
}

TEST(JpegDecode, RotatedPhotosKeepOpenCvsRotation) {
  const cv::Mat img = testing::gradient_image(40, 24);
  const std::vector<uint8_t> plain = encode_jpeg(img);
  // Orientation 6 (rotate 90 degrees clockwise to view): OpenCV turns 40x24 into 24x40.
  const std::vector<uint8_t> rotated = with_orientation(plain, 6, true);
  EXPECT_FALSE(read_jpeg_header(rotated.data(), rotated.size(), "r.jpg").direct);
  const cv::Mat ours = decode_image(rotated.data(), rotated.size(), "r.jpg");
  EXPECT_EQ(ours.size(), cv::Size(24, 40));
  EXPECT_EQ(max_diff(ours, imdecode(rotated)), 0.0);
  cv::Mat expected;
  cv::rotate(decode_image(plain.data(), plain.size(), "p.jpg"), expected, cv::ROTATE_90_CLOCKWISE);
  EXPECT_EQ(max_diff(ours, expected), 0.0);
  // Orientation 1 in EXIF: nothing to rotate, libjpeg decodes it directly.
  const std::vector<uint8_t> upright = with_orientation(plain, 1, false);
  EXPECT_TRUE(read_jpeg_header(upright.data(), upright.size(), "u.jpg").direct);
  EXPECT_EQ(max_diff(decode_image(upright.data(), upright.size(), "u.jpg"), imdecode(upright)), 0.0);
}

TEST(JpegDecode, CorruptDataIsAnErrorNamingTheImage) {
  std::vector<uint8_t> jpg = encode_jpeg(testing::gradient_image(64, 48));
  // Junk between the scan and the end marker ("extraneous bytes", common in scraped face sets):
  // every pixel has decoded, so the image is accepted, as OpenCV and PIL accept it.
  std::vector<uint8_t> extra = jpg;
  extra.insert(extra.end() - 2, 100, 0x55);
  EXPECT_EQ(max_diff(decode_image(extra.data(), extra.size(), "x.jpg"), imdecode(jpg)), 0.0);
  // An end-of-image marker in the middle of the scan: libjpeg only warns ("premature end") and
  // fills the rest with grey; for us that is a corrupt image.
  std::vector<uint8_t> early = jpg;
  const auto scan = std::search(jpg.begin(), jpg.end(), std::begin(testing::kJpegStartOfScan), std::end(testing::kJpegStartOfScan));
  early.insert(early.begin() + (scan - jpg.begin()) + (jpg.end() - scan) / 2, {0xFF, 0xD9});
  const std::string premature = error_of([&] { decode_image(early.data(), early.size(), "p.jpg"); });
  EXPECT_EQ(premature.rfind("RuntimeError: p.jpg: corrupt JPEG (", 0), 0u) << premature;
  EXPECT_FALSE(imdecode(early).empty()) << "cv::imdecode passes it off as a picture";
  // A frame header declaring zero height: a libjpeg error.
  std::vector<uint8_t> bad_header = jpg;
  for (size_t i = 2; i + 8 < bad_header.size(); ++i)
    if (bad_header[i] == 0xFF && bad_header[i + 1] == 0xC0) {  // SOF0: FF C0 len(2) precision height(2)
      bad_header[i + 5] = 0, bad_header[i + 6] = 0;
      break;
    }
  const std::string e = error_of([&] { decode_image(bad_header.data(), bad_header.size(), "h.jpg"); });
  EXPECT_EQ(e.rfind("RuntimeError: h.jpg: corrupt JPEG (", 0), 0u) << e;
  EXPECT_EQ(error_of([&] { read_jpeg_header(bad_header.data(), bad_header.size(), "h.jpg"); }), e);
}

TEST(JpegDecode, RegionAtReducedScaleMatchesTheSameBlockOfAFullScaledDecode) {
  const cv::Mat img = testing::gradient_image(200, 120, 3);
  const std::vector<uint8_t> jpg = encode_jpeg(img, {cv::IMWRITE_JPEG_QUALITY, 95});
  const std::vector<uint8_t> progressive = encode_jpeg(img, {cv::IMWRITE_JPEG_PROGRESSIVE, 1});
  for (int num : {8, 4, 3}) {
    // Progressive files take the same route (libjpeg buffers their coefficients first).
    const cv::Mat p_whole = decode_jpeg(progressive.data(), progressive.size(), "p.jpg", num);
    const JpegRegion p_part = decode_jpeg_region(progressive.data(), progressive.size(), "p.jpg", cv::Rect(50, 20, 100, 80), num);
    EXPECT_LE(max_diff(p_part.pixels, p_whole(cv::Rect(p_part.origin, p_part.pixels.size()))), 2.0) << num;

    const cv::Mat whole = decode_jpeg(jpg.data(), jpg.size(), "g.jpg", num);
    ASSERT_EQ(whole.size(), cv::Size((200 * num + 7) / 8, (120 * num + 7) / 8));
    const cv::Rect region(70, 33, 90, 61);
    const JpegRegion part = decode_jpeg_region(jpg.data(), jpg.size(), "g.jpg", region, num);
    EXPECT_EQ(part.scaled, whole.size());
    // The block is the region scaled, rounded outwards.
    EXPECT_EQ(part.origin, cv::Point(70 * num / 8, 33 * num / 8));
    EXPECT_EQ(part.pixels.cols, (160 * num + 7) / 8 - 70 * num / 8);
    EXPECT_EQ(part.pixels.rows, (94 * num + 7) / 8 - 33 * num / 8);
    // Skipped rows and cropped columns change only libjpeg's smoothing context at the block's
    // edges: the pixels agree with the whole decode to within a couple of grey levels.
    const cv::Mat same_block = whole(cv::Rect(part.origin, part.pixels.size()));
    EXPECT_LE(max_diff(part.pixels, same_block), 2.0) << num;
  }
  // A region reaching past the image is clipped to it.
  const JpegRegion edge = decode_jpeg_region(jpg.data(), jpg.size(), "g.jpg", cv::Rect(-10, 100, 50, 50), 8);
  EXPECT_EQ(edge.origin, cv::Point(0, 100));
  EXPECT_EQ(edge.pixels.size(), cv::Size(40, 20));
}

}  // namespace
}  // namespace facerep::data
