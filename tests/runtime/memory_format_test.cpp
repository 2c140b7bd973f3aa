#include <gtest/gtest.h>

#include <torch/torch.h>

#include "runtime/memory_format.h"

namespace facerep::runtime {
namespace {

TEST(MemoryFormat, ChannelsLastKeepsValuesAndOutputs) {
  torch::manual_seed(0);
  torch::nn::Sequential net(torch::nn::Conv2d(torch::nn::Conv2dOptions(3, 8, 3).padding(1)),
                            torch::nn::BatchNorm2d(8), torch::nn::Conv2d(torch::nn::Conv2dOptions(8, 4, 1)));
  net->eval();
  const at::Tensor x = torch::randn({2, 3, 10, 10});
  const at::Tensor before = net->forward(x);
  const at::Tensor weight = net->parameters()[0].clone();
  to_channels_last(*net);
  const at::Tensor w = net->parameters()[0];
  EXPECT_TRUE(w.is_contiguous(at::MemoryFormat::ChannelsLast));
  EXPECT_FALSE(w.is_contiguous());
  EXPECT_TRUE(w.equal(weight));
  EXPECT_TRUE(net->parameters()[1].is_contiguous());  // 1-D bias untouched
  const at::Tensor after = net->forward(x.contiguous(at::MemoryFormat::ChannelsLast));
  EXPECT_TRUE(torch::allclose(after, before, 1e-5, 1e-6));
  // Gradients still reach the converted weights.
  net->train();
  net->forward(x).sum().backward();
  EXPECT_TRUE(w.grad().defined());
  EXPECT_GT(w.grad().abs().sum().item<double>(), 0.0);
}

}  // namespace
}  // namespace facerep::runtime
