#include <gtest/gtest.h>

#include <torch/torch.h>

#include "core/error.h"
#include "losses/reconstruction.h"

namespace facerep::losses {
namespace {

// A 2x2 image cut into 1-pixel patches.
const models::PatchLayout kPixelPatches{2, 2, 1, 3};

TEST(MaeReconstruction, NormPixLossMatchesHandComputation) {
  // 2x2 image, patch 1: patch k holds the three channel values of one pixel.
  at::Tensor img = torch::zeros({1, 3, 2, 2});
  img.select(2, 0).select(2, 0).copy_(torch::tensor({{1.f, 2.f, 3.f}}));  // patch 0
  img.select(2, 0).select(2, 1).copy_(torch::tensor({{5.f, 5.f, 8.f}}));  // patch 1
  const at::Tensor target = patch_targets(img, kPixelPatches, /*norm_pix=*/true);
  // Patch 0: mean 2, unbiased var 1 -> (-1, 0, 1) / sqrt(1 + 1e-6).
  const double s0 = std::sqrt(1.0 + 1e-6);
  EXPECT_NEAR(target[0][0][0].item<double>(), -1.0 / s0, 1e-7);
  EXPECT_NEAR(target[0][0][2].item<double>(), 1.0 / s0, 1e-7);
  // Patch 1: mean 6, unbiased var (1 + 1 + 4) / 2 = 3.
  const double s1 = std::sqrt(3.0 + 1e-6);
  EXPECT_NEAR(target[0][1][2].item<double>(), 2.0 / s1, 1e-6);
  // Zero prediction: patch 0 error (1 + 0 + 1) / 3 / (1 + 1e-6); patch 1 (1 + 1 + 4) / 3 / (3 + 1e-6).
  const at::Tensor per_patch = per_patch_mse(torch::zeros_like(target), target);
  const double e0 = 2.0 / 3.0 / (1.0 + 1e-6), e1 = 2.0 / (3.0 + 1e-6);
  EXPECT_NEAR(per_patch[0][0].item<double>(), e0, 1e-6);
  EXPECT_NEAR(per_patch[0][1].item<double>(), e1, 1e-6);
  const at::Tensor mask = torch::tensor({{1.f, 1.f, 0.f, 0.f}});
  EXPECT_NEAR(masked_mean(per_patch, mask).item<double>(), (e0 + e1) / 2, 1e-6);
  EXPECT_NEAR(masked_mean(per_patch, torch::tensor({{0.f, 1.f, 0.f, 0.f}})).item<double>(), e1, 1e-6);
  EXPECT_EQ(masked_mean(per_patch, torch::zeros({1, 4})).item<double>(), 0.0);
  // Without normalisation the target is the raw pixels.
  EXPECT_TRUE(torch::equal(patch_targets(img, kPixelPatches, false), img.permute({0, 2, 3, 1}).reshape({1, 4, 3})));
  // The inverse the pictures use gives the pixels back.
  EXPECT_TRUE(torch::allclose(targets_to_pixels(target, img, kPixelPatches, true), kPixelPatches.patchify(img), 1e-5,
                              1e-5));
}

}  // namespace
}  // namespace facerep::losses
