#include <gtest/gtest.h>

#include <torch/torch.h>

#include "core/error.h"
#include "models/patch_layout.h"

namespace facerep::models {
namespace {

TEST(PatchLayout, PatchifyOrdersRowColumnChannel) {
  // [1,3,4,4] with value = 100*c + 10*y + x; patch 2 -> 4 patches of 2*2*3 values.
  at::Tensor img = torch::zeros({1, 3, 4, 4});
  for (int c = 0; c < 3; ++c)
    for (int y = 0; y < 4; ++y)
      for (int x = 0; x < 4; ++x) img[0][c][y][x] = 100 * c + 10 * y + x;
  const PatchLayout layout{2, 2, 2, 3};
  const at::Tensor p = layout.patchify(img);
  ASSERT_EQ(p.sizes(), (std::vector<int64_t>{1, 4, 12}));
  // Patch 1 is row 0, column 1: pixels (y, x) = (0,2), (0,3), (1,2), (1,3), channels innermost.
  const at::Tensor expected = torch::tensor(
      {2.f, 102.f, 202.f, 3.f, 103.f, 203.f, 12.f, 112.f, 212.f, 13.f, 113.f, 213.f});
  EXPECT_TRUE(torch::equal(p[0][1], expected));
  EXPECT_TRUE(torch::equal(layout.unpatchify(p), img));
  const PatchLayout big{4, 4, 8, 3};
  at::Tensor x = torch::randn({2, 3, 32, 32});
  EXPECT_TRUE(torch::equal(big.unpatchify(big.patchify(x)), x));
  EXPECT_THROW(big.patchify(torch::zeros({1, 3, 30, 32})), core::RuntimeError);
}

TEST(PatchLayout, NonSquareGridIsRowMajor) {
  // 2 rows x 3 columns of 2-pixel patches: a 4x6 image; value = 10*y + x.
  const PatchLayout layout{2, 3, 2, 1};
  at::Tensor img = torch::zeros({1, 1, 4, 6});
  for (int y = 0; y < 4; ++y)
    for (int x = 0; x < 6; ++x) img[0][0][y][x] = 10 * y + x;
  const at::Tensor p = layout.patchify(img);
  ASSERT_EQ(p.sizes(), (std::vector<int64_t>{1, 6, 4}));
  // Patch 4 is row 1, column 1: pixels (2,2), (2,3), (3,2), (3,3).
  EXPECT_TRUE(torch::equal(p[0][4], torch::tensor({22.f, 23.f, 32.f, 33.f})));
  EXPECT_TRUE(torch::equal(layout.unpatchify(p), img));
  // patch_map puts patch k's value on exactly its pixels.
  at::Tensor one = torch::zeros({1, 6});
  one[0][4] = 1;
  const at::Tensor map = layout.patch_map(one);
  EXPECT_EQ(map.sum().item<float>(), 4.f);
  EXPECT_TRUE(torch::equal(map[0][0].slice(0, 2, 4).slice(1, 2, 4), torch::ones({2, 2})));
}

}  // namespace
}  // namespace facerep::models
