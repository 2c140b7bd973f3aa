#pragma once
// The picture of a masked autoencoder at work: one row per (sample, masking strategy) with three
// cells, original | masked input (removed patches grey) | reconstruction (predicted patches where
// masked, the original where visible, as in MAE's figures). The patch layout and the per-patch
// normalisation come from their single homes (models::PatchLayout, losses/reconstruction.h), so
// the picture shows exactly what the loss scores.
#include <cstdint>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>
#include <opencv2/core/mat.hpp>

#include "data/transforms/normalize.h"
#include "losses/mae_core.h"
#include "models/backbone.h"
#include "models/patch_layout.h"

namespace facerep::eval {

struct MaeVizInput {
  at::Tensor images;  // [B,C,H,W] normalised as the model saw them
  at::Tensor pred;    // [B,N,p*p*C] decoder output, in target units
  at::Tensor mask;    // [B,N], 1 = removed
  models::PatchLayout layout;
  bool norm_pix = true;               // pred is in per-patch normalised units
  data::NormalizeOptions normalization;  // how images were normalised
};

// Three uint8 RGB images per sample, [B,3,H,W] each: original, masked input, reconstruction.
struct MaeVizImages {
  at::Tensor original, masked, reconstruction;
  MaeVizImages first(int64_t n) const;  // the first n samples
};
MaeVizImages mae_viz_images(const MaeVizInput& in);

// Stacks rows of [original | masked | reconstruction] cells (each upscaled to at least
// `min_cell` pixels, nearest neighbour) into one BGR image.
cv::Mat mae_grid(const std::vector<MaeVizImages>& blocks, const std::vector<std::string>& labels,
                 int min_cell = 96);

// Masks `batch` with `masker` (the mask drawn from `seed`) and reconstructs it with
// `reconstructor`; `model` is the masked encoder it was trained with.
losses::MaeReconstruction reconstruct_masked(models::Backbone& model, losses::MaskedReconstructor& reconstructor,
                                             const data::Batch& batch, const losses::Masker& masker, uint64_t seed);

// The picture rows of `r`, a reconstruction of `images` (normalised as `normalization` says).
MaeVizImages reconstruction_images(models::Backbone& model, const losses::MaeReconstruction& r,
                                   const at::Tensor& images, bool norm_pix,
                                   const data::NormalizeOptions& normalization);

// Writes `grid` as PNG; throws core::RuntimeError naming the path on failure.
void write_png(const cv::Mat& grid, const std::string& path);

}  // namespace facerep::eval
