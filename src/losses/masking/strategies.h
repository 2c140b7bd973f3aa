#pragma once
// The masking strategies and their options (objective.mask: {type: random|block|crfr_p, ...}).
#include <memory>
#include <string>

#include "core/config_visit.h"
#include "losses/masking/masker.h"

namespace facerep::losses {

// `random`: MAE's uniform random masking (noise, argsort, keep the first len_keep).
struct RandomMaskOptions {
  double ratio = 0.75;
  template <class V> void visit(V& v) {
    v("ratio", ratio, "fraction of patches removed").greater(0.0).less(1.0);
  }
};

// `block`: BEiT-style block-wise masking: random rectangles (area and log-uniform aspect drawn per
// block) until the exact count is reached; when no block fits the remainder, single random
// patches top it up so the count is always exact.
struct BlockMaskOptions {
  double ratio = 0.5;
  int min_block = 4;          // smallest block area, in patches
  double min_aspect = 0.3;    // aspect ratios in [min_aspect, 1/min_aspect]
  int attempts = 10;          // tries per block before topping up
  template <class V> void visit(V& v) {
    v("ratio", ratio, "fraction of patches removed").greater(0.0).less(1.0);
    v("min_block", min_block, "smallest block area in patches").min(1);
    v("min_aspect", min_aspect, "block aspect ratio range [min_aspect, 1/min_aspect]")
        .greater(0.0).max(1.0);
    v("attempts", attempts, "placements tried per block").min(1);
  }
};

// `crfr_p`: FSFM's Chosen-Region-Fully-Random-Proportionally masking. One facial-region group is
// chosen (once per batch, or per sample) and all its patches are masked; the rest of the budget
// is spread over the other groups in proportion to their size (random patches within each), so
// every sample ends with exactly ratio's count. A chosen region larger than the budget is masked
// only in part (a random subset). Samples where the chosen group is empty choose again among their
// non-empty groups; a sample with no group at all is masked at random.
struct CrfrMaskOptions {
  double ratio = 0.75;
  bool per_sample = false;
  std::vector<std::string> groups{"brows", "eyes", "nose", "mouth", "face_boundary", "hair"};
  template <class V> void visit(V& v) {
    v("ratio", ratio, "fraction of patches removed").greater(0.0).less(1.0);
    v("per_sample", per_sample, "choose the region per sample instead of once per batch");
    v("groups", groups,
      "region groups to choose from: brows, eyes, nose, mouth, face_boundary, hair")
        .non_empty();
    for (const auto& g : groups)
      v.require(g == "brows" || g == "eyes" || g == "nose" || g == "mouth" ||
                    g == "face_boundary" || g == "hair",
                "groups", "unknown region group '" + g +
                              "' (known: brows, eyes, nose, mouth, face_boundary, hair)");
  }
};

std::shared_ptr<Masker> make_random_masker(const RandomMaskOptions& o);
std::shared_ptr<Masker> make_block_masker(const BlockMaskOptions& o);
std::shared_ptr<Masker> make_crfr_masker(const CrfrMaskOptions& o);

}  // namespace facerep::losses
