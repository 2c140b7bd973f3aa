#include "losses/reconstruction.h"

#include <cmath>

#include <ATen/ATen.h>

#include "core/error.h"

namespace facerep::losses {

at::Tensor patchify(const at::Tensor& images, int64_t patch) {
  FACEREP_CHECK(images.dim() == 4, "patchify expects [B,C,H,W] images");
  const int64_t b = images.size(0), c = images.size(1), h = images.size(2), w = images.size(3);
  FACEREP_CHECK(patch > 0 && h % patch == 0 && w % patch == 0,
                "image size " + std::to_string(h) + "x" + std::to_string(w) +
                    " is not a multiple of the patch size " + std::to_string(patch));
  const int64_t gh = h / patch, gw = w / patch;
  return images.reshape({b, c, gh, patch, gw, patch})
      .permute({0, 2, 4, 3, 5, 1})  // n c h p w q -> n h w p q c
      .reshape({b, gh * gw, patch * patch * c});
}

at::Tensor unpatchify(const at::Tensor& patches, int64_t patch, int64_t channels) {
  FACEREP_CHECK(patches.dim() == 3 && patches.size(2) == patch * patch * channels,
                "unpatchify expects [B,N,p*p*C] patches");
  const int64_t b = patches.size(0), n = patches.size(1);
  const auto side = static_cast<int64_t>(std::llround(std::sqrt(static_cast<double>(n))));
  FACEREP_CHECK(side * side == n, "unpatchify needs a square patch grid, got " + std::to_string(n));
  return patches.reshape({b, side, side, patch, patch, channels})
      .permute({0, 5, 1, 3, 2, 4})  // n h w p q c -> n c h p w q
      .reshape({b, channels, side * patch, side * patch});
}

at::Tensor patch_targets(const at::Tensor& images, int64_t patch, bool norm_pix) {
  at::Tensor target = patchify(images, patch);
  if (!norm_pix) return target;
  const at::Tensor mean = target.mean(-1, /*keepdim=*/true);
  const at::Tensor var = target.var(-1, /*unbiased=*/true, /*keepdim=*/true);
  return (target - mean) / (var + 1e-6).sqrt();
}

at::Tensor per_patch_mse(const at::Tensor& pred, const at::Tensor& target) {
  return (pred - target).pow(2).mean(-1);
}

at::Tensor masked_mean(const at::Tensor& per_patch, const at::Tensor& weight) {
  const at::Tensor w = weight.to(per_patch.scalar_type());
  // clamp_min keeps an empty selection at 0 instead of 0/0.
  return (per_patch * w).sum() / w.sum().clamp_min(1.0);
}

}  // namespace facerep::losses
