#include "models/patch_layout.h"

#include <ATen/ATen.h>

#include "core/error.h"

namespace facerep::models {
namespace {
std::string shape_text(const at::Tensor& t) {
  std::string out = "[";
  for (int64_t i = 0; i < t.dim(); ++i) out += (i ? "," : "") + std::to_string(t.size(i));
  return out + "]";
}
}  // namespace

std::string PatchLayout::text() const {
  return std::to_string(grid_h) + "x" + std::to_string(grid_w) + " patches of " + std::to_string(patch) +
         " px, " + std::to_string(channels) + " channels";
}

at::Tensor PatchLayout::patchify(const at::Tensor& images) const {
  FACEREP_CHECK(images.dim() == 4 && images.size(1) == channels && images.size(2) == height() &&
                    images.size(3) == width(),
                "patchify: images of shape " + shape_text(images) + " do not fit " + text());
  const int64_t b = images.size(0);
  return images.reshape({b, channels, grid_h, patch, grid_w, patch})
      .permute({0, 2, 4, 3, 5, 1})  // b c h p w q -> b h w p q c
      .reshape({b, num_patches(), patch_dim()});
}

at::Tensor PatchLayout::unpatchify(const at::Tensor& patches) const {
  FACEREP_CHECK(patches.dim() == 3 && patches.size(1) == num_patches() && patches.size(2) == patch_dim(),
                "unpatchify: expected [B," + std::to_string(num_patches()) + "," + std::to_string(patch_dim()) +
                    "] patches for " + text());
  const int64_t b = patches.size(0);
  return patches.reshape({b, grid_h, grid_w, patch, patch, channels})
      .permute({0, 5, 1, 3, 2, 4})  // b h w p q c -> b c h p w q
      .reshape({b, channels, height(), width()});
}

at::Tensor PatchLayout::patch_map(const at::Tensor& per_patch) const {
  FACEREP_CHECK(per_patch.dim() == 2 && per_patch.size(1) == num_patches(),
                "patch_map: expected [B," + std::to_string(num_patches()) + "] values for " + text());
  const int64_t b = per_patch.size(0);
  return per_patch.reshape({b, 1, grid_h, 1, grid_w, 1})
      .expand({b, 1, grid_h, patch, grid_w, patch})
      .reshape({b, 1, height(), width()});
}

}  // namespace facerep::models
