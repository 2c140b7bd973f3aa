#include <gtest/gtest.h>

#include <torch/torch.h>

#include "core/config_tree.h"
#include "core/error.h"
#include "losses/masking/masker.h"
#include "losses/mae_objective.h"
#include "losses/test_backbone.h"
#include "models/vit.h"
#include "test_support.h"

namespace facerep::losses {
namespace {

using testing::tiny_vit;

std::shared_ptr<Objective> build(const std::string& yaml, std::shared_ptr<models::Backbone> model) {
  const core::ComponentSpec spec = testing::read_component(yaml, "objective", "objective", "obj.yaml");
  ObjectiveContext ctx;
  ctx.model = model;
  ctx.image_size = model->image_size();
  return objective_registry().build(spec, ctx);
}

// Smooth structured images: oriented gradients plus a bright disc, different per sample.
at::Tensor structured_images(int64_t n, int64_t size, uint64_t seed) {
  torch::manual_seed(seed);
  const at::Tensor coords = torch::linspace(-1, 1, size);
  const at::Tensor yy = coords.view({1, 1, size, 1}), xx = coords.view({1, 1, 1, size});
  const at::Tensor a = torch::randn({n, 3, 1, 1}), b = torch::randn({n, 3, 1, 1});
  const at::Tensor cx = torch::rand({n, 1, 1, 1}) - 0.5, cy = torch::rand({n, 1, 1, 1}) - 0.5;
  const at::Tensor disc = ((xx - cx).pow(2) + (yy - cy).pow(2) < 0.15).to(torch::kFloat);
  return a * xx + b * yy + disc;
}

TEST(MaeObjective, RegistersDecoderUnderMaeNames) {
  auto obj = build("objective: {type: mae, decoder: {width: 16, depth: 1, heads: 2}}\n", tiny_vit());
  const auto params = obj->named_parameters();
  for (const char* name : {"decoder_embed.weight", "mask_token", "decoder_blocks.0.attn.qkv.weight",
                           "decoder_blocks.0.mlp.fc2.bias", "decoder_norm.weight", "decoder_pred.weight"})
    EXPECT_TRUE(params.contains(name)) << name;
  EXPECT_EQ(params["decoder_pred.weight"].sizes(), (std::vector<int64_t>{8 * 8 * 3, 16}));
  EXPECT_EQ(params["decoder_embed.weight"].sizes(), (std::vector<int64_t>{16, 32}));
  EXPECT_TRUE(obj->named_buffers().contains("decoder_pos_embed"));
  EXPECT_FALSE(obj->needs().region_map_or_landmarks);
  auto crfr = build("objective: {type: mae, mask: {type: crfr_p}}\n", tiny_vit());
  EXPECT_TRUE(crfr->needs().region_map_or_landmarks);
}

TEST(MaeObjective, RejectsUnusableConfigsBeforeTraining) {
  // 16/8 = 2x2 grid: ratio 0.8 keeps int(4 * 0.2) = 0 patches.
  try {
    build("objective: {type: mae, mask: {type: random, ratio: 0.8}}\n", tiny_vit(16, 8));
    FAIL() << "expected ConfigError";
  } catch (const core::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("objective.mask.ratio"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("no visible patch"), std::string::npos) << e.what();
  }
  auto linear = std::make_shared<testing::LinearBackbone>(3, 32, 8);
  try {
    build("objective: {type: mae}\n", linear);
    FAIL() << "expected ConfigError";
  } catch (const core::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("needs a model that encodes visible patches"), std::string::npos) << e.what();
  }
  EXPECT_THROW(build("objective: {type: mae, decoder: {width: 18, heads: 4}}\n", tiny_vit()),
               core::ConfigError);
  // The ViT itself rejects an image size that is not a multiple of the patch.
  models::VitOptions bad;
  bad.image_size = 30, bad.patch = 8;
  EXPECT_THROW(models::VisionTransformer{bad}, core::ConfigError);
}

TEST(MaeObjective, ShortPretrainingLowersTheLoss) {
  torch::manual_seed(5);  // the starting weights must not depend on what ran before in the process
  auto vit = tiny_vit();
  auto obj = build("objective: {type: mae, norm_pix_loss: false, mask: {type: random, ratio: 0.5},"
                   " decoder: {width: 32, depth: 1, heads: 4}}\n", vit);
  std::vector<at::Tensor> params = vit->parameters();
  for (const auto& p : obj->parameters()) params.push_back(p);
  torch::optim::AdamW opt(params, torch::optim::AdamWOptions(2e-3).weight_decay(0.0));
  const at::Tensor images = structured_images(64, 32, 0);
  StepContext ctx;
  ctx.generator = at::detail::createCPUGenerator(7);
  auto eval_loss = [&] {
    // Same masks every time: a fixed generator seed.
    StepContext ectx;
    ectx.generator = at::detail::createCPUGenerator(123);
    torch::NoGradGuard no_grad;
    data::Batch batch;
    batch.images = images;
    return obj->compute(*vit, batch, ectx).total.item<double>();
  };
  const double before = eval_loss();
  for (int step = 0; step < 120; ++step) {
    data::Batch batch;
    batch.images = images.index_select(0, torch::randperm(64).slice(0, 0, 16));
    LossOutput out = obj->compute(*vit, batch, ctx);
    ASSERT_EQ(out.terms.size(), 1u);
    EXPECT_EQ(out.terms[0].first, "reconstruction");
    opt.zero_grad();
    out.total.backward();
    opt.step();
  }
  const double after = eval_loss();
  EXPECT_LT(after, 0.5 * before) << "before " << before << " after " << after;
}

}  // namespace
}  // namespace facerep::losses
