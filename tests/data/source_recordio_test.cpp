#include <gtest/gtest.h>

#include <cstring>

#include <opencv2/core.hpp>

#include "data/sources/recordio.h"
#include "source_test_util.h"
#include "test_support.h"

namespace facerep::data {
namespace {
using testing::error_of;
constexpr uint32_t kMagic = 0xced7230a;

// Builds MXNet RecordIO files the way im2rec/insightface write them.
struct RecBuilder {
  std::vector<uint8_t> rec;
  std::string idx;

  template <class T> static void put(std::vector<uint8_t>& out, T v) {
    const auto* p = reinterpret_cast<const uint8_t*>(&v);
    out.insert(out.end(), p, p + sizeof(T));
  }
  static std::vector<uint8_t> payload(uint32_t flag, const std::vector<float>& labels, uint64_t id,
                                      const std::vector<uint8_t>& image) {
    std::vector<uint8_t> p;
    put<uint32_t>(p, flag);
    put<float>(p, flag == 0 ? labels.at(0) : 0.f);
    put<uint64_t>(p, id);
    put<uint64_t>(p, 0);
    if (flag > 0)
      for (float l : labels) put<float>(p, l);
    p.insert(p.end(), image.begin(), image.end());
    return p;
  }
  void part(const uint8_t* data, size_t n, uint32_t cflag) {
    put<uint32_t>(rec, kMagic);
    put<uint32_t>(rec, (cflag << 29) | static_cast<uint32_t>(n));
    rec.insert(rec.end(), data, data + n);
    while (rec.size() % 4) rec.push_back(0);
  }
  // `split_at`: byte offset of a magic word inside the payload, written as two parts without it.
  void add(int64_t key, const std::vector<uint8_t>& p, size_t split_at = 0) {
    idx += std::to_string(key) + "\t" + std::to_string(rec.size()) + "\n";
    if (split_at == 0) {
      part(p.data(), p.size(), 0);
    } else {
      part(p.data(), split_at, 1);
      part(p.data() + split_at + 4, p.size() - split_at - 4, 3);
    }
  }
  void save(const testing::TempDir& dir, bool with_idx = true) const {
    testing::write_bytes(dir.file("train.rec"), rec);
    if (with_idx) testing::write_file(dir.file("train.idx"), idx);
  }
};

std::vector<uint8_t> jpeg(int seed) { return testing::encode(testing::gradient_image(24, 24, seed), ".jpg"); }

TEST(RecordIOSource, InsightfaceLayoutWithHeaderRecord) {
  RecBuilder b;
  const std::vector<int> ids = {0, 0, 1, 2, 2};
  // Header record: label = (first key after the images, end of identity records).
  b.add(0, RecBuilder::payload(2, {6.f, 9.f}, 0, {}));
  for (int k = 1; k <= 5; ++k) b.add(k, RecBuilder::payload(0, {static_cast<float>(ids[k - 1])}, k, jpeg(k)));
  // Identity-range records (not samples).
  b.add(6, RecBuilder::payload(2, {1.f, 3.f}, 6, {}));
  b.add(7, RecBuilder::payload(2, {3.f, 4.f}, 7, {}));
  b.add(8, RecBuilder::payload(2, {4.f, 6.f}, 8, {}));
  testing::TempDir dir;
  b.save(dir);
  RecordIOOptions o;
  o.path = "train.rec";
  SourceContext ctx;
  ctx.base_dir = dir.str();
  RecordIOSource src(o, ctx);
  EXPECT_EQ(src.size(), 5);
  EXPECT_EQ(src.num_identities(), 3);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(src.identity_of(i), ids[i]);
  const Sample s = src.get(2);
  EXPECT_EQ(s.identity, 1);
  EXPECT_EQ(s.image.size(), cv::Size(24, 24));
  EXPECT_LT(cv::norm(s.image, testing::gradient_image(24, 24, 3), cv::NORM_L1) / s.image.total() / 3, 4.0);
  EXPECT_NE(s.path.find("train.rec@offset "), std::string::npos);
}

TEST(RecordIOSource, PlainRecordsArrayLabelsSplitRecordsAndNoIdx) {
  RecBuilder b;
  float magic_as_float;
  std::memcpy(&magic_as_float, &kMagic, 4);
  b.add(0, RecBuilder::payload(0, {1.f}, 0, jpeg(1)));
  // Label array {identity, <bytes equal to the magic>}: the writer splits the record there.
  b.add(1, RecBuilder::payload(2, {0.f, magic_as_float}, 1, jpeg(2)), 24 + 4);
  b.add(2, RecBuilder::payload(0, {2.f}, 2, jpeg(3)));
  testing::TempDir dir;
  for (bool with_idx : {true, false}) {
    b.save(dir, with_idx);
    if (!with_idx) std::filesystem::remove(dir.file("train.idx"));
    RecordIOOptions o;
    o.path = dir.file("train.rec");
    RecordIOSource src(o, {});
    ASSERT_EQ(src.size(), 3) << with_idx;
    EXPECT_EQ(src.identity_of(0), 1);
    EXPECT_EQ(src.identity_of(1), 0);
    EXPECT_EQ(src.num_identities(), 3);
    const Sample s = src.get(1);
    EXPECT_LT(cv::norm(s.image, testing::gradient_image(24, 24, 2), cv::NORM_L1) / s.image.total() / 3, 4.0);
  }
}

TEST(RecordIOSource, BadRecordsNameFileAndOffset) {
  RecBuilder b;
  b.add(0, RecBuilder::payload(0, {0.f}, 0, jpeg(1)));
  b.add(1, RecBuilder::payload(0, {0.f}, 1, jpeg(2)));
  testing::TempDir dir;
  b.save(dir);
  // An idx offset that does not point at a record.
  testing::write_file(dir.file("bad.idx"), "0\t0\n1\t12\n");
  RecordIOOptions o;
  o.path = dir.file("train.rec");
  o.idx = dir.file("bad.idx");
  EXPECT_NE(error_of([&] { RecordIOSource(o, {}); }).find(dir.file("train.rec") + "@offset 12: bad record magic"),
            std::string::npos);
  // A truncated .rec: the second record runs past the end.
  std::vector<uint8_t> cut(b.rec.begin(), b.rec.end() - 50);
  testing::write_bytes(dir.file("cut.rec"), cut);
  testing::write_file(dir.file("cut.idx"), b.idx);
  o.path = dir.file("cut.rec");
  o.idx = "";
  EXPECT_NE(error_of([&] { RecordIOSource(o, {}); }).find("runs past the end of the file (truncated?)"),
            std::string::npos);
  // A record whose image bytes are damaged: fails at get() naming the offset.
  std::vector<uint8_t> damaged = b.rec;
  const size_t second = std::stoul(b.idx.substr(b.idx.find("1\t") + 2));
  const uint32_t len = *reinterpret_cast<const uint32_t*>(&damaged[second + 4]) & ((1u << 29) - 1);
  for (size_t i = second + 8 + len - 30; i < second + 8 + len; ++i) damaged[i] = 0;  // wipe the JPEG's end
  testing::write_bytes(dir.file("dmg.rec"), damaged);
  testing::write_file(dir.file("dmg.idx"), b.idx);
  o.path = dir.file("dmg.rec");
  RecordIOSource src(o, {});
  EXPECT_EQ(error_of([&] { src.get(1); }),
            "RuntimeError: " + dir.file("dmg.rec") + "@offset " + std::to_string(second) +
                ": truncated or corrupt JPEG (no end-of-image marker after the scan)");
  testing::write_file(dir.file("dmg.idx"), "0\tabc\n");
  EXPECT_NE(error_of([&] { RecordIOSource(o, {}); }).find("dmg.idx:1: expected 'key<TAB>offset'"), std::string::npos);
}

}  // namespace
}  // namespace facerep::data
