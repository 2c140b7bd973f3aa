#pragma once
// A source of face samples (image folder, list file, RecordIO, packed file, synthetic faces),
// chosen by `type:` under data.<split>.source. Sources are read from many loader threads at once:
// get() must be thread-safe.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/registry.h"
#include "data/sample.h"

namespace facerep::data {

struct SourceContext {
  std::string base_dir;  // relative paths in the source options resolve against this
  uint64_t seed = 0;     // run seed (synthetic sources derive their content from it)
};

// A sample before decoding: its labels and path, and its image still encoded. Lets the dataset
// decode only the part of a JPEG the first transform keeps (roi_decode.h).
struct EncodedSample {
  Sample sample;               // every field get() fills, except the image
  std::vector<uint8_t> bytes;  // holds the encoded image from `offset` on
  size_t offset = 0;
  int reduce = 1;              // get() would decode decode_image(data(), size(), sample.path, reduce)

  const uint8_t* data() const { return bytes.data() + offset; }
  size_t size() const { return bytes.size() - offset; }
};

// The decoded sample: what get() returns for sources that read encoded images.
Sample decode_encoded(EncodedSample encoded);

class Source {
 public:
  virtual ~Source() = default;
  virtual int64_t size() const = 0;
  // Decodes sample `index`. Throws core::RuntimeError naming the path and reason on bad data.
  virtual Sample get(int64_t index) const = 0;
  // Sample `index` with its image left encoded, for sources that read encoded files; same errors
  // as get() for everything but decoding. std::nullopt when the source cannot (packed, synthetic)
  // or the sample carries geometry (landmarks, a region map) that must move with a full decode.
  virtual std::optional<EncodedSample> get_encoded(int64_t index) const {
    (void)index;
    return std::nullopt;
  }
  // Number of identity classes, or -1 when the source has no identity labels.
  virtual int64_t num_identities() const = 0;
  // Identity of `index` without decoding the image (samplers use it); -1 when unknown.
  virtual int64_t identity_of(int64_t index) const = 0;
  // One line: what and where, for logs ("image_folder /data/lfw: 5749 identities, 13233 images").
  virtual std::string describe() const = 0;
};

using SourceRegistry = core::Registry<Source, const SourceContext&>;
SourceRegistry& source_registry();

}  // namespace facerep::data
