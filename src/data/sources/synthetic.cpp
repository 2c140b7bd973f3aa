#include "data/sources/synthetic.h"

#include "core/error.h"

namespace facerep::data {

SyntheticSource::SyntheticSource(const SyntheticSourceOptions& options, const SourceContext& context)
    : options_(options), seed_(context.seed + static_cast<uint64_t>(options.seed)) {
  face_.size = options.size;
  face_.expression_bias = options.expression_bias;
  face_.au_identity_tie = options.au_identity_tie;
  face_.expression_strength = options.expression_strength;
  face_.nuisance = options.nuisance;
}

int64_t SyntheticSource::size() const {
  return static_cast<int64_t>(options_.identities) * options_.per_identity;
}

int64_t SyntheticSource::identity_of(int64_t index) const { return index / options_.per_identity; }

Sample SyntheticSource::get(int64_t index) const {
  if (index < 0 || index >= size())
    throw core::RuntimeError("synthetic: index " + std::to_string(index) + " out of range [0, " +
                             std::to_string(size()) + ")");
  const int64_t id = identity_of(index), image = index % options_.per_identity;
  SyntheticFace face = render_synthetic_face(seed_, id, image, face_);
  Sample s;
  s.image = face.image;
  s.region_map = face.region_map;
  s.identity = id;
  s.attributes = std::move(face.attributes);
  s.aus = std::move(face.aus);
  s.landmarks = options_.landmarks == 68 ? std::move(face.landmarks68) : std::move(face.landmarks5);
  s.path = "synthetic:" + std::to_string(id) + "/" + std::to_string(image);
  s.index = index;
  return s;
}

std::string SyntheticSource::describe() const {
  return "synthetic (seed " + std::to_string(seed_) + "): " + std::to_string(options_.identities) +
         " identities x " + std::to_string(options_.per_identity) + " images, " +
         std::to_string(options_.size) + "x" + std::to_string(options_.size);
}

}  // namespace facerep::data
