#include "losses/reconstruction.h"

#include <ATen/ATen.h>

namespace facerep::losses {
namespace {
constexpr double kNormPixEps = 1e-6;

// Per-patch mean and sqrt(var + eps) of patchified pixels.
std::pair<at::Tensor, at::Tensor> patch_stats(const at::Tensor& patches) {
  const at::Tensor mean = patches.mean(-1, /*keepdim=*/true);
  const at::Tensor var = patches.var(-1, /*unbiased=*/true, /*keepdim=*/true);
  return {mean, (var + kNormPixEps).sqrt()};
}
}  // namespace

at::Tensor patch_targets(const at::Tensor& images, const models::PatchLayout& layout, bool norm_pix) {
  const at::Tensor target = layout.patchify(images);
  if (!norm_pix) return target;
  const auto [mean, scale] = patch_stats(target);
  return (target - mean) / scale;
}

at::Tensor targets_to_pixels(const at::Tensor& pred, const at::Tensor& images, const models::PatchLayout& layout,
                             bool norm_pix) {
  if (!norm_pix) return pred;
  const auto [mean, scale] = patch_stats(layout.patchify(images));
  return pred * scale + mean;
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
