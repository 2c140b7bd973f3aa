#pragma once
// Reads the records of a torch.save / torch::pickle_save archive ("data.pkl", "data/0", ...,
// named inside the archive's top-level folder, whatever that folder is called) through LibTorch's
// caffe2::serialize::PyTorchStreamReader: zip parsing, stored and deflated records, zip64, the
// format version check. Two things it lacks are added here: LibTorch 1.13 never checks a record's
// CRC-32 (a flipped byte loads as a wrong weight, measured), so each record is checked against the
// CRC in the zip central directory; and its errors do not name the file, ours do.
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include <c10/core/Allocator.h>

namespace caffe2::serialize {
class PyTorchStreamReader;
}

namespace facerep::runtime {

class ZipReader {
 public:
  // Throws core::RuntimeError naming `path` when it is not a readable torch.save archive
  // (missing, truncated, not a zip, the legacy pre-1.6 format, no version record).
  explicit ZipReader(const std::string& path);
  ~ZipReader();

  const std::string& path() const { return path_; }
  bool contains(const std::string& record);
  // The CRC-checked bytes of `record`, in a CPU buffer aligned for any element type (a tensor
  // storage can adopt it); throws when absent or corrupt.
  at::DataPtr read(const std::string& record, size_t* size);
  std::string read_string(const std::string& record);

 private:
  [[noreturn]] void fail(const std::string& what) const;
  void read_central_directory_crcs();

  std::string path_;
  std::unique_ptr<caffe2::serialize::PyTorchStreamReader> reader_;
  std::string prefix_;                    // the top-level folder and "/", as LibTorch picks it
  std::map<std::string, uint32_t> crcs_;  // full entry name -> CRC-32
};

}  // namespace facerep::runtime
