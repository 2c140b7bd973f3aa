#include "runtime/zip_reader.h"

#include <algorithm>
#include <fstream>
#include <tuple>
#include <vector>

#include <caffe2/serialize/inline_container.h>
#include <c10/util/Exception.h>
#include <zlib.h>

#include "core/error.h"

namespace facerep::runtime {
namespace {

constexpr uint32_t kEndOfCentralDir = 0x06054b50;
constexpr uint32_t kZip64EndLocator = 0x07064b50;
constexpr uint32_t kZip64EndOfCentralDir = 0x06064b50;
constexpr uint32_t kCentralHeader = 0x02014b50;

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
  // Our directory scan runs first: it gives the clearer message for files that are no zip at all.
  read_central_directory_crcs();
  try {
    reader_ = std::make_unique<caffe2::serialize::PyTorchStreamReader>(path);
  } catch (const c10::Error& e) {
    fail(e.what_without_backtrace());
  }
}

ZipReader::~ZipReader() = default;

void ZipReader::fail(const std::string& what) const { throw core::RuntimeError(path_ + ": " + what); }

// Only the CRCs are read here; LibTorch reads everything else.
void ZipReader::read_central_directory_crcs() {
  std::ifstream file(path_, std::ios::binary);
  if (!file) fail("cannot open file");
  file.seekg(0, std::ios::end);
  const uint64_t file_size = static_cast<uint64_t>(file.tellg());
  auto read_at = [&](uint64_t offset, void* out, uint64_t n) {
    if (offset > file_size || n > file_size - offset)
      fail("truncated file (needs bytes " + std::to_string(offset) + ".." + std::to_string(offset + n) + " of " +
           std::to_string(file_size) + ")");
    file.clear();
    file.seekg(static_cast<std::streamoff>(offset));
    file.read(static_cast<char*>(out), static_cast<std::streamsize>(n));
    if (!file) fail("read error at byte " + std::to_string(offset));
  };
  // The end record sits in the last 22 + up to 65535 (comment) bytes.
  if (file_size < 22) fail("not a zip archive (file too short: " + std::to_string(file_size) + " bytes)");
  const uint64_t tail_len = std::min<uint64_t>(file_size, 22 + 65535);
  std::vector<unsigned char> tail(tail_len);
  read_at(file_size - tail_len, tail.data(), tail_len);
  int64_t eocd = static_cast<int64_t>(tail_len) - 22;
  while (eocd >= 0 && u32(&tail[eocd]) != kEndOfCentralDir) --eocd;
  if (eocd < 0) {
    // torch.save's legacy (pre-1.6) format is a bare pickle stream, not a zip.
    if (tail_len == file_size && tail[0] == 0x80)
      fail("legacy (non-zip) torch.save format is not supported; re-save it with torch >= 1.6");
    fail("not a zip archive or truncated (no end-of-central-directory record)");
  }
  const unsigned char* e = &tail[eocd];
  uint64_t count = u16(e + 10), dir_size = u32(e + 12), dir_offset = u32(e + 16);
  const uint64_t eocd_abs = file_size - tail_len + static_cast<uint64_t>(eocd);
  if (count == 0xFFFF || dir_size == 0xFFFFFFFFu || dir_offset == 0xFFFFFFFFu) {
    unsigned char loc[20], rec[56];
    if (eocd_abs < 20) fail("zip64 locator missing");
    read_at(eocd_abs - 20, loc, 20);
    if (u32(loc) != kZip64EndLocator) fail("zip64 locator missing");
    read_at(u64(loc + 8), rec, 56);
    if (u32(rec) != kZip64EndOfCentralDir) fail("corrupt zip64 end record");
    count = u64(rec + 32), dir_size = u64(rec + 40), dir_offset = u64(rec + 48);
  }
  std::vector<unsigned char> dir(dir_size);
  read_at(dir_offset, dir.data(), dir_size);
  for (uint64_t i = 0, pos = 0; i < count; ++i) {
    if (pos + 46 > dir_size || u32(&dir[pos]) != kCentralHeader)
      fail("corrupt central directory (entry " + std::to_string(i) + ")");
    const unsigned char* h = &dir[pos];
    const uint64_t name_len = u16(h + 28), next = pos + 46 + name_len + u16(h + 30) + u16(h + 32);
    if (next > dir_size) fail("corrupt central directory");
    const std::string name(reinterpret_cast<const char*>(h + 46), name_len);
    // LibTorch takes the first entry's folder as the archive's.
    if (i == 0) prefix_ = name.substr(0, name.find('/') + 1);
    crcs_[name] = u32(h + 16);
    pos = next;
  }
}

bool ZipReader::contains(const std::string& record) { return reader_->hasRecord(record); }

at::DataPtr ZipReader::read(const std::string& record, size_t* size) {
  at::DataPtr data;
  try {
    std::tie(data, *size) = reader_->getRecord(record);
  } catch (const c10::Error& e) {
    fail(e.what_without_backtrace());
  }
  const auto expected = crcs_.find(prefix_ + record);
  if (expected == crcs_.end()) fail("no central directory entry for '" + record + "'");
  // crc32 takes a uInt length: feed large records in chunks.
  uLong crc = crc32(0L, Z_NULL, 0);
  const auto* bytes = static_cast<const Bytef*>(data.get());
  for (size_t off = 0; off < *size; off += (1u << 30))
    crc = crc32(crc, bytes + off, static_cast<uInt>(std::min<size_t>(*size - off, 1u << 30)));
  if (crc != expected->second) fail("CRC mismatch in entry '" + prefix_ + record + "' (file corrupt)");
  return data;
}

std::string ZipReader::read_string(const std::string& record) {
  size_t size = 0;
  const at::DataPtr data = read(record, &size);
  return std::string(static_cast<const char*>(data.get()), size);
}

}  // namespace facerep::runtime
