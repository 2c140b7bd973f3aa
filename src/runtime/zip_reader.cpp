#include "runtime/zip_reader.h"

#include <algorithm>
#include <cstring>

#include <zlib.h>

#include "core/error.h"

namespace facerep::runtime {
namespace {

constexpr uint32_t kEndOfCentralDir = 0x06054b50;
constexpr uint32_t kZip64EndLocator = 0x07064b50;
constexpr uint32_t kZip64EndOfCentralDir = 0x06064b50;
constexpr uint32_t kCentralHeader = 0x02014b50;
constexpr uint32_t kLocalHeader = 0x04034b50;

uint16_t u16(const unsigned char* p) { return static_cast<uint16_t>(p[0] | (p[1] << 8)); }
uint32_t u32(const unsigned char* p) {
  return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) |
         (static_cast<uint32_t>(p[2]) << 16) | (static_cast<uint32_t>(p[3]) << 24);
}
uint64_t u64(const unsigned char* p) {
  return static_cast<uint64_t>(u32(p)) | (static_cast<uint64_t>(u32(p + 4)) << 32);
}

}  // namespace

ZipReader::ZipReader(const std::string& path) : path_(path) {
  file_.open(path, std::ios::binary);
  if (!file_) throw core::RuntimeError(path + ": cannot open file");
  file_.seekg(0, std::ios::end);
  file_size_ = static_cast<uint64_t>(file_.tellg());
  read_central_directory();
}

void ZipReader::fail(const std::string& what) const {
  throw core::RuntimeError(path_ + ": " + what);
}

void ZipReader::read_at(uint64_t offset, void* out, uint64_t n) {
  if (offset > file_size_ || n > file_size_ - offset)
    fail("truncated file (needs bytes " + std::to_string(offset) + ".." + std::to_string(offset + n) +
         " of " + std::to_string(file_size_) + ")");
  file_.clear();
  file_.seekg(static_cast<std::streamoff>(offset));
  file_.read(static_cast<char*>(out), static_cast<std::streamsize>(n));
  if (!file_) fail("read error at byte " + std::to_string(offset));
}

void ZipReader::read_central_directory() {
  // The end record sits in the last 22 + up to 65535 (comment) bytes.
  const uint64_t tail_len = std::min<uint64_t>(file_size_, 22 + 65535);
  if (file_size_ < 22) fail("not a zip archive (file too short: " + std::to_string(file_size_) + " bytes)");
  std::vector<unsigned char> tail(tail_len);
  read_at(file_size_ - tail_len, tail.data(), tail_len);
  int64_t eocd = -1;
  for (int64_t i = static_cast<int64_t>(tail_len) - 22; i >= 0; --i) {
    if (u32(&tail[i]) == kEndOfCentralDir) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) {
    // torch.save's legacy (pre-1.6) format is a bare pickle stream, not a zip.
    if (file_size_ >= 2 && tail_len == file_size_ && tail[0] == 0x80)
      fail("legacy (non-zip) torch.save format is not supported; re-save it with torch >= 1.6");
    fail("not a zip archive or truncated (no end-of-central-directory record)");
  }
  const unsigned char* e = &tail[eocd];
  uint64_t count = u16(e + 10);
  uint64_t dir_size = u32(e + 12);
  uint64_t dir_offset = u32(e + 16);
  const uint64_t eocd_abs = file_size_ - tail_len + static_cast<uint64_t>(eocd);
  if (count == 0xFFFF || dir_size == 0xFFFFFFFFu || dir_offset == 0xFFFFFFFFu) {
    if (eocd_abs < 20) fail("zip64 locator missing");
    unsigned char loc[20];
    read_at(eocd_abs - 20, loc, 20);
    if (u32(loc) != kZip64EndLocator) fail("zip64 locator missing");
    unsigned char rec[56];
    read_at(u64(loc + 8), rec, 56);
    if (u32(rec) != kZip64EndOfCentralDir) fail("corrupt zip64 end record");
    count = u64(rec + 32);
    dir_size = u64(rec + 40);
    dir_offset = u64(rec + 48);
  }
  std::vector<unsigned char> dir(dir_size);
  read_at(dir_offset, dir.data(), dir_size);
  uint64_t pos = 0;
  for (uint64_t i = 0; i < count; ++i) {
    if (pos + 46 > dir_size || u32(&dir[pos]) != kCentralHeader)
      fail("corrupt central directory (entry " + std::to_string(i) + ")");
    const unsigned char* h = &dir[pos];
    Entry entry;
    entry.method = u16(h + 10);
    entry.crc = u32(h + 16);
    entry.compressed_size = u32(h + 20);
    entry.size = u32(h + 24);
    const uint16_t name_len = u16(h + 28), extra_len = u16(h + 30), comment_len = u16(h + 32);
    entry.local_header_offset = u32(h + 42);
    if (pos + 46 + name_len + extra_len + comment_len > dir_size) fail("corrupt central directory");
    std::string name(reinterpret_cast<const char*>(h + 46), name_len);
    // Zip64 extra field: the 64-bit values appear in order for each field saturated above.
    const unsigned char* x = h + 46 + name_len;
    for (uint16_t off = 0; off + 4 <= extra_len;) {
      const uint16_t id = u16(x + off), len = u16(x + off + 2);
      if (id == 0x0001) {
        const unsigned char* v = x + off + 4;
        const unsigned char* end = v + len;
        if (entry.size == 0xFFFFFFFFu && v + 8 <= end) entry.size = u64(v), v += 8;
        if (entry.compressed_size == 0xFFFFFFFFu && v + 8 <= end) entry.compressed_size = u64(v), v += 8;
        if (entry.local_header_offset == 0xFFFFFFFFu && v + 8 <= end) entry.local_header_offset = u64(v);
      }
      off = static_cast<uint16_t>(off + 4 + len);
    }
    entries_[name] = entry;
    pos += 46 + name_len + extra_len + comment_len;
  }
}

