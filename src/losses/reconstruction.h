#pragma once
// Pixel reconstruction on patches, with MAE's conventions: patchify orders each patch's values
// as (row, column, channel), so a PyTorch MAE's decoder_pred outputs line up with ours.
#include <cstdint>

#include <ATen/core/Tensor.h>

namespace facerep::losses {

// [B,C,H,W] -> [B, (H/p)*(W/p), p*p*C]. Throws RuntimeError when H or W is not a multiple of p.
at::Tensor patchify(const at::Tensor& images, int64_t patch);
// Inverse of patchify for square images: [B,N,p*p*C] -> [B,C,H,W].
at::Tensor unpatchify(const at::Tensor& patches, int64_t patch, int64_t channels);

// The regression target of every patch: the pixels, or with `norm_pix` each patch normalised by
// its own mean and (unbiased) variance: (x - mean) / sqrt(var + 1e-6), as MAE's norm_pix_loss.
at::Tensor patch_targets(const at::Tensor& images, int64_t patch, bool norm_pix);
// Mean squared error per patch: [B,N].
at::Tensor per_patch_mse(const at::Tensor& pred, const at::Tensor& target);
// Mean of per-patch losses over patches where `weight` (e.g. the mask, 1 = removed) is 1.
// Returns 0 (keeping the graph) when no patch is selected.
at::Tensor masked_mean(const at::Tensor& per_patch, const at::Tensor& weight);

}  // namespace facerep::losses
