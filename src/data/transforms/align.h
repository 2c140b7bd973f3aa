#pragma once
// align: warps the face onto the ArcFace 5-point template (data/face_align.h) using the sample's
// own landmarks (5 ArcFace or 68 iBUG points), producing a size x size crop. Samples without
// landmarks fail with their path (on_error: skip can drop them).
#include "data/transforms/transform.h"

namespace facerep::data {

struct AlignOptions {
  int size = 112;
  template <class V> void visit(V& v) { v("size", size, "output side in pixels (template scaled by size/112)").min(8); }
};

class Align : public Transform {
 public:
  explicit Align(const AlignOptions& o) : o_(o) {}
  void apply(Sample& sample, std::mt19937_64& rng) const override;

 private:
  AlignOptions o_;
};

}  // namespace facerep::data
