#pragma once
// `type: synthetic`: procedural faces (synthetic_face.h) with every label kind. Sample i is image
// i % per_identity of identity i / per_identity; content depends on (run seed + seed, identity,
// image), so the same config gives the same data everywhere.
#include <string>

#include "data/sources/source.h"
#include "data/synthetic/face.h"

namespace facerep::data {

struct SyntheticSourceOptions {
  int identities = 100;
  int per_identity = 20;
  int size = 112;
  int seed = 0;  // added to the run seed
  double expression_bias = 0.5;
  double au_identity_tie = 0.0;
  double expression_strength = 1.0;
  double nuisance = 1.0;
  int landmarks = 5;

  template <class V> void visit(V& v) {
    v("identities", identities, "number of identities (classes)").min(1).max(10000000);
    v("per_identity", per_identity, "images per identity").min(1).max(100000);
    v("size", size, "image side in pixels").min(16).max(1024);
    v("seed", seed, "offset added to run.seed: other values give other people").min(0);
    v("expression_bias", expression_bias,
      "how much an identity's preferred expression decides its expression units (0 = independent)")
        .min(0.0).max(1.0);
    v("au_identity_tie", au_identity_tie,
      "probability that an image's expression units are its identity's fixed pattern instead of drawn: a shortcut "
      "(AUs predictable from identity) that does not transfer to unseen identities (0 = none)")
        .min(0.0).max(1.0);
    v("expression_strength", expression_strength,
      "how strongly expression units are drawn (labels unchanged); above 1 exaggerates them (brows, lids, lips "
      "move further), up to 3")
        .greater(0.0).max(3.0);
    v("nuisance", nuisance, "strength of per-image pose, lighting, blur, noise, occlusion (0 = none)")
        .min(0.0).max(2.0);
    v("landmarks", landmarks, "landmark set: 5 (ArcFace order) or 68 (iBUG order)");
    v.require(landmarks == 5 || landmarks == 68, "landmarks",
              "must be 5 or 68, got " + std::to_string(landmarks));
  }
};

class SyntheticSource : public Source {
 public:
  SyntheticSource(const SyntheticSourceOptions& options, const SourceContext& context);
  int64_t size() const override;
  Sample get(int64_t index) const override;
  int64_t num_identities() const override { return options_.identities; }
  int64_t identity_of(int64_t index) const override;
  std::string describe() const override;

 private:
  SyntheticSourceOptions options_;
  uint64_t seed_;
  SyntheticFaceOptions face_;
};

}  // namespace facerep::data
