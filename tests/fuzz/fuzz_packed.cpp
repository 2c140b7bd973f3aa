// Packed reader: the input's first byte is a flag, the rest the .frp file. Both CRCs guard the
// header and the index, so random bytes would only ever test the CRC check: when the flag's
// lowest bit is set the harness recomputes both CRCs after mutation, letting the fuzzer reach
// the header's sizes, offsets and layout as a deliberately crafted file would.
#include <cstring>

#include <opencv2/core.hpp>
#include <zlib.h>

#include "data/formats/packed_format.h"
#include "data/sources/packed.h"
#include "fuzz/fuzz_support.h"
#include "fuzz/fuzz_targets.h"

namespace facerep::fuzz {

namespace {
// Offsets of packed_format.h's header fields that the fix-up reads and writes.
constexpr size_t kPackedHeader = 128, kPackedCount = 16, kPackedIndex = 64, kPackedIndexCrc = 88, kPackedHeaderCrc = 124;

uint32_t packed_crc(const uint8_t* p, size_t n) {
  return static_cast<uint32_t>(crc32(crc32(0L, Z_NULL, 0), p, static_cast<uInt>(n)));
}

void fix_packed_crcs(std::string& file) {
  if (file.size() < kPackedHeader) return;
  auto* p = reinterpret_cast<uint8_t*>(file.data());
  uint64_t count = 0, index = 0;
  std::memcpy(&count, p + kPackedCount, 8);
  std::memcpy(&index, p + kPackedIndex, 8);
  if (index <= file.size() && count <= (file.size() - index) / 16) {
    const uint32_t c = packed_crc(p + index, static_cast<size_t>(count) * 16);
    std::memcpy(p + kPackedIndexCrc, &c, 4);
  }
  const uint32_t h = packed_crc(p, kPackedHeaderCrc);
  std::memcpy(p + kPackedHeaderCrc, &h, 4);
}

void packed_body(const std::vector<std::string>& parts) {
  if (parts[0].empty()) return;
  std::string file = parts[0].substr(1);
  if (parts[0][0] & 1) fix_packed_crcs(file);
  data::PackedSourceOptions options;
  options.path = {write_scratch("input.frp", file)};
  const data::PackedSource source(options, data::SourceContext{});
  source.describe();
  for (int64_t i = 0; i < source.size() && i < 8; ++i) {
    source.identity_of(i);
    source.get(i);
  }
}

std::string packed_file(const data::PackedLayout& layout, int samples) {
  const std::string path = scratch_path("seed.frp");
  data::PackedWriter writer(path, layout);
  for (int i = 0; i < samples; ++i) {
    data::Sample s;
    s.image = cv::Mat(layout.height, layout.width, CV_8UC(layout.channels), cv::Scalar::all(40 * i));
    s.identity = i % 2;
    if (i % 2 == 0) s.attributes.assign(static_cast<size_t>(layout.num_attributes), 1.0f);
    s.aus.assign(static_cast<size_t>(layout.num_aus), 0.5f);
    s.landmarks.assign(static_cast<size_t>(layout.num_landmarks), 2.0f);
    if (layout.region_map) s.region_map = cv::Mat(layout.height, layout.width, CV_8U, cv::Scalar(1));
    s.path = "seed" + std::to_string(i);
    writer.add(s);
  }
  writer.finish();
  return read_bytes(path);
}
}  // namespace

int fuzz_packed(const uint8_t* data, size_t size) {
  return expect_clean_errors(packed_body, {std::string(reinterpret_cast<const char*>(data), size)});
}

std::vector<std::string> seeds_packed() {
  data::PackedLayout plain;
  plain.height = plain.width = 4;
  data::PackedLayout labelled = plain;
  labelled.channels = 1;
  labelled.num_attributes = 2;
  labelled.num_aus = 1;
  labelled.num_landmarks = 4;
  labelled.region_map = true;
  return {"\x01" + packed_file(plain, 3), "\x01" + packed_file(labelled, 2), std::string(1, '\0') + packed_file(plain, 1)};
}

}  // namespace facerep::fuzz