std::vector<std::string> ZipReader::names() const {
  std::vector<std::string> out;
  for (const auto& kv : entries_) out.push_back(kv.first);
  return out;
}

std::string ZipReader::read(const std::string& name) {
  auto it = entries_.find(name);
  if (it == entries_.end()) fail("missing archive entry '" + name + "'");
  const Entry& e = it->second;
  unsigned char local[30];
  read_at(e.local_header_offset, local, 30);
  if (u32(local) != kLocalHeader) fail("corrupt local header for '" + name + "'");
  const uint64_t data_offset = e.local_header_offset + 30 + u16(local + 26) + u16(local + 28);
  std::string raw(e.compressed_size, '\0');
  read_at(data_offset, raw.data(), e.compressed_size);
  std::string out;
  if (e.method == 0) {
    out = std::move(raw);
  } else if (e.method == 8) {
    out.assign(e.size, '\0');
    z_stream zs{};
    if (inflateInit2(&zs, -MAX_WBITS) != Z_OK) fail("zlib init failed");
    zs.next_in = reinterpret_cast<Bytef*>(raw.data());
    zs.avail_in = static_cast<uInt>(raw.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    const int rc = inflate(&zs, Z_FINISH);
    inflateEnd(&zs);
    if (rc != Z_STREAM_END || zs.total_out != e.size) fail("corrupt deflated entry '" + name + "'");
  } else {
    fail("entry '" + name + "' uses unsupported compression method " + std::to_string(e.method));
  }
  if (out.size() != e.size) fail("entry '" + name + "' has the wrong size");
  // crc32 takes a uInt length: feed large entries in chunks.
  uLong crc = crc32(0L, Z_NULL, 0);
  for (size_t off = 0; off < out.size(); off += (1u << 30)) {
    const size_t n = std::min<size_t>(out.size() - off, 1u << 30);
    crc = crc32(crc, reinterpret_cast<const Bytef*>(out.data() + off), static_cast<uInt>(n));
  }
  if (crc != e.crc) fail("CRC mismatch in entry '" + name + "' (file corrupt)");
  return out;
}

}  // namespace facerep::runtime
