// RecordIO reader: the input is the .rec file, optionally followed by "IDX:" and the .idx text
// (without it the reader scans the .rec). Images are read out encoded, not decoded: the target is
// the container, not the image codecs.
#include <cstring>
#include <filesystem>

#include "data/sources/recordio.h"
#include "fuzz/fuzz_support.h"
#include "fuzz/fuzz_targets.h"

namespace facerep::fuzz {

namespace {
constexpr char kIdxMarker[] = "IDX:";

void recordio_body(const std::vector<std::string>& parts) {
  const std::string& input = parts[0];
  const size_t marker = input.rfind(kIdxMarker);
  data::RecordIOOptions options;
  options.path = write_scratch("input.rec", input.substr(0, marker));
  const std::string idx = scratch_path("input.idx");
  std::error_code ec;
  std::filesystem::remove(idx, ec);
  if (marker != std::string::npos) write_scratch("input.idx", input.substr(marker + 4));
  const data::RecordIOSource source(options, data::SourceContext{});
  source.describe();
  for (int64_t i = 0; i < source.size() && i < 8; ++i) {
    source.identity_of(i);
    source.get_encoded(i);
  }
}

void put_u32(std::string& out, uint32_t v) { out.append(reinterpret_cast<const char*>(&v), 4); }

// One record: IRHeader {flag, label, id, id2}, the labels when flag > 0, then `image`.
std::string record_payload(const std::vector<float>& labels, const std::string& image) {
  std::string p;
  put_u32(p, labels.size() > 1 ? static_cast<uint32_t>(labels.size()) : 0);
  float first = labels.empty() ? 0.0f : labels[0];
  p.append(reinterpret_cast<const char*>(&first), 4);
  p.append(16, '\0');
  if (labels.size() > 1) p.append(reinterpret_cast<const char*>(labels.data()), 4 * labels.size());
  return p + image;
}

// Appends `payload` as parts with the given continuation flags (split evenly), padded to 4 bytes.
void append_record(std::string& rec, const std::string& payload, const std::vector<uint32_t>& cflags) {
  const size_t piece = payload.size() / cflags.size();
  for (size_t k = 0; k < cflags.size(); ++k) {
    const std::string part = payload.substr(k * piece, k + 1 == cflags.size() ? std::string::npos : piece);
    put_u32(rec, 0xced7230a);
    put_u32(rec, cflags[k] << 29 | static_cast<uint32_t>(part.size()));
    rec += part;
    rec.append((4 - part.size() % 4) % 4, '\0');
  }
}
}  // namespace

int fuzz_recordio(const uint8_t* data, size_t size) {
  return expect_clean_errors(recordio_body, {std::string(reinterpret_cast<const char*>(data), size)});
}

std::vector<std::string> seeds_recordio() {
  // insightface layout: header record (images are keys 1..2), two images, an identity range record.
  std::string rec, idx;
  const std::vector<std::vector<float>> labels{{3, 5}, {0}, {1}, {0, 2}};
  for (size_t key = 0; key < labels.size(); ++key) {
    idx += std::to_string(key) + "\t" + std::to_string(rec.size()) + "\n";
    append_record(rec, record_payload(labels[key], key == 0 || key == 3 ? "" : "\xff\xd8img" + std::to_string(key)), {0});
  }
  // No header record, one image split in three parts.
  std::string split;
  append_record(split, record_payload({7}, "\xff\xd8split-image-bytes"), {1, 2, 3});
  append_record(split, record_payload({2}, "\xff\xd8second"), {0});
  return {rec + kIdxMarker + idx, rec, split};
}

}  // namespace facerep::fuzz
