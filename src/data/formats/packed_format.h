#pragma once
// facerep's packed dataset file: pre-aligned uint8 crops with all their labels, read through a
// memory map so a loader thread only copies bytes (no decoding).
//
// Layout (little-endian):
//   header, 128 bytes: magic "FRPACK\r\n", version, header size, sample count, H, W, C, number of
//     attributes / AUs / landmark values, region-map flag, record size, number of identities,
//     index offset, data offset, file size, CRC-32 of the index, CRC-32 of header bytes 0..123.
//   records from data_offset, each record_size bytes (64-byte aligned): image H*W*C (BGR),
//     region map H*W (when present), attributes, AUs, landmarks (float32 each).
//   index at index_offset: per sample {int64 identity; uint32 label flags; uint32 reserved}.
// Opening verifies magic, version, sizes and both CRCs, so a truncated or damaged file fails with a
// clear message at open rather than as garbage samples later.
#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include "data/formats/mapped_file.h"
#include "data/sample.h"

namespace facerep::data {

struct PackedLayout {
  int height = 112, width = 112, channels = 3;
  int num_attributes = 0, num_aus = 0, num_landmarks = 0;  // landmarks: values (2 per point)
  bool region_map = false;

  size_t record_size() const;
  bool operator==(const PackedLayout& o) const;
  std::string str() const;  // "112x112x3, 5 attributes, 5 AUs, 10 landmark values, region map"
};

inline constexpr uint32_t kPackedVersion = 1;

class PackedWriter {
 public:
  // Creates `path` (written to path.tmp and renamed by finish(), so a crash leaves no half file).
  PackedWriter(const std::string& path, const PackedLayout& layout);
  ~PackedWriter();
  // Appends a sample. Its image must be H x W with C channels; each label vector must have the
  // layout's length or be empty (absent for this sample). Throws core::RuntimeError naming sample.path.
  void add(const Sample& sample);
  // Writes the index and header and renames the file into place.
  void finish();
  int64_t count() const { return static_cast<int64_t>(index_.size() / 16); }  // 16-byte index entries

 private:
  std::string path_, tmp_path_;
  PackedLayout layout_;
  std::ofstream out_;
  std::vector<uint8_t> index_;
  std::vector<uint8_t> record_;
  int64_t max_identity_ = -1;
  bool finished_ = false;
};

class PackedReader {
 public:
  // Maps and verifies `path`; throws core::RuntimeError "<path>: reason".
  explicit PackedReader(const std::string& path);
  int64_t size() const { return count_; }
  int64_t num_identities() const { return num_identities_; }
  int64_t identity_of(int64_t index) const;
  const PackedLayout& layout() const { return layout_; }
  const std::string& path() const { return file_.path(); }
  // Copies sample `index` out of the mapping (thread-safe).
  Sample get(int64_t index) const;

 private:
  MappedFile file_;
  PackedLayout layout_;
  int64_t count_ = 0, num_identities_ = 0;
  uint64_t index_offset_ = 0, data_offset_ = 0;
  size_t record_size_ = 0;
};

}  // namespace facerep::data
