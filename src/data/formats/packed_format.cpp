#include "data/formats/packed_format.h"

#include <cstdio>
#include <cstring>
#include <filesystem>

#include <zlib.h>

#include "core/error.h"

namespace facerep::data {
namespace {

constexpr char kMagic[8] = {'F', 'R', 'P', 'A', 'C', 'K', '\r', '\n'};
constexpr size_t kHeaderSize = 128;
constexpr size_t kIndexEntry = 16;
constexpr size_t kAlign = 64;
// Reader limits on header fields, far beyond any face crop or label set.
constexpr int kMaxSide = 1 << 15, kMaxLabels = 1 << 20;
enum LabelFlag : uint32_t { kHasAttributes = 1, kHasAus = 2, kHasLandmarks = 4, kHasRegion = 8 };

// Field offsets in the header.
enum : size_t {
  kOffVersion = 8, kOffHeaderSize = 12, kOffCount = 16, kOffHeight = 24, kOffWidth = 28,
  kOffChannels = 32, kOffAttrs = 36, kOffAus = 40, kOffLandmarks = 44, kOffRegion = 48,
  kOffRecordSize = 52, kOffIdentities = 56, kOffIndex = 64, kOffData = 72, kOffFileSize = 80,
  kOffIndexCrc = 88, kOffHeaderCrc = 124,
};

template <class T> void put(uint8_t* base, size_t off, T v) { std::memcpy(base + off, &v, sizeof(T)); }
template <class T> T get_field(const uint8_t* base, size_t off) {
  T v;
  std::memcpy(&v, base + off, sizeof(T));
  return v;
}

uint32_t crc(const uint8_t* p, size_t n) {
  uLong c = crc32(0L, Z_NULL, 0);
  // zlib takes uInt lengths: feed large buffers in pieces.
  while (n > 0) {
    const uInt chunk = static_cast<uInt>(std::min<size_t>(n, 1u << 30));
    c = crc32(c, p, chunk);
    p += chunk;
    n -= chunk;
  }
  return static_cast<uint32_t>(c);
}

}  // namespace

size_t PackedLayout::record_size() const {
  const size_t pixels = static_cast<size_t>(height) * width;
  const size_t raw = pixels * channels + (region_map ? pixels : 0) +
                     4 * static_cast<size_t>(num_attributes + num_aus + num_landmarks);
  return (raw + kAlign - 1) / kAlign * kAlign;
}

bool PackedLayout::operator==(const PackedLayout& o) const {
  return height == o.height && width == o.width && channels == o.channels &&
         num_attributes == o.num_attributes && num_aus == o.num_aus &&
         num_landmarks == o.num_landmarks && region_map == o.region_map;
}

std::string PackedLayout::str() const {
  return std::to_string(width) + "x" + std::to_string(height) + "x" + std::to_string(channels) + ", " +
         std::to_string(num_attributes) + " attributes, " + std::to_string(num_aus) + " AUs, " +
         std::to_string(num_landmarks) + " landmark values" + (region_map ? ", region map" : "");
}

// ---- writer ----

PackedWriter::PackedWriter(const std::string& path, const PackedLayout& layout)
    : path_(path), tmp_path_(path + ".tmp"), layout_(layout) {
  if (layout.height <= 0 || layout.width <= 0 || (layout.channels != 1 && layout.channels != 3))
    throw core::RuntimeError(path + ": bad packed layout " + layout.str());
  const auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent);
  out_.open(tmp_path_, std::ios::binary | std::ios::trunc);
  if (!out_) throw core::RuntimeError(tmp_path_ + ": cannot create");
  const std::vector<char> zeros(kHeaderSize, 0);
  out_.write(zeros.data(), kHeaderSize);  // the real header is written by finish()
  record_.resize(layout.record_size());
}

PackedWriter::~PackedWriter() {
  if (!finished_) {
    out_.close();
    std::remove(tmp_path_.c_str());
  }
}

