#pragma once
// `symface`: a face and its mirror image share an identity, so the two "half faces" of an aligned
// face should embed alike. From each image we build the left-mirrored face (the image's left half
// followed by its mirror) and the right-mirrored face (the mirrored right half followed by the right
// half), embed both with the model and pull them together:
//   term = weight × mean over selected samples of (1 − cos(e_left, e_right))
// (on L2-normalised embeddings this is half the squared L2 distance, so we keep the cosine form).
// "Left" and "right" are the image's sides. Meant to be combined with a margin loss via `sum`.
#include <cstdint>
#include <string>

#include <ATen/core/Tensor.h>

#include "losses/objective.h"

namespace facerep::losses {

struct SymmetryOptions {
  double weight = 1.0;
  bool frontal_only = false;
  double max_asymmetry = 0.15;
  std::string without_landmarks = "frontal";

  template <class V> void visit(V& v) {
    v("weight", weight, "multiplier of the symmetry term").min(0.0);
    v("frontal_only", frontal_only, "use only near-frontal faces (judged from landmarks)");
    v("max_asymmetry", max_asymmetry,
      "frontal when |nose_x − eye_midpoint_x| / inter-ocular distance is below this")
        .greater(0.0);
    v("without_landmarks", without_landmarks,
      "with frontal_only, samples without landmarks count as frontal or are excluded")
        .one_of({"frontal", "exclude"});
  }
};

// [B,C,H,W] → the two mirrored faces, same shape (odd widths keep the centre column once).
at::Tensor left_mirrored(const at::Tensor& images);
at::Tensor right_mirrored(const at::Tensor& images);

// |nose_x − eye_midpoint_x| / inter-ocular distance per sample, from [B,L,2] landmarks in
// 5-point ArcFace order (left eye, right eye, nose, mouth corners) or 68-point iBUG order.
// Throws core::RuntimeError for other landmark counts.
at::Tensor landmark_asymmetry(const at::Tensor& landmarks);

class SymmetryObjective : public Objective {
 public:
  explicit SymmetryObjective(const SymmetryOptions& options) : options_(options) {}
  LossOutput compute(models::Backbone& model, const data::Batch& batch, StepContext& ctx) override;
  DataNeeds needs() const override;

  // Which samples take part (bool [B], on CPU).
  at::Tensor selected(const data::Batch& batch) const;

 private:
  SymmetryOptions options_;
};

}  // namespace facerep::losses
