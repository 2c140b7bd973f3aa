#include <gtest/gtest.h>

#include <torch/torch.h>

#include "core/error.h"
#include "losses/reconstruction.h"

namespace facerep::losses {
namespace {

TEST(MaeReconstruction, PatchifyOrdersRowColumnChannel) {
  // [1,3,4,4] with value = 100*c + 10*y + x; patch 2 -> 4 patches of 2*2*3 values.
  at::Tensor img = torch::zeros({1, 3, 4, 4});
  for (int c = 0; c < 3; ++c)
    for (int y = 0; y < 4; ++y)
      for (int x = 0; x < 4; ++x) img[0][c][y][x] = 100 * c + 10 * y + x;
  const at::Tensor p = patchify(img, 2);
  ASSERT_EQ(p.sizes(), (std::vector<int64_t>{1, 4, 12}));
  // Patch 1 is row 0, column 1: pixels (y, x) = (0,2), (0,3), (1,2), (1,3), channels innermost.
  const at::Tensor expected = torch::tensor(
      {2.f, 102.f, 202.f, 3.f, 103.f, 203.f, 12.f, 112.f, 212.f, 13.f, 113.f, 213.f});
  EXPECT_TRUE(torch::equal(p[0][1], expected));
  EXPECT_TRUE(torch::equal(unpatchify(p, 2, 3), img));
  at::Tensor big = torch::randn({2, 3, 32, 32});
  EXPECT_TRUE(torch::equal(unpatchify(patchify(big, 8), 8, 3), big));
  EXPECT_THROW(patchify(torch::zeros({1, 3, 30, 32}), 8), core::RuntimeError);
}

TEST(MaeReconstruction, NormPixLossMatchesHandComputation) {
  // 2x2 image, patch 1: patch k holds the three channel values of one pixel.
  at::Tensor img = torch::zeros({1, 3, 2, 2});
  img.select(2, 0).select(2, 0).copy_(torch::tensor({{1.f, 2.f, 3.f}}));  // patch 0
  img.select(2, 0).select(2, 1).copy_(torch::tensor({{5.f, 5.f, 8.f}}));  // patch 1
  const at::Tensor target = patch_targets(img, 1, /*norm_pix=*/true);
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
  EXPECT_TRUE(torch::equal(patch_targets(img, 1, false), img.permute({0, 2, 3, 1}).reshape({1, 4, 3})));
}

}  // namespace
}  // namespace facerep::losses