void PackedWriter::add(const Sample& s) {
  const PackedLayout& L = layout_;
  const int type = CV_8UC(L.channels);
  if (s.image.rows != L.height || s.image.cols != L.width || s.image.type() != type)
    throw core::RuntimeError(s.path + ": packed file expects " + std::to_string(L.width) + "x" +
                             std::to_string(L.height) + " images with " + std::to_string(L.channels) +
                             " uint8 channel(s), got " + std::to_string(s.image.cols) + "x" +
                             std::to_string(s.image.rows) + " with " + std::to_string(s.image.channels()));
  auto check_len = [&](const std::vector<float>& v, int n, const char* what) {
    if (!v.empty() && static_cast<int>(v.size()) != n)
      throw core::RuntimeError(s.path + ": " + what + " has " + std::to_string(v.size()) +
                               " values, the packed layout has " + std::to_string(n));
  };
  check_len(s.attributes, L.num_attributes, "attributes");
  check_len(s.aus, L.num_aus, "AUs");
  check_len(s.landmarks, L.num_landmarks, "landmarks");
  const bool has_region = L.region_map && !s.region_map.empty();
  if (has_region && (s.region_map.size() != s.image.size() || s.region_map.type() != CV_8U))
    throw core::RuntimeError(s.path + ": region map must be CV_8U and the image's size");

  std::fill(record_.begin(), record_.end(), 0);
  uint8_t* p = record_.data();
  const size_t row = static_cast<size_t>(L.width) * L.channels;
  for (int y = 0; y < L.height; ++y, p += row) std::memcpy(p, s.image.ptr(y), row);
  if (L.region_map) {
    if (has_region)
      for (int y = 0; y < L.height; ++y) std::memcpy(p + static_cast<size_t>(y) * L.width, s.region_map.ptr(y), L.width);
    p += static_cast<size_t>(L.height) * L.width;
  }
  auto put_floats = [&](const std::vector<float>& v, int n) {
    if (!v.empty()) std::memcpy(p, v.data(), 4 * static_cast<size_t>(n));
    p += 4 * static_cast<size_t>(n);
  };
  put_floats(s.attributes, L.num_attributes);
  put_floats(s.aus, L.num_aus);
  put_floats(s.landmarks, L.num_landmarks);
  out_.write(reinterpret_cast<const char*>(record_.data()), static_cast<std::streamsize>(record_.size()));
  if (!out_) throw core::RuntimeError(tmp_path_ + ": write failed (disk full?)");

  uint8_t entry[kIndexEntry] = {};
  uint32_t flags = 0;
  if (!s.attributes.empty() && L.num_attributes) flags |= kHasAttributes;
  if (!s.aus.empty() && L.num_aus) flags |= kHasAus;
  if (!s.landmarks.empty() && L.num_landmarks) flags |= kHasLandmarks;
  if (has_region) flags |= kHasRegion;
  put<int64_t>(entry, 0, s.identity);
  put<uint32_t>(entry, 8, flags);
  index_.insert(index_.end(), entry, entry + kIndexEntry);
  max_identity_ = std::max(max_identity_, s.identity);
}

void PackedWriter::finish() {
  if (finished_) return;
  const uint64_t count = index_.size() / kIndexEntry;
  const uint64_t data_offset = kHeaderSize;
  const uint64_t index_offset = data_offset + count * record_.size();
  out_.write(reinterpret_cast<const char*>(index_.data()), static_cast<std::streamsize>(index_.size()));
  const uint64_t file_size = index_offset + index_.size();

  uint8_t h[kHeaderSize] = {};
  std::memcpy(h, kMagic, 8);
  put<uint32_t>(h, kOffVersion, kPackedVersion);
  put<uint32_t>(h, kOffHeaderSize, kHeaderSize);
  put<uint64_t>(h, kOffCount, count);
  put<uint32_t>(h, kOffHeight, layout_.height);
  put<uint32_t>(h, kOffWidth, layout_.width);
  put<uint32_t>(h, kOffChannels, layout_.channels);
  put<uint32_t>(h, kOffAttrs, layout_.num_attributes);
  put<uint32_t>(h, kOffAus, layout_.num_aus);
  put<uint32_t>(h, kOffLandmarks, layout_.num_landmarks);
  put<uint32_t>(h, kOffRegion, layout_.region_map ? 1 : 0);
  put<uint32_t>(h, kOffRecordSize, static_cast<uint32_t>(record_.size()));
  put<int64_t>(h, kOffIdentities, max_identity_ + 1);
  put<uint64_t>(h, kOffIndex, index_offset);
  put<uint64_t>(h, kOffData, data_offset);
  put<uint64_t>(h, kOffFileSize, file_size);
  put<uint32_t>(h, kOffIndexCrc, crc(index_.data(), index_.size()));
  put<uint32_t>(h, kOffHeaderCrc, crc(h, kOffHeaderCrc));
  out_.seekp(0);
  out_.write(reinterpret_cast<const char*>(h), kHeaderSize);
  out_.close();
  if (!out_) throw core::RuntimeError(tmp_path_ + ": write failed (disk full?)");
  std::error_code ec;
  std::filesystem::rename(tmp_path_, path_, ec);
  if (ec) throw core::RuntimeError(path_ + ": cannot rename from " + tmp_path_ + " (" + ec.message() + ")");
  finished_ = true;
}

// ---- reader ----

