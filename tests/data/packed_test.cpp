#include <gtest/gtest.h>

#include <cstring>

#include <opencv2/core.hpp>

#include "data/formats/packed_format.h"
#include "data/sources/packed.h"
#include "data/synthetic/face.h"
#include "source_test_util.h"
#include "test_support.h"

namespace facerep::data {
namespace {
using testing::error_of;

Sample synthetic_sample(int id, int i) {
  SyntheticFaceOptions o;
  o.size = 32;
  const SyntheticFace f = render_synthetic_face(11, id, i, o);
  Sample s;
  s.image = f.image;
  s.region_map = f.region_map;
  s.identity = id;
  s.attributes = f.attributes;
  s.aus = f.aus;
  s.landmarks = f.landmarks5;
  s.path = "synthetic:" + std::to_string(id) + "/" + std::to_string(i);
  return s;
}

PackedLayout layout32() {
  PackedLayout l;
  l.height = l.width = 32;
  l.num_attributes = 5;
  l.num_aus = 5;
  l.num_landmarks = 10;
  l.region_map = true;
  return l;
}

// Writes 6 samples; sample 4 has no labels but its identity, sample 5 an unknown identity.
std::vector<Sample> write_packed(const std::string& path) {
  std::vector<Sample> samples;
  for (int i = 0; i < 6; ++i) samples.push_back(synthetic_sample(i / 2, i));
  samples[4].attributes.clear();
  samples[4].aus.clear();
  samples[4].landmarks.clear();
  samples[4].region_map = cv::Mat();
  samples[5].identity = -1;
  PackedWriter w(path, layout32());
  for (const auto& s : samples) w.add(s);
  w.finish();
  return samples;
}

TEST(Packed, RoundTripKeepsEveryByteAndLabel) {
  testing::TempDir dir;
  const auto samples = write_packed(dir.file("a.frp"));
  PackedSourceOptions o;
  o.path = {"a.frp"};
  SourceContext ctx;
  ctx.base_dir = dir.str();
  PackedSource src(o, ctx);
  ASSERT_EQ(src.size(), 6);
  EXPECT_EQ(src.num_identities(), 3);
  EXPECT_EQ(src.layout(), layout32());
  for (int i = 0; i < 6; ++i) {
    const Sample s = src.get(i);
    EXPECT_EQ(s.identity, samples[i].identity);
    EXPECT_EQ(src.identity_of(i), samples[i].identity);
    EXPECT_EQ(cv::norm(s.image, samples[i].image, cv::NORM_INF), 0.0);
    EXPECT_EQ(s.attributes, samples[i].attributes);
    EXPECT_EQ(s.aus, samples[i].aus);
    EXPECT_EQ(s.landmarks, samples[i].landmarks);
    EXPECT_EQ(s.region_map.empty(), samples[i].region_map.empty());
    if (!s.region_map.empty()) EXPECT_EQ(cv::norm(s.region_map, samples[i].region_map, cv::NORM_INF), 0.0);
  }
  EXPECT_TRUE(src.get(4).landmarks.empty());
  EXPECT_NE(error_of([&] { src.get(6); }).find("out of range"), std::string::npos);
}

TEST(Packed, ShardsConcatenateAndMustShareALayout) {
  testing::TempDir dir;
  write_packed(dir.file("a.frp"));
  write_packed(dir.file("b.frp"));
  PackedSourceOptions o;
  o.path = {dir.file("a.frp"), dir.file("b.frp")};
  PackedSource src(o, {});
  EXPECT_EQ(src.size(), 12);
  EXPECT_EQ(src.identity_of(7), 0);
  EXPECT_EQ(src.get(9).index, 9);
  PackedLayout other = layout32();
  other.num_aus = 0;
  PackedWriter w(dir.file("c.frp"), other);
  Sample s = synthetic_sample(0, 0);
  s.aus.clear();
  w.add(s);
  w.finish();
  o.path = {dir.file("a.frp"), dir.file("c.frp")};
  EXPECT_NE(error_of([&] { PackedSource(o, {}); }).find("differs from the first shard"), std::string::npos);
}

TEST(Packed, WriterRejectsSamplesThatDoNotFitTheLayout) {
  testing::TempDir dir;
  PackedWriter w(dir.file("a.frp"), layout32());
  Sample s = synthetic_sample(0, 0);
  s.landmarks.push_back(1.f);
  EXPECT_EQ(error_of([&] { w.add(s); }),
            "RuntimeError: synthetic:0/0: landmarks has 11 values, the packed layout has 10");
  s = synthetic_sample(0, 0);
  s.image = cv::Mat(16, 16, CV_8UC3);
  EXPECT_NE(error_of([&] { w.add(s); }).find("expects 32x32 images"), std::string::npos);
}

TEST(Packed, DamagedFilesFailAtOpenWithTheReason) {
  testing::TempDir dir;
  write_packed(dir.file("a.frp"));
  const std::string bytes = testing::read_file(dir.file("a.frp"));
  auto variant = [&](const std::string& name, std::string content) {
    testing::write_file(dir.file(name), content);
    return error_of([&] { PackedReader r(dir.file(name)); });
  };
  EXPECT_NE(variant("cut.frp", bytes.substr(0, bytes.size() - 100)).find("truncated: the header says"), std::string::npos);
  EXPECT_NE(variant("tiny.frp", bytes.substr(0, 50)).find("smaller than the 128-byte header"), std::string::npos);
  std::string bad_magic = bytes;
  bad_magic[0] = 'X';
  EXPECT_NE(variant("magic.frp", bad_magic).find("not a facerep packed file (bad magic)"), std::string::npos);
  std::string bad_header = bytes;
  bad_header[16] ^= 1;  // the sample count
  EXPECT_NE(variant("header.frp", bad_header).find("corrupt header (CRC mismatch)"), std::string::npos);
  std::string bad_index = bytes;
  bad_index[bad_index.size() - 5] ^= 0x40;
  EXPECT_NE(variant("index.frp", bad_index).find("corrupt index (CRC mismatch)"), std::string::npos);
  std::string bad_version = bytes;
  bad_version[8] = 9;
  EXPECT_NE(variant("version.frp", bad_version).find("version 9 is not supported"), std::string::npos);
}

TEST(Packed, AbandonedWriterLeavesNoFile) {
  testing::TempDir dir;
  {
    PackedWriter w(dir.file("a.frp"), layout32());
    w.add(synthetic_sample(0, 0));
  }
  EXPECT_FALSE(std::filesystem::exists(dir.file("a.frp")));
  EXPECT_FALSE(std::filesystem::exists(dir.file("a.frp.tmp")));
}

}  // namespace
}  // namespace facerep::data
