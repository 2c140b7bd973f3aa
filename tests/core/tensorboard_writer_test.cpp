#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <map>

#include "core/crc32c.h"
#include "core/error.h"
#include "core/metrics.h"
#include "core/tensorboard_writer.h"
#include "test_support.h"

namespace facerep::core {
namespace {

// An independent reader for what the writer produces: TFRecord framing with CRC checks, then
// the few protobuf fields of Event/Summary/Value.
struct DecodedEvent {
  double wall_time = 0;
  int64_t step = 0;
  std::string file_version;
  std::vector<std::pair<std::string, float>> values;
};

class Reader {
 public:
  explicit Reader(const std::string& s) : s_(s) {}
  bool done() const { return pos_ >= s_.size(); }
  uint64_t varint() {
    uint64_t v = 0;
    for (int shift = 0;; shift += 7) {
      const auto b = static_cast<unsigned char>(s_.at(pos_++));
      v |= static_cast<uint64_t>(b & 0x7F) << shift;
      if (!(b & 0x80)) return v;
    }
  }
  template <class T>
  T fixed() {
    T v;
    std::memcpy(&v, s_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return v;
  }
  std::string bytes() {
    const uint64_t n = varint();
    std::string out = s_.substr(pos_, n);
    pos_ += n;
    return out;
  }

 private:
  const std::string& s_;
  size_t pos_ = 0;
};

std::vector<std::pair<std::string, float>> decode_summary(const std::string& summary) {
  std::vector<std::pair<std::string, float>> out;
  Reader r(summary);
  while (!r.done()) {
    EXPECT_EQ(r.varint(), (1u << 3) | 2u);  // Summary.value
    const std::string value = r.bytes();
    Reader v(value);
    std::pair<std::string, float> tv;
    while (!v.done()) {
      const uint64_t key = v.varint();
      if (key == ((1u << 3) | 2u)) tv.first = v.bytes();
      else if (key == ((2u << 3) | 5u)) tv.second = v.fixed<float>();
      else ADD_FAILURE() << "unexpected Value field key " << key;
    }
    out.push_back(tv);
  }
  return out;
}

DecodedEvent decode_event(const std::string& payload) {
  DecodedEvent e;
  Reader r(payload);
  while (!r.done()) {
    const uint64_t key = r.varint();
    switch (key) {
      case (1u << 3) | 1u: e.wall_time = r.fixed<double>(); break;
      case (2u << 3) | 0u: e.step = static_cast<int64_t>(r.varint()); break;
      case (3u << 3) | 2u: e.file_version = r.bytes(); break;
      case (5u << 3) | 2u: e.values = decode_summary(r.bytes()); break;
      default: ADD_FAILURE() << "unexpected Event field key " << key; return e;
    }
  }
  return e;
}

std::vector<DecodedEvent> read_event_file(const std::string& path) {
  const std::string data = testing::read_file(path);
  std::vector<DecodedEvent> events;
  size_t pos = 0;
  while (pos < data.size()) {
    EXPECT_GE(data.size() - pos, 12u) << "truncated record header";
    uint64_t length;
    uint32_t length_crc, data_crc;
    std::memcpy(&length, data.data() + pos, 8);
    std::memcpy(&length_crc, data.data() + pos + 8, 4);
    EXPECT_EQ(length_crc, mask_crc32c(crc32c(data.data() + pos, 8))) << "length crc";
    const std::string payload = data.substr(pos + 12, length);
    std::memcpy(&data_crc, data.data() + pos + 12 + length, 4);
    EXPECT_EQ(data_crc, mask_crc32c(crc32c(payload))) << "payload crc";
    events.push_back(decode_event(payload));
    pos += 12 + length + 4;
  }
  return events;
}

TEST(TensorBoardWriter, HandEncodedScalarEventBytes) {
  // Event{wall_time=1.0, step=3, summary{value{tag="a", simple_value=0.5}}}, byte by byte.
  const std::string got = encode_scalars_event(1.0, 3, {{"a", 0.5f}});
  const std::string expected(
      "\x09\x00\x00\x00\x00\x00\x00\xf0\x3f"  // field 1 fixed64: 1.0
      "\x10\x03"                              // field 2 varint: 3
      "\x2a\x0a"                              // field 5, 10 bytes
      "\x0a\x08"                              //   Summary.value, 8 bytes
      "\x0a\x01" "a"                          //     tag "a"
      "\x15\x00\x00\x00\x3f",                 //     simple_value 0.5f
      23);
  EXPECT_EQ(got, expected);
}

TEST(TensorBoardWriter, RecordFramingLengthsAndCrcs) {
  const std::string record = encode_record("abc");
  ASSERT_EQ(record.size(), 8u + 4u + 3u + 4u);
  EXPECT_EQ(record.substr(0, 8), std::string("\x03\0\0\0\0\0\0\0", 8));
  uint32_t crc;
  std::memcpy(&crc, record.data() + 15, 4);
  EXPECT_EQ(crc, mask_crc32c(crc32c("abc")));
}

TEST(TensorBoardWriter, LargeStepsAndManyValuesRoundTrip) {
  testing::TempDir dir;
  std::string path;
  {
    TensorBoardWriter w(dir.str());
    path = w.path();
    w.write_scalars(300000000000LL, {{"train/loss", 2.5f}, {"train/lr", 1e-4f}}, 1700000000.25);
  }
  const auto events = read_event_file(path);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].file_version, "brain.Event:2");
  EXPECT_EQ(events[1].step, 300000000000LL);
  EXPECT_DOUBLE_EQ(events[1].wall_time, 1700000000.25);
  ASSERT_EQ(events[1].values.size(), 2u);
  EXPECT_EQ(events[1].values[1].first, "train/lr");
  EXPECT_FLOAT_EQ(events[1].values[1].second, 1e-4f);
}

TEST(MetricsWriter, WritesJsonlAndTensorBoardInRunDir) {
  testing::TempDir dir;
  std::string events_path;
  {
    MetricsWriter m(dir.str());
    events_path = m.events_path();
    m.write(10, "train", {{"loss", 1.5}, {"lr", 0.01}});
    m.write(20, "eval", {{"lfw_acc", 0.875}});
  }
  const std::string name = std::filesystem::path(events_path).filename().string();
  EXPECT_EQ(name.rfind("events.out.tfevents.", 0), 0u) << name;
  EXPECT_EQ(std::filesystem::path(events_path).parent_path(), dir.path());

  const std::string jsonl = testing::read_file(dir.file("metrics.jsonl"));
  const auto nl = jsonl.find('\n');
  ASSERT_NE(nl, std::string::npos);
  const std::string first = jsonl.substr(0, nl);
  EXPECT_EQ(first.rfind("{\"step\": 10, \"phase\": \"train\", \"time\": ", 0), 0u) << first;
  EXPECT_NE(first.find("\"loss\": 1.5, \"lr\": 0.01}"), std::string::npos) << first;
  EXPECT_NE(jsonl.find("{\"step\": 20, \"phase\": \"eval\""), std::string::npos);
  EXPECT_NE(jsonl.find("\"lfw_acc\": 0.875}"), std::string::npos);

  const auto events = read_event_file(events_path);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[1].step, 10);
  ASSERT_EQ(events[1].values.size(), 2u);
  EXPECT_EQ(events[1].values[0].first, "train/loss");
  EXPECT_FLOAT_EQ(events[1].values[0].second, 1.5f);
  EXPECT_EQ(events[1].values[1].first, "train/lr");
  EXPECT_EQ(events[2].values[0].first, "eval/lfw_acc");
  EXPECT_GT(events[2].wall_time, 1.6e9);  // a real Unix time, not a steady-clock count
}

