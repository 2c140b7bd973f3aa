#pragma once
// How an image is cut into patches for masked-image modelling: a grid of grid_h x grid_w
// square patches of `patch` pixels, numbered row-major. A patch's values are ordered
// (row, column, channel), as the public MAE code does, so a PyTorch MAE decoder's outputs line
// up with ours. This is the one home of that layout: the encoder, the losses, the maskers and
// the pictures all go through it.
#include <cstdint>
#include <string>

#include <ATen/core/Tensor.h>

namespace facerep::models {

struct PatchLayout {
  int64_t grid_h = 0;    // patch rows
  int64_t grid_w = 0;    // patch columns
  int64_t patch = 0;     // pixels per patch side
  int64_t channels = 3;  // image channels

  int64_t num_patches() const { return grid_h * grid_w; }
  int64_t patch_dim() const { return patch * patch * channels; }
  int64_t height() const { return grid_h * patch; }
  int64_t width() const { return grid_w * patch; }
  bool square() const { return grid_h == grid_w; }
  std::string text() const;  // "7x7 patches of 16 px, 3 channels"

  // [B,C,H,W] -> [B,N,p*p*C]. Throws core::RuntimeError when the images do not fit the layout.
  at::Tensor patchify(const at::Tensor& images) const;
  // [B,N,p*p*C] -> [B,C,H,W], the inverse of patchify.
  at::Tensor unpatchify(const at::Tensor& patches) const;
  // Per-pixel values of a per-patch quantity ([B,N] -> [B,1,H,W]), e.g. a mask to draw.
  at::Tensor patch_map(const at::Tensor& per_patch) const;
};

}  // namespace facerep::models
