#pragma once
// A read-only memory-mapped file. Readers of big binary datasets (RecordIO, packed) map the file
// once and let every loader thread read from the mapping without locks or seeks.
#include <cstddef>
#include <cstdint>
#include <string>

namespace facerep::data {

class MappedFile {
 public:
  MappedFile() = default;
  // Maps `path`; throws core::RuntimeError naming the path when it cannot be opened or mapped.
  explicit MappedFile(const std::string& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;

  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  const std::string& path() const { return path_; }

 private:
  void release();
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
  std::string path_;
};

}  // namespace facerep::data