TEST(TensorBoardWriter, TwoWritersInOneFolderUseTwoFiles) {
  testing::TempDir dir;
  TensorBoardWriter a(dir.str());
  TensorBoardWriter b(dir.str());
  EXPECT_NE(a.path(), b.path());
  a.flush();
  b.flush();
  EXPECT_EQ(read_event_file(a.path()).size(), 1u);
  EXPECT_EQ(read_event_file(b.path()).size(), 1u);
}

TEST(MetricsWriter, JsonLineEscapesAndNullsNonFinite) {
  const std::string line = metrics_json_line(
      1, "tr\"ain", 2.0, {{"nan", std::nan("")}, {"inf", 1.0 / 0.0}, {"x", 0.1}});
  EXPECT_EQ(line,
            "{\"step\": 1, \"phase\": \"tr\\\"ain\", \"time\": 2, \"inf\": null, \"nan\": null, "
            "\"x\": 0.1}");
}

TEST(MetricsWriter, UnwritableRunDirThrowsRuntimeError) {
  try {
    MetricsWriter m("/nonexistent/facerep/run");
    FAIL() << "expected RuntimeError";
  } catch (const RuntimeError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/facerep/run/metrics.jsonl"), std::string::npos);
  }
}

TEST(TensorBoardWriter, PythonTensorBoardReadsTheFile) {
  testing::TempDir dir;
  std::string path;
  {
    MetricsWriter m(dir.str());
    path = m.events_path();
    m.write(7, "train", {{"loss", 0.25}});
  }
  std::string out;
  if (testing::run_command("python3 -c 'import tensorboard' 2>/dev/null", &out) != 0)
    GTEST_SKIP() << "python3 has no tensorboard package";
  const std::string script =
      "from tensorboard.backend.event_processing.event_accumulator import EventAccumulator as A\n"
      "a = A('" + dir.str() + "'); a.Reload()\n"
      "e = a.Scalars('train/loss')[0]; print(e.step, e.value)\n";
  testing::write_file(dir.file("read.py"), script);
  ASSERT_EQ(testing::run_command("python3 " + dir.file("read.py"), &out), 0) << out;
  EXPECT_NE(out.find("7 0.25"), std::string::npos) << out;
}

}  // namespace
}  // namespace facerep::core
