#pragma once
// Reads entries of a zip archive, as written by torch.save and torch::pickle_save: stored
// (uncompressed) or deflated entries, zip64 records for archives over 4 GiB. Every entry's CRC is
// checked so a corrupt checkpoint fails loudly instead of yielding garbage weights.
#include <cstdint>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace facerep::runtime {

class ZipReader {
 public:
  // Reads the central directory; throws core::RuntimeError naming `path` when it is not a
  // readable zip archive (missing, truncated, corrupt).
  explicit ZipReader(const std::string& path);

  const std::string& path() const { return path_; }
  std::vector<std::string> names() const;
  bool contains(const std::string& name) const { return entries_.count(name) > 0; }
  // The uncompressed bytes of `name` (CRC-checked); throws when absent or corrupt.
  std::string read(const std::string& name);

 private:
  struct Entry {
    uint16_t method = 0;
    uint32_t crc = 0;
    uint64_t compressed_size = 0;
    uint64_t size = 0;
    uint64_t local_header_offset = 0;
  };
  [[noreturn]] void fail(const std::string& what) const;
  void read_at(uint64_t offset, void* out, uint64_t n);
  void read_central_directory();

  std::string path_;
  std::ifstream file_;
  uint64_t file_size_ = 0;
  std::map<std::string, Entry> entries_;
};

}  // namespace facerep::runtime
