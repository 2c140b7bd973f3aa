#include <gtest/gtest.h>

#include <torch/torch.h>

#include "core/error.h"
#include "models/mobilefacenet.h"
#include "models/model_test_util.h"

namespace facerep::models {
namespace {

using Shape = std::vector<int64_t>;

TEST(MobileFaceNet, DefaultMatchesArcfaceTorchMbfLayout) {
  MobileFaceNet m(MobileFaceNetOptions{});
  const auto s = testing::shapes(m);
  EXPECT_EQ(s.at("layers.0.layers.0.weight"), (Shape{128, 3, 3, 3}));      // ConvBlock conv
  EXPECT_EQ(s.at("layers.0.layers.1.running_mean"), (Shape{128}));         // its BN
  EXPECT_EQ(s.at("layers.0.layers.2.weight"), (Shape{128}));               // its PReLU
  EXPECT_EQ(s.at("layers.1.layers.0.weight"), (Shape{128, 2, 3, 3}));      // groups = 64
  EXPECT_EQ(s.at("layers.2.layers.0.layers.0.weight"), (Shape{128, 128, 1, 1}));
  EXPECT_EQ(s.at("layers.2.layers.1.layers.0.weight"), (Shape{128, 1, 3, 3}));  // depthwise
  EXPECT_EQ(s.at("layers.2.layers.2.layers.0.weight"), (Shape{128, 128, 1, 1}));
  EXPECT_EQ(s.at("layers.3.layers.3.layers.1.layers.0.weight"), (Shape{128, 1, 3, 3}));  // 4th residual unit
  EXPECT_EQ(s.count("layers.3.layers.4.layers.0.layers.0.weight"), 0u);
  EXPECT_EQ(s.at("layers.4.layers.2.layers.0.weight"), (Shape{256, 256, 1, 1}));
  EXPECT_EQ(s.at("layers.5.layers.5.layers.0.layers.0.weight"), (Shape{256, 256, 1, 1}));
  EXPECT_EQ(s.at("layers.7.layers.1.layers.2.layers.1.weight"), (Shape{256}));
  EXPECT_EQ(s.at("conv_sep.layers.0.weight"), (Shape{512, 256, 1, 1}));
  EXPECT_EQ(s.at("features.layers.0.layers.0.weight"), (Shape{512, 1, 7, 7}));  // GDC over the 7x7 map
  EXPECT_EQ(s.at("features.layers.2.weight"), (Shape{512, 512}));
  EXPECT_EQ(s.count("features.layers.2.bias"), 0u);
  EXPECT_EQ(s.at("features.layers.3.running_var"), (Shape{512}));
  EXPECT_EQ(testing::count_parameters(m), 2059520);  // arcface_torch mbf, 512-d
}

TEST(MobileFaceNet, TinyForwardAndGradients) {
  MobileFaceNetOptions o;
  o.scale = 1;
  o.image_size = 32;
  o.embedding_size = 16;
  o.blocks = {2, 1, 1, 1};
  MobileFaceNet m(o);
  EXPECT_EQ(testing::shapes(m).at("features.layers.0.layers.0.weight"), (Shape{512, 1, 2, 2}));
  EXPECT_EQ(testing::shapes(m).at("layers.1.layers.1.layers.1.layers.0.weight"), (Shape{128, 1, 3, 3}));
  m.train();
  const at::Tensor y = m.forward(torch::randn({4, 3, 32, 32}));
  EXPECT_EQ(y.sizes(), (Shape{4, 16}));
  EXPECT_GT(testing::grad_norm_after_backward(m, y * torch::randn({4, 16}), "layers.0.layers.0.weight"), 0.0);
  EXPECT_THROW(m.forward(torch::randn({1, 3, 112, 112})), core::RuntimeError);
}

}  // namespace
}  // namespace facerep::models
