#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include <torch/torch.h>

#include "core/config_tree.h"
#include "core/error.h"
#include "data/sample.h"
#include "losses/distill.h"
#include "losses/fsfm_objective.h"
#include "models/frozen_copy.h"
#include "models/vit.h"
#include "losses/test_backbone.h"
#include "runtime/ema.h"
#include "test_support.h"

namespace facerep::losses {
namespace {

using testing::tiny_vit;

std::shared_ptr<FsfmObjective> build_fsfm(const std::string& extra, std::shared_ptr<models::VisionTransformer> vit) {
  const core::ComponentSpec spec = testing::read_component(
      "objective: {type: fsfm, decoder: {width: 16, depth: 1, heads: 2}, projector_hidden: 32,"
      " projection_dim: 16, predictor_hidden: 32, rep_decoder_depth: 1" + extra + "}\n",
      "objective", "objective", "f.yaml");
  ObjectiveContext ctx;
  ctx.model = vit;
  return std::dynamic_pointer_cast<FsfmObjective>(objective_registry().build(spec, ctx));
}

// Two views of random images with a region map: mouth in the bottom row of patches.
data::Batch face_batch(int64_t b) {
  data::Batch batch;
  batch.images = torch::randn({b, 3, 32, 32});
  batch.views = {batch.images, batch.images + 0.1 * torch::randn({b, 3, 32, 32})};
  at::Tensor map = torch::full({b, 32, 32}, static_cast<int>(data::Region::kSkin), torch::kByte);
  map.slice(1, 26, 30).slice(2, 4, 28).fill_(static_cast<int>(data::Region::kMouth));
  map.slice(1, 0, 6).fill_(static_cast<int>(data::Region::kHair));
  batch.region_map = map;
  batch.region_mask = torch::ones({b}, torch::kBool);
  return batch;
}

TEST(MaeFsfm, FrozenCopyMatchesAndStopsGradients) {
  torch::nn::Linear online(2, 2), target(2, 2);
  models::copy_into_frozen(*online, *target);
  EXPECT_TRUE(torch::equal(target->weight, online->weight));
  EXPECT_FALSE(target->weight.requires_grad());
}

TEST(MaeFsfm, InstanceLossesMatchHandValues) {
  const at::Tensor p = torch::tensor({{1.f, 0.f}, {0.f, 2.f}});
  const at::Tensor z = torch::tensor({{1.f, 1.f}, {0.f, 1.f}});
  const double c = 1.0 / std::sqrt(2.0);  // cos of row 0; row 1 is 1
  EXPECT_NEAR(negative_cosine(p, z).item<double>(), -(c + 1) / 2, 1e-6);
  EXPECT_NEAR(byol_loss(p, z).item<double>(), ((2 - 2 * c) + 0) / 2, 1e-6);
  // InfoNCE, T = 0.5: unit p = [1,0], [0,1]; unit z = [c,c], [0,1].
  // Logits row 0 = [c, 0] / T (positive c); row 1 = [c, 1] / T (positive 1).
  const double l0 = -std::log(std::exp(2 * c) / (std::exp(2 * c) + std::exp(0.0)));
  const double l1 = -std::log(std::exp(2.0) / (std::exp(2 * c) + std::exp(2.0)));
  EXPECT_NEAR(info_nce(p, z, 0.5).item<double>(), (l0 + l1) / 2, 1e-5);
  // Gradients never reach the target.
  at::Tensor zz = z.clone().requires_grad_(true), pp = p.clone().requires_grad_(true);
  negative_cosine(pp, zz).backward();
  EXPECT_FALSE(zz.grad().defined());
  EXPECT_TRUE(pp.grad().defined());
}

TEST(MaeFsfm, TermsTargetBranchAndEmaStep) {
  auto vit = tiny_vit();
  auto obj = build_fsfm("", vit);
  ASSERT_TRUE(obj);
  EXPECT_TRUE(obj->needs().region_map_or_landmarks);
  EXPECT_EQ(obj->needs().views, 1);  // the target sees the same image, unmasked
  const auto named = obj->named_parameters();
  EXPECT_TRUE(named.contains("decoder_embed.weight"));
  EXPECT_EQ(named["mask_token"].size(2), 32);  // shared by both decoders, at the encoder's width
  EXPECT_TRUE(named.contains("rep_decoder_pred.weight"));
  EXPECT_TRUE(named.contains("projector.projection_head.1.weight"));  // LayerNorm
  EXPECT_TRUE(named.contains("target_encoder.blocks.1.attn.qkv.weight"));
  EXPECT_FALSE(named["target_encoder.blocks.1.attn.qkv.weight"].requires_grad());
  EXPECT_TRUE(torch::equal(named["target_encoder.blocks.1.attn.qkv.weight"],
                           vit->named_parameters()["blocks.1.attn.qkv.weight"]));
  EXPECT_TRUE(torch::equal(named["target.projector.projection_head.0.weight"],
                           named["projector.projection_head.0.weight"]));
  EXPECT_TRUE(torch::equal(named["target.rep_decoder_embed.weight"], named["rep_decoder_embed.weight"]));
  EXPECT_FALSE(named["target.rep_decoder_embed.weight"].requires_grad());

  StepContext ctx;
  ctx.generator = at::detail::createCPUGenerator(1);
  ctx.total_steps = 10;
  LossOutput out = obj->compute(*vit, face_batch(4), ctx);
  std::vector<std::string> names;
  for (const auto& t : out.terms) names.push_back(t.first);
  EXPECT_EQ(names, (std::vector<std::string>{"reconstruction", "region_reconstruction", "instance"}));
  const double expected = out.terms[0].second.item<double>() + 0.007 * out.terms[1].second.item<double>() +
                          0.1 * out.terms[2].second.item<double>();
  EXPECT_NEAR(out.total.item<double>(), expected, 1e-5);
  EXPECT_DOUBLE_EQ(out.metrics["momentum"].item<double>(), 0.996);

  // One SGD step on the online branch, then the EMA update with m(0), as the authors'
  // momentum_schedule[it] after iteration it.
  std::vector<at::Tensor> params = vit->parameters();
  for (const auto& p : obj->parameters())
    if (p.requires_grad()) params.push_back(p);
  torch::optim::SGD opt(params, 0.5);
  opt.zero_grad();
  out.total.backward();
  EXPECT_FALSE(named["target_encoder.blocks.1.attn.qkv.weight"].grad().defined());
  const at::Tensor old_target = named["target_encoder.blocks.1.attn.qkv.weight"].clone();
  const at::Tensor old_target_head = named["target.rep_decoder_pred.weight"].clone();
  opt.step();
  const at::Tensor online = vit->named_parameters()["blocks.1.attn.qkv.weight"];
  const at::Tensor online_head = named["rep_decoder_pred.weight"];
  ASSERT_FALSE(torch::equal(online, old_target));
  ASSERT_FALSE(torch::equal(online_head, old_target_head));
  obj->after_step(*vit, ctx);
  const double m = runtime::cosine_momentum(0.996, 0, 10);
  EXPECT_TRUE(torch::allclose(named["target_encoder.blocks.1.attn.qkv.weight"], m * old_target + (1 - m) * online,
                              1e-6, 1e-7));
  EXPECT_TRUE(torch::allclose(named["target.rep_decoder_pred.weight"], m * old_target_head + (1 - m) * online_head,
                              1e-6, 1e-7));
}

// One compute() on a face batch after making the predictor output NaN.
LossOutput compute_with_nan_predictor(FsfmObjective& obj, models::Backbone& vit) {
  {
    torch::NoGradGuard g;
    obj.named_parameters()["predictor.projection_head.3.bias"].fill_(std::numeric_limits<float>::quiet_NaN());
  }
  StepContext ctx;
  ctx.generator = at::detail::createCPUGenerator(1);
  return obj.compute(vit, face_batch(4), ctx);
}

TEST(MaeFsfm, NonFiniteInstanceLossSkipsTheBatchByDefault) {
  auto vit = tiny_vit();
  auto obj = build_fsfm("", vit);
  const LossOutput out = compute_with_nan_predictor(*obj, *vit);
  ASSERT_TRUE(out.keep.defined());
  EXPECT_FALSE(out.keep.item<bool>());
  EXPECT_NE(out.skip_reason.find("instance loss is not finite"), std::string::npos) << out.skip_reason;
  EXPECT_EQ(out.metrics.at("instance_skipped").item<double>(), 1.0);
}

TEST(MaeFsfm, NonFiniteInstanceTermIsDroppedAndCounted) {
  auto vit = tiny_vit();
  auto obj = build_fsfm(", instance_loss: byol, nonfinite_instance: drop_term", vit);
  LossOutput out = compute_with_nan_predictor(*obj, *vit);
  StepContext ctx;
  ctx.generator = at::detail::createCPUGenerator(1);
  EXPECT_FALSE(out.keep.defined());
  EXPECT_TRUE(std::isfinite(out.total.item<double>()));
  EXPECT_EQ(out.terms.size(), 2u);
  EXPECT_EQ(out.metrics["instance_skipped"].item<double>(), 1.0);
  out = obj->compute(*vit, face_batch(4), ctx);
  EXPECT_EQ(out.metrics["instance_skipped"].item<double>(), 2.0);
  EXPECT_EQ(obj->named_buffers()["instance_skipped"].item<int64_t>(), 2);  // checkpointed
}

TEST(MaeFsfm, DeparturesAreOptions) {
  // facerep's earlier variant: a second view for the target, the rep decoder over visible tokens
  // only, BatchNorm heads. Each still trains.
  auto vit = tiny_vit();
  auto obj = build_fsfm(", target_view: second, rep_decoder_tokens: visible, head_norm: batch, mask: {type: random}",
                        vit);
  EXPECT_EQ(obj->needs().views, 2);
  EXPECT_FALSE(obj->needs().region_map_or_landmarks);
  EXPECT_TRUE(obj->named_buffers().contains("projector.projection_head.1.running_mean"));
  StepContext ctx;
  ctx.generator = at::detail::createCPUGenerator(1);
  const LossOutput out = obj->compute(*vit, face_batch(4), ctx);
  EXPECT_TRUE(std::isfinite(out.total.item<double>()));
  EXPECT_EQ(out.terms.back().first, "instance");
  out.total.backward();
  EXPECT_TRUE(obj->named_parameters()["rep_decoder_embed.weight"].grad().defined());
}

TEST(MaeFsfm, RepDecoderHeadsMustDivideTheWidth) {
  try {
    build_fsfm(", rep_decoder_heads: 5", tiny_vit());
    ADD_FAILURE() << "no error";
  } catch (const core::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("objective.rep_decoder_heads"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace facerep::losses
