#include <gtest/gtest.h>

#include <torch/torch.h>

#include "core/error.h"
#include "models/pixels.h"

namespace facerep::models {
namespace {

TEST(Pixels, PooledStandardisedImageIsTheEmbedding) {
  PixelsOptions o;
  o.image_size = 4;
  o.grid = 2;
  Pixels model(o);
  EXPECT_EQ(model.embedding_dim(), 12);
  EXPECT_TRUE(model.parameters().empty());
  // Channel c of the 4x4 image holds c in its top-left 2x2 block and 0 elsewhere: pooled, each
  // channel is [c, 0, 0, 0]; flattened over 3 channels the values are 0,0,0,0, 1,0,0,0, 2,0,0,0.
  at::Tensor x = torch::zeros({1, 3, 4, 4});
  for (int c = 0; c < 3; ++c) x[0][c].slice(0, 0, 2).slice(1, 0, 2).fill_(c);
  const at::Tensor raw = torch::tensor({0., 0., 0., 0., 1., 0., 0., 0., 2., 0., 0., 0.}, torch::kFloat32);
  const double mean = 0.25, std = std::sqrt((5.0 - 12 * mean * mean) / 11.0);  // unbiased
  const at::Tensor expected = (raw - mean) / (std + 1e-6);
  EXPECT_TRUE(torch::allclose(model.forward(x)[0], expected, 1e-5, 1e-6));
  // Brightness and contrast do not change it.
  EXPECT_TRUE(torch::allclose(model.forward(x * 3 + 1), model.forward(x), 1e-4, 1e-5));
  o.standardize = false;
  EXPECT_TRUE(torch::allclose(Pixels(o).forward(x)[0], raw));
  EXPECT_THROW(model.forward(torch::zeros({1, 3, 8, 8})), core::RuntimeError);
}

}  // namespace
}  // namespace facerep::models