PackedReader::PackedReader(const std::string& path) : file_(path) {
  const uint8_t* h = file_.data();
  const size_t size = file_.size();
  auto fail = [&](const std::string& why) { throw core::RuntimeError(path + ": " + why); };
  if (size < kHeaderSize)
    fail("truncated or not a packed file: " + std::to_string(size) + " bytes is smaller than the " +
         std::to_string(kHeaderSize) + "-byte header");
  if (std::memcmp(h, kMagic, 8) != 0) fail("not a facerep packed file (bad magic)");
  const uint32_t version = get_field<uint32_t>(h, kOffVersion);
  if (version != kPackedVersion)
    fail("packed format version " + std::to_string(version) + " is not supported (this build reads " +
         std::to_string(kPackedVersion) + ")");
  if (get_field<uint32_t>(h, kOffHeaderCrc) != crc(h, kOffHeaderCrc)) fail("corrupt header (CRC mismatch)");
  if (get_field<uint32_t>(h, kOffHeaderSize) != kHeaderSize) fail("unexpected header size");
  const uint64_t file_size = get_field<uint64_t>(h, kOffFileSize);
  if (size < file_size)
    fail("truncated: the header says " + std::to_string(file_size) + " bytes, the file has " + std::to_string(size));
  if (size > file_size)
    fail("unexpected trailing data: the header says " + std::to_string(file_size) + " bytes, the file has " +
         std::to_string(size));
  count_ = static_cast<int64_t>(get_field<uint64_t>(h, kOffCount));
  layout_.height = static_cast<int>(get_field<uint32_t>(h, kOffHeight));
  layout_.width = static_cast<int>(get_field<uint32_t>(h, kOffWidth));
  layout_.channels = static_cast<int>(get_field<uint32_t>(h, kOffChannels));
  layout_.num_attributes = static_cast<int>(get_field<uint32_t>(h, kOffAttrs));
  layout_.num_aus = static_cast<int>(get_field<uint32_t>(h, kOffAus));
  layout_.num_landmarks = static_cast<int>(get_field<uint32_t>(h, kOffLandmarks));
  layout_.region_map = get_field<uint32_t>(h, kOffRegion) != 0;
  record_size_ = get_field<uint32_t>(h, kOffRecordSize);
  num_identities_ = get_field<int64_t>(h, kOffIdentities);
  index_offset_ = get_field<uint64_t>(h, kOffIndex);
  data_offset_ = get_field<uint64_t>(h, kOffData);
  // The fields are checked before any arithmetic on them: a crafted header (whose CRCs match)
  // must not overflow the size computations or reach cv::Mat with a negative size.
  const uint64_t raw_count = get_field<uint64_t>(h, kOffCount);
  if (layout_.height <= 0 || layout_.height > kMaxSide || layout_.width <= 0 || layout_.width > kMaxSide ||
      (layout_.channels != 1 && layout_.channels != 3) || layout_.num_attributes < 0 ||
      layout_.num_attributes > kMaxLabels || layout_.num_aus < 0 || layout_.num_aus > kMaxLabels ||
      layout_.num_landmarks < 0 || layout_.num_landmarks > kMaxLabels)
    fail("bad layout in the header: " + layout_.str());
  if (record_size_ != layout_.record_size()) fail("record size does not match the layout " + layout_.str());
  if (raw_count > file_size / kIndexEntry || data_offset_ < kHeaderSize || data_offset_ > file_size ||
      raw_count > (file_size - data_offset_) / record_size_ ||
      data_offset_ + raw_count * record_size_ != index_offset_ || index_offset_ + raw_count * kIndexEntry != file_size)
    fail("inconsistent sizes in the header (count, offsets, file size)");
  if (get_field<uint32_t>(h, kOffIndexCrc) != crc(h + index_offset_, static_cast<size_t>(count_) * kIndexEntry))
    fail("corrupt index (CRC mismatch)");
}

int64_t PackedReader::identity_of(int64_t index) const {
  if (index < 0 || index >= count_)
    throw core::RuntimeError(path() + ": index " + std::to_string(index) + " out of range");
  return get_field<int64_t>(file_.data() + index_offset_, static_cast<size_t>(index) * kIndexEntry);
}

Sample PackedReader::get(int64_t index) const {
  const int64_t identity = identity_of(index);
  const uint32_t flags = get_field<uint32_t>(file_.data() + index_offset_, static_cast<size_t>(index) * kIndexEntry + 8);
  const PackedLayout& L = layout_;
  const uint8_t* p = file_.data() + data_offset_ + static_cast<size_t>(index) * record_size_;
  Sample s;
  s.identity = identity;
  s.index = index;
  s.path = path() + "#" + std::to_string(index);
  // Clone: samples are modified by transforms and must not alias the read-only mapping.
  s.image = cv::Mat(L.height, L.width, CV_8UC(L.channels), const_cast<uint8_t*>(p)).clone();
  p += static_cast<size_t>(L.height) * L.width * L.channels;
  if (L.region_map) {
    if (flags & kHasRegion) s.region_map = cv::Mat(L.height, L.width, CV_8U, const_cast<uint8_t*>(p)).clone();
    p += static_cast<size_t>(L.height) * L.width;
  }
  auto take = [&](std::vector<float>& v, int n, uint32_t flag) {
    if ((flags & flag) && n > 0) {  // n = 0: no bytes to copy (and v.data() may be null)
      v.resize(static_cast<size_t>(n));
      std::memcpy(v.data(), p, 4 * static_cast<size_t>(n));
    }
    p += 4 * static_cast<size_t>(n);
  };
  take(s.attributes, L.num_attributes, kHasAttributes);
  take(s.aus, L.num_aus, kHasAus);
  take(s.landmarks, L.num_landmarks, kHasLandmarks);
  return s;
}

}  // namespace facerep::data
