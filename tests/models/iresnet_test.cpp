#include <gtest/gtest.h>

#include <torch/torch.h>

#include "core/config_tree.h"
#include "core/error.h"
#include "models/iresnet.h"
#include "models/model_test_util.h"

namespace facerep::models {
namespace {

using Shape = std::vector<int64_t>;

TEST(IResNet, Depth50MatchesArcfaceTorchNamesAndCount) {
  IResNetOptions o;  // depth 50, width 64, 112x112, 512-d
  IResNet m(o);
  // 43,590,848 = the published IResNet-50 (arcface_torch, 512-d embedding at 112x112).
  EXPECT_EQ(testing::count_parameters(m), 43590848);
  const auto s = testing::shapes(m);
  EXPECT_EQ(s.at("conv1.weight"), (Shape{64, 3, 3, 3}));
  EXPECT_EQ(s.at("bn1.running_var"), (Shape{64}));
  EXPECT_EQ(s.at("prelu.weight"), (Shape{64}));
  EXPECT_EQ(s.at("layer1.0.bn1.weight"), (Shape{64}));
  EXPECT_EQ(s.at("layer1.0.conv1.weight"), (Shape{64, 64, 3, 3}));
  EXPECT_EQ(s.at("layer1.0.prelu.weight"), (Shape{64}));
  EXPECT_EQ(s.at("layer1.0.downsample.0.weight"), (Shape{64, 64, 1, 1}));
  EXPECT_EQ(s.at("layer1.0.downsample.1.num_batches_tracked"), (Shape{}));
  EXPECT_EQ(s.count("layer1.1.downsample.0.weight"), 0u);
  EXPECT_EQ(s.at("layer2.0.downsample.0.weight"), (Shape{128, 64, 1, 1}));
  EXPECT_EQ(s.at("layer3.13.conv2.weight"), (Shape{256, 256, 3, 3}));
  EXPECT_EQ(s.count("layer3.14.conv2.weight"), 0u);
  EXPECT_EQ(s.at("layer4.2.bn3.bias"), (Shape{512}));
  EXPECT_EQ(s.at("bn2.weight"), (Shape{512}));
  EXPECT_EQ(s.at("fc.weight"), (Shape{512, 512 * 7 * 7}));
  EXPECT_EQ(s.at("features.running_mean"), (Shape{512}));
  EXPECT_FALSE(m.named_parameters()["features.weight"].requires_grad());
  EXPECT_EQ(testing::parameter_names(m).front(), "conv1.weight");
  EXPECT_EQ(m.layer_id("conv1.weight"), 0);
  EXPECT_EQ(m.layer_id("layer3.2.conv1.weight"), 3);
  EXPECT_EQ(m.layer_id("fc.weight"), 5);
}

TEST(IResNet, OtherDepthsCountBlocks) {
  IResNetOptions o;
  o.width = 8;
  o.image_size = 32;
  o.embedding_size = 16;
  for (int depth : {18, 34, 100}) {
    o.depth = depth;
    IResNet m(o);
    const std::vector<int> blocks = IResNet::stage_blocks(depth);
    const auto s = testing::shapes(m);
    for (int stage = 0; stage < 4; ++stage) {
      const std::string last = "layer" + std::to_string(stage + 1) + "." + std::to_string(blocks[stage] - 1) + ".bn3.weight";
      const std::string beyond = "layer" + std::to_string(stage + 1) + "." + std::to_string(blocks[stage]) + ".bn3.weight";
      EXPECT_EQ(s.count(last), 1u) << last;
      EXPECT_EQ(s.count(beyond), 0u) << beyond;
    }
  }
}

TEST(IResNet, TinyForwardShapeAndGradientsReachStem) {
  IResNetOptions o = testing::tiny_iresnet_options();
  IResNet m(o);
  EXPECT_EQ(testing::shapes(m).at("fc.weight"), (Shape{16, 64 * 2 * 2}));  // fc follows the 2x2 map
  m.train();
  const at::Tensor y = m.forward(torch::randn({3, 3, 32, 32}));
  EXPECT_EQ(y.sizes(), (Shape{3, 16}));
  EXPECT_TRUE(torch::isfinite(y).all().item<bool>());
  EXPECT_GT(testing::grad_norm_after_backward(m, y * torch::randn({3, 16}), "conv1.weight"), 0.0);
  EXPECT_THROW(m.forward(torch::randn({1, 3, 64, 64})), core::RuntimeError);
}

TEST(IResNet, ConfigErrorsNameTheKey) {
  auto error = [](const std::string& yaml) {
    core::ConfigTree t = core::ConfigTree::load_string(yaml, "m.yaml");
    try {
      core::read_options<IResNetOptions>(t, t.root()["model"], "model");
    } catch (const core::ConfigError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_EQ(error("model:\n  depth: 42\n"), "m.yaml:2: model.depth: must be one of 18, 34, 50, 100, got 42");
  EXPECT_EQ(error("model:\n  image_size: 100\n"), "m.yaml:2: model.image_size: must be a multiple of 16, got 100");
  EXPECT_EQ(error("model:\n  pretrained: /no/such/file.pth\n"),
            "m.yaml:2: model.pretrained: file not found: /no/such/file.pth");
}

}  // namespace
}  // namespace facerep::models
