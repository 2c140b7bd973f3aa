#include "data/sources/recordio.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "core/error.h"
#include "data/formats/image_io.h"
#include "data/sources/image_folder.h"

namespace facerep::data {
namespace fs = std::filesystem;
namespace {
constexpr uint32_t kMagic = 0xced7230a;
constexpr size_t kIRHeaderSize = 24;

uint32_t load_u32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

// A float label used as an integer (identity, key): casting NaN, inf or a value beyond the
// integer's range is undefined behaviour, so a corrupt record is an error instead.
bool whole_label(float v, int64_t* out) {
  if (!(std::fabs(v) < 2147483648.0f) || v != std::floor(v)) return false;
  *out = static_cast<int64_t>(v);
  return true;
}
}  // namespace

std::string RecordIOSource::where(uint64_t offset) const {
  return rec_.path() + "@offset " + std::to_string(offset);
}

std::vector<uint8_t> RecordIOSource::read_record(uint64_t offset) const {
  std::vector<uint8_t> out;
  uint64_t pos = offset;
  for (int part = 0;; ++part) {
    if (pos + 8 > rec_.size())
      throw core::RuntimeError(where(offset) + ": record header past the end of the file (truncated?)");
    const uint32_t magic = load_u32(rec_.data() + pos);
    if (magic != kMagic)
      throw core::RuntimeError(where(pos) + ": bad record magic 0x" +
                               [&] { std::ostringstream s; s << std::hex << magic; return s.str(); }() +
                               " (expected 0xced7230a; wrong offset in the .idx or a corrupt file)");
    const uint32_t word = load_u32(rec_.data() + pos + 4);
    const uint32_t cflag = word >> 29, length = word & ((1u << 29) - 1);
    if (pos + 8 + length > rec_.size())
      throw core::RuntimeError(where(pos) + ": record of " + std::to_string(length) +
                               " bytes runs past the end of the file (truncated?)");
    if (part == 0 && cflag != 0 && cflag != 1)
      throw core::RuntimeError(where(pos) + ": record starts with continuation flag " + std::to_string(cflag));
    if (part > 0) out.insert(out.end(), reinterpret_cast<const uint8_t*>(&kMagic),
                             reinterpret_cast<const uint8_t*>(&kMagic) + 4);
    out.insert(out.end(), rec_.data() + pos + 8, rec_.data() + pos + 8 + length);
    if (cflag == 0 || cflag == 3) break;
    pos += 8 + ((length + 3u) & ~3u);
  }
  return out;
}

RecordIOSource::Header RecordIOSource::parse_header(const std::vector<uint8_t>& payload, uint64_t offset) const {
  if (payload.size() < kIRHeaderSize)
    throw core::RuntimeError(where(offset) + ": record of " + std::to_string(payload.size()) +
                             " bytes is shorter than its 24-byte IRHeader");
  Header h;
  h.flag = load_u32(payload.data());
  float label;
  std::memcpy(&label, payload.data() + 4, 4);
  h.image_start = kIRHeaderSize;
  if (h.flag == 0) {
    h.labels = {label};
  } else {
    const size_t need = kIRHeaderSize + 4ull * h.flag;
    if (payload.size() < need)
      throw core::RuntimeError(where(offset) + ": IRHeader flag " + std::to_string(h.flag) +
                               " announces more labels than the record holds");
    h.labels.resize(h.flag);
    std::memcpy(h.labels.data(), payload.data() + kIRHeaderSize, 4ull * h.flag);
    h.image_start = need;
  }
  return h;
}

RecordIOSource::RecordIOSource(const RecordIOOptions& options, const SourceContext& context)
    : reduce_(options.reduce) {
  const std::string rec_path = resolve_path(context.base_dir, options.path);
  std::error_code ec;
  if (!fs::is_regular_file(rec_path, ec)) throw core::ConfigError("recordio: file '" + rec_path + "' not found");
  rec_ = MappedFile(rec_path);
  std::string idx_path = options.idx.empty() ? fs::path(rec_path).replace_extension(".idx").string()
                                             : resolve_path(context.base_dir, options.idx);

  std::map<int64_t, uint64_t> by_key;
  if (fs::is_regular_file(idx_path, ec)) {
    std::ifstream in(idx_path);
    std::string line;
    int line_no = 0;
    while (std::getline(in, line)) {
      ++line_no;
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      std::istringstream ls(line);
      long long key = 0;
      unsigned long long offset = 0;
      std::string extra;
      if (!(ls >> key >> offset) || (ls >> extra))
        throw core::RuntimeError(idx_path + ":" + std::to_string(line_no) + ": expected 'key<TAB>offset', got '" + line + "'");
      if (offset >= rec_.size())
        throw core::RuntimeError(idx_path + ":" + std::to_string(line_no) + ": offset " + std::to_string(offset) +
                                 " is past the end of " + rec_path + " (" + std::to_string(rec_.size()) + " bytes)");
      by_key[key] = offset;
    }
  } else if (!options.idx.empty()) {
    throw core::ConfigError("recordio: idx file '" + idx_path + "' not found");
  } else {
    // No index: walk the records in file order; keys are their positions.
    uint64_t pos = 0;
    for (int64_t key = 0; pos + 8 <= rec_.size(); ++key) {
      by_key[key] = pos;
      uint32_t cflag;
      do {
        if (load_u32(rec_.data() + pos) != kMagic) throw core::RuntimeError(where(pos) + ": bad record magic");
        const uint32_t word = load_u32(rec_.data() + pos + 4);
        cflag = word >> 29;
        pos += 8 + (((word & ((1u << 29) - 1)) + 3u) & ~3u);
      } while ((cflag == 1 || cflag == 2) && pos + 8 <= rec_.size());
    }
  }
  if (by_key.empty()) throw core::RuntimeError(rec_path + ": no records");

  int64_t first = by_key.begin()->first, end = by_key.rbegin()->first + 1;
  if (by_key.count(0)) {
    const Header h0 = parse_header(read_record(by_key[0]), by_key[0]);
    if (h0.flag > 0) {  // insightface header record: images are keys [1, label[0])
      has_header_record_ = true;
      first = 1;
      if (!whole_label(h0.labels[0], &end))
        throw core::RuntimeError(where(by_key[0]) + ": header record's end key " + std::to_string(h0.labels[0]) +
                                 " is not a whole number below 2^31");
    }
  }
  int64_t max_id = -1;
  for (auto it = by_key.lower_bound(first); it != by_key.end() && it->first < end; ++it) {
    const Header h = parse_header(read_record(it->second), it->second);
    int64_t id = 0;
    if (!whole_label(h.labels[0], &id))
      throw core::RuntimeError(where(it->second) + ": label " + std::to_string(h.labels[0]) +
                               " is not a whole number below 2^31");
    keys_.push_back(it->first);
    offsets_.push_back(it->second);
    identities_.push_back(id);
    max_id = std::max(max_id, id);
  }
  if (offsets_.empty()) throw core::RuntimeError(rec_path + ": no image records");
  num_identities_ = max_id + 1;
}

std::optional<EncodedSample> RecordIOSource::get_encoded(int64_t index) const {
  if (index < 0 || index >= size())
    throw core::RuntimeError("recordio " + rec_.path() + ": index " + std::to_string(index) + " out of range");
  const uint64_t offset = offsets_[static_cast<size_t>(index)];
  EncodedSample e;
  e.bytes = read_record(offset);
  e.offset = parse_header(e.bytes, offset).image_start;
  e.sample.path = where(offset);
  e.sample.identity = identities_[static_cast<size_t>(index)];
  e.sample.index = index;
  e.reduce = reduce_;
  return e;
}

Sample RecordIOSource::get(int64_t index) const { return decode_encoded(*get_encoded(index)); }

std::string RecordIOSource::describe() const {
  return "recordio " + rec_.path() + ": " + std::to_string(num_identities_) + " identities, " +
         std::to_string(offsets_.size()) + " images" + (has_header_record_ ? " (insightface header record)" : "");
}

}  // namespace facerep::data
