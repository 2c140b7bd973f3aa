// The reconstruction picture and the loss must agree on where each patch lies: both go through
// models::PatchLayout and losses/reconstruction.h. A non-square grid catches any code that
// assumes rows == columns.
#include <gtest/gtest.h>

#include <torch/torch.h>

#include "eval/viz_mae.h"
#include "losses/reconstruction.h"

namespace facerep::eval {
namespace {

const models::PatchLayout kLayout{2, 3, 2, 3};  // 2 rows x 3 columns of 2-px patches: 4x6 images

// Images whose pixels are whole grey levels, so the uint8 picture is exact.
at::Tensor exact_images() {
  const at::Tensor levels = torch::randint(0, 256, {2, 3, 4, 6}, torch::TensorOptions().dtype(torch::kFloat));
  return (levels / 255.0 - 0.5) / 0.5;
}

TEST(VizMae, PictureAndLossAgreeOnANonSquarePatchGrid) {
  torch::manual_seed(3);
  for (bool norm_pix : {false, true}) {
    SCOPED_TRACE(norm_pix);
    const at::Tensor images = exact_images();
    at::Tensor mask = torch::zeros({2, 6});
    mask[0][4] = 1;  // row 1, column 1
    mask[1][2] = 1;  // row 0, column 2
    // A prediction equal to the loss's own targets except for patch 4 of sample 0, which is
    // off by a constant: the loss sees exactly one wrong patch.
    at::Tensor pred = losses::patch_targets(images, kLayout, norm_pix).clone();
    pred[0][4] += 0.7;
    const at::Tensor per_patch =
        losses::per_patch_mse(pred, losses::patch_targets(images, kLayout, norm_pix));
    EXPECT_GT(per_patch[0][4].item<float>(), 0.1f);
    EXPECT_EQ((per_patch > 1e-6).sum().item<int64_t>(), 1);

    MaeVizInput in;
    in.images = images;
    in.pred = pred;
    in.mask = mask;
    in.layout = kLayout;
    in.norm_pix = norm_pix;
    const MaeVizImages out = mae_viz_images(in);
    const at::Tensor diff = (out.reconstruction.to(torch::kInt) - out.original.to(torch::kInt)).abs().sum(1);
    // The picture differs from the original exactly on the pixels of sample 0's patch 4.
    at::Tensor expected = torch::zeros({2, 4, 6}, torch::kBool);
    expected[0].slice(0, 2, 4).slice(1, 2, 4).fill_(true);
    EXPECT_TRUE(torch::equal(diff > 0, expected));
    // The masked cell is grey exactly where the mask removes patches.
    at::Tensor grey = torch::zeros({2, 4, 6}, torch::kBool);
    grey[0].slice(0, 2, 4).slice(1, 2, 4).fill_(true);
    grey[1].slice(0, 0, 2).slice(1, 4, 6).fill_(true);
    EXPECT_TRUE(torch::equal((out.masked == 128).all(1), grey.logical_or((out.original == 128).all(1))));
  }
}

}  // namespace
}  // namespace facerep::eval
