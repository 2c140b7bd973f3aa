#pragma once
// Pixel reconstruction targets on patches (the layout is models::PatchLayout's) and their
// inverse for pictures: the one home of MAE's per-patch normalisation.
#include <ATen/core/Tensor.h>

#include "models/patch_layout.h"

namespace facerep::losses {

// The regression target of every patch [B,N,p*p*C]: the pixels, or with `norm_pix` each patch
// normalised by its own mean and (unbiased) variance: (x - mean) / sqrt(var + 1e-6), as MAE's
// norm_pix_loss.
at::Tensor patch_targets(const at::Tensor& images, const models::PatchLayout& layout, bool norm_pix);
// The inverse for pictures: predictions in target units back to pixel values [B,N,p*p*C], using
// the statistics of `images`' own patches (what a decoder trained with norm_pix cannot know).
at::Tensor targets_to_pixels(const at::Tensor& pred, const at::Tensor& images, const models::PatchLayout& layout,
                             bool norm_pix);
// Mean squared error per patch: [B,N].
at::Tensor per_patch_mse(const at::Tensor& pred, const at::Tensor& target);
// Mean of per-patch losses over patches where `weight` (e.g. the mask, 1 = removed) is 1.
// Returns 0 (keeping the graph) when no patch is selected.
at::Tensor masked_mean(const at::Tensor& per_patch, const at::Tensor& weight);

}  // namespace facerep::losses
