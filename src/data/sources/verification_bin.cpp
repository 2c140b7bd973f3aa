#include "data/sources/verification_bin.h"

#include <filesystem>

#include "core/error.h"
#include "data/formats/verification_bin.h"
#include "data/sources/image_folder.h"

namespace facerep::data {

VerificationBinSource::VerificationBinSource(const VerificationBinOptions& options, const SourceContext& context)
    : path_(resolve_path(context.base_dir, options.path)) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path_, ec))
    throw core::ConfigError("verification_bin: file '" + path_ + "' not found");
  VerificationBin bin = read_verification_bin(path_);
  images_ = std::move(bin.images);
  same_ = std::move(bin.same);
}

std::optional<EncodedSample> VerificationBinSource::get_encoded(int64_t index) const {
  if (index < 0 || index >= size())
    throw core::RuntimeError("verification_bin " + path_ + ": index " + std::to_string(index) + " out of range");
  const std::string& image = images_[static_cast<size_t>(index)];
  EncodedSample e;
  e.bytes.assign(image.begin(), image.end());
  // "file#index" names the image in decode errors and is unique per sample for the evaluators.
  e.sample.path = path_ + "#" + std::to_string(index);
  e.sample.identity = -1;
  e.sample.index = index;
  return e;
}

Sample VerificationBinSource::get(int64_t index) const { return decode_encoded(*get_encoded(index)); }

std::string VerificationBinSource::describe() const {
  return "verification_bin " + path_ + ": " + std::to_string(same_.size()) + " pairs, " +
         std::to_string(images_.size()) + " images";
}

}  // namespace facerep::data
