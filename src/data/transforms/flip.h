#pragma once
// horizontal_flip: mirrors the image, the region map and the landmarks. A mirror turns the
// subject's left into their right, so left/right landmark indices are swapped (5-point ArcFace
// order and 68-point iBUG order) and left/right Region values are exchanged.
#include <vector>

#include "data/transforms/transform.h"

namespace facerep::data {

struct HorizontalFlipOptions {
  double p = 0.5;
  template <class V> void visit(V& v) { v("p", p, "probability of flipping").min(0.0).max(1.0); }
};

// The landmark permutation after a mirror for `count` points: new point i is old point
// perm[i]. Throws core::RuntimeError (naming `path`) for counts without a known layout.
const std::vector<int>& flip_permutation(size_t count, const std::string& path);

// Mirrors `sample` unconditionally (horizontal_flip with p = 1).
void flip_sample(Sample& sample);

class HorizontalFlip : public Transform {
 public:
  explicit HorizontalFlip(const HorizontalFlipOptions& o) : o_(o) {}
  void apply(Sample& sample, std::mt19937_64& rng) const override;
  bool augments() const override { return true; }

 private:
  HorizontalFlipOptions o_;
};

}  // namespace facerep::data
