#include "data/sources/source.h"

#include <utility>

#include "data/formats/image_io.h"

namespace facerep::data {
SourceRegistry& source_registry() {
  static SourceRegistry registry("source");
  return registry;
}

Sample decode_encoded(EncodedSample encoded) {
  encoded.sample.image = decode_image(encoded.data(), encoded.size(), encoded.sample.path, encoded.reduce);
  return std::move(encoded.sample);
}
}  // namespace facerep::data
