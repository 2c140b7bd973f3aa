#include "data/sources/packed.h"

#include <algorithm>
#include <filesystem>

#include "core/error.h"
#include "data/sources/image_folder.h"

namespace facerep::data {

PackedSource::PackedSource(const PackedSourceOptions& options, const SourceContext& context) {
  starts_.push_back(0);
  for (const auto& p : options.path) {
    const std::string path = resolve_path(context.base_dir, p);
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) throw core::ConfigError("packed: file '" + path + "' not found");
    auto reader = std::make_unique<PackedReader>(path);
    if (!shards_.empty() && !(reader->layout() == shards_.front()->layout()))
      throw core::RuntimeError(path + ": layout " + reader->layout().str() + " differs from the first shard's " +
                               shards_.front()->layout().str());
    num_identities_ = std::max(num_identities_, reader->num_identities());
    starts_.push_back(starts_.back() + reader->size());
    shards_.push_back(std::move(reader));
  }
}

std::pair<size_t, int64_t> PackedSource::locate(int64_t index) const {
  if (index < 0 || index >= size())
    throw core::RuntimeError("packed: index " + std::to_string(index) + " out of range [0, " +
                             std::to_string(size()) + ")");
  const size_t shard = static_cast<size_t>(std::upper_bound(starts_.begin(), starts_.end(), index) - starts_.begin()) - 1;
  return {shard, index - starts_[shard]};
}

Sample PackedSource::get(int64_t index) const {
  const auto [shard, local] = locate(index);
  Sample s = shards_[shard]->get(local);
  s.index = index;
  return s;
}

int64_t PackedSource::identity_of(int64_t index) const {
  const auto [shard, local] = locate(index);
  return shards_[shard]->identity_of(local);
}

std::string PackedSource::describe() const {
  std::string out = "packed " + shards_.front()->path();
  if (shards_.size() > 1) out += " (+" + std::to_string(shards_.size() - 1) + " shards)";
  return out + ": " + std::to_string(num_identities_) + " identities, " + std::to_string(size()) +
         " images, " + layout().str();
}

}  // namespace facerep::data
