#include <gtest/gtest.h>

#include <cmath>

#include <torch/torch.h>

#include "core/config_tree.h"
#include "core/error.h"
#include "models/model_test_util.h"
#include "models/pos_embed.h"
#include "models/vit.h"

namespace facerep::models {
namespace {

using Shape = std::vector<int64_t>;

VitOptions tiny_options() { return testing::tiny_vit_options(); }  // 4x4 grid

TEST(PosEmbed, SincosMatchesHandComputedTable) {
  // dim 8, grid 2: per axis 4 channels = sin(p), sin(p/100), cos(p), cos(p/100); x (column) first.
  const at::Tensor t = sincos_2d(8, 2, /*with_cls=*/true);
  ASSERT_EQ(t.sizes(), (Shape{1, 5, 8}));
  EXPECT_TRUE(t[0][0].equal(torch::zeros({8})));
  auto expected = [](double row, double col) {
    return torch::tensor({std::sin(col), std::sin(col / 100), std::cos(col), std::cos(col / 100), std::sin(row),
                          std::sin(row / 100), std::cos(row), std::cos(row / 100)},
                         torch::kFloat32);
  };
  EXPECT_TRUE(torch::allclose(t[0][1], expected(0, 0)));
  EXPECT_TRUE(torch::allclose(t[0][2], expected(0, 1)));  // token 1 = row 0, column 1
  EXPECT_TRUE(torch::allclose(t[0][3], expected(1, 0)));
  EXPECT_TRUE(torch::allclose(t[0][4], expected(1, 1)));
  EXPECT_EQ(sincos_2d(8, 3, false).sizes(), (Shape{1, 9, 8}));
  EXPECT_THROW(sincos_2d(6, 2, false), core::ConfigError);
}

TEST(PosEmbed, ResizeKeepsClassTokenAndConstants) {
  at::Tensor table = torch::full({1, 1 + 16, 4}, 0.25f);
  table[0][0] = torch::tensor({1.f, 2.f, 3.f, 4.f});
  const at::Tensor r = resize_pos_embed(table, 1, 6);
  ASSERT_EQ(r.sizes(), (Shape{1, 37, 4}));
  EXPECT_TRUE(r[0][0].equal(table[0][0]));
  // Bicubic interpolation reproduces a constant field exactly (its weights sum to one).
  EXPECT_TRUE(torch::allclose(r.slice(1, 1), torch::full({1, 36, 4}, 0.25f), 1e-6, 1e-6));
  EXPECT_TRUE(resize_pos_embed(table, 1, 4).equal(table));
  EXPECT_THROW(resize_pos_embed(torch::zeros({1, 1 + 15, 4}), 1, 4), core::RuntimeError);
}

TEST(Vit, SmallPatch16MatchesTimmNamesAndCount) {
  VitOptions o;
  o.size = "small";
  o.image_size = 224;
  o.pos_embed = "learned";
  VisionTransformer m(o);
  // timm vit_small_patch16_224 without its classifier: 21,665,664; with the 1000-class head 22,050,664.
  EXPECT_EQ(testing::count_parameters(m), 21665664);
  const std::vector<std::string> names = testing::parameter_names(m);
  const std::vector<std::string> first = {
      "cls_token", "pos_embed", "patch_embed.proj.weight", "patch_embed.proj.bias",
      "blocks.0.norm1.weight", "blocks.0.norm1.bias", "blocks.0.attn.qkv.weight", "blocks.0.attn.qkv.bias",
      "blocks.0.attn.proj.weight", "blocks.0.attn.proj.bias", "blocks.0.norm2.weight", "blocks.0.norm2.bias",
      "blocks.0.mlp.fc1.weight", "blocks.0.mlp.fc1.bias", "blocks.0.mlp.fc2.weight", "blocks.0.mlp.fc2.bias"};
  EXPECT_EQ(std::vector<std::string>(names.begin(), names.begin() + 16), first);
  EXPECT_EQ(names.back(), "norm.bias");
  const auto s = testing::shapes(m);
  EXPECT_EQ(s.at("cls_token"), (Shape{1, 1, 384}));
  EXPECT_EQ(s.at("pos_embed"), (Shape{1, 197, 384}));
  EXPECT_EQ(s.at("patch_embed.proj.weight"), (Shape{384, 3, 16, 16}));
  EXPECT_EQ(s.at("blocks.11.attn.qkv.weight"), (Shape{1152, 384}));
  EXPECT_EQ(s.at("blocks.11.mlp.fc1.weight"), (Shape{1536, 384}));
  EXPECT_EQ(s.count("blocks.12.norm1.weight"), 0u);
  EXPECT_EQ(m.embedding_dim(), 384);

  o.embedding_size = 1000;
  VisionTransformer with_head(o);
  EXPECT_EQ(testing::count_parameters(with_head), 22050664);
  EXPECT_EQ(with_head.embedding_dim(), 1000);
}

TEST(Vit, PresetsAndFixedPositionTable) {
  VitOptions o = tiny_options();
  o.depth = 0;
  o.width = 0;
  o.heads = 0;
  o.size = "tiny";
  EXPECT_EQ(o.resolved_width(), 192);
  EXPECT_EQ(o.resolved_heads(), 3);
  EXPECT_EQ(o.resolved_depth(), 12);
  o.size = "base";
  EXPECT_EQ(o.resolved_width(), 768);
  EXPECT_EQ(o.resolved_heads(), 12);
  // Default sincos: a buffer equal to the MAE table, not a trained parameter.
  VisionTransformer m(tiny_options());
  EXPECT_EQ(m.named_parameters().find("pos_embed"), nullptr);
  EXPECT_TRUE(m.named_buffers()["pos_embed"].equal(sincos_2d(32, 4, true)));
  EXPECT_TRUE(m.no_weight_decay("pos_embed"));
  EXPECT_TRUE(m.no_weight_decay("cls_token"));
  EXPECT_FALSE(m.no_weight_decay("blocks.0.attn.qkv.weight"));
}

TEST(Vit, ForwardShapesForEveryPoolingAndHead) {
  const at::Tensor x = torch::randn({2, 3, 32, 32});
  VisionTransformer cls(tiny_options());
  EXPECT_EQ(cls.forward(x).sizes(), (Shape{2, 32}));
  VitOptions o = tiny_options();
  o.embedding_size = 16;
  o.pool = "mean";
  VisionTransformer mean(o);
  EXPECT_EQ(mean.forward(x).sizes(), (Shape{2, 16}));
  EXPECT_EQ(mean.embedding_dim(), 16);
  o.fc_norm = true;
  VisionTransformer fc_norm(o);
  EXPECT_EQ(testing::shapes(fc_norm).at("fc_norm.weight"), (Shape{32}));
  EXPECT_EQ(fc_norm.forward(x).sizes(), (Shape{2, 16}));
  EXPECT_EQ(cls.patch_tokens(x).sizes(), (Shape{2, 16, 32}));
  EXPECT_EQ(cls.forward_tokens(x).sizes(), (Shape{2, 17, 32}));
  EXPECT_EQ(cls.grid_size(), 4);
  EXPECT_EQ(cls.patch_size(), 8);
  EXPECT_EQ(cls.width(), 32);
  EXPECT_EQ(cls.depth(), 2);
  EXPECT_THROW(cls.forward(torch::randn({2, 3, 48, 48})), core::RuntimeError);
}

TEST(Vit, GridPoolAveragesTheNormalisedPatchTokensOfEachCell) {
  torch::manual_seed(0);
  const at::Tensor x = torch::randn({2, 3, 32, 32});
  VitOptions o = tiny_options();  // patch grid 4x4
  o.pool = "grid";
  o.pool_grid = 2;
  VisionTransformer grid(o);
  EXPECT_EQ(grid.embedding_dim(), 4 * 32);
  const at::Tensor tokens = grid.forward_tokens(x).slice(1, 1);  // [2,16,32], row-major patches
  const at::Tensor e = grid.forward(x).view({2, 4, 32});
  // Cell (r, c) holds patches (2r + i, 2c + j), i, j in {0, 1}: patch index 4 (2r + i) + 2c + j.
  for (int64_t r = 0; r < 2; ++r) {
    for (int64_t c = 0; c < 2; ++c) {
      const int64_t p = 8 * r + 2 * c;
      const at::Tensor expected = (tokens.select(1, p) + tokens.select(1, p + 1) + tokens.select(1, p + 4) +
                                   tokens.select(1, p + 5)) / 4;
      EXPECT_TRUE(torch::allclose(e.select(1, 2 * r + c), expected, 1e-5, 1e-6)) << "cell " << r << "," << c;
    }
  }
}

TEST(Vit, FlattenPoolKeepsEveryNormalisedPatchTokenInGridOrder) {
  torch::manual_seed(0);
  const at::Tensor x = torch::randn({2, 3, 32, 32});
  VitOptions o = tiny_options();
  o.pool = "flatten";
  VisionTransformer flat(o);
  EXPECT_EQ(flat.embedding_dim(), 16 * 32);
  const at::Tensor tokens = flat.forward_tokens(x);  // [2,17,32], normalised, cls first
  const at::Tensor e = flat.forward(x);
  ASSERT_EQ(e.sizes(), (Shape{2, 16 * 32}));
  EXPECT_TRUE(torch::allclose(e.view({2, 16, 32}), tokens.slice(1, 1), 1e-5, 1e-6));
  o.embedding_size = 8;  // the head maps from all 512 values
  VisionTransformer head(o);
  EXPECT_EQ(testing::shapes(head).at("head.weight"), (Shape{8, 16 * 32}));
  EXPECT_EQ(head.forward(x).sizes(), (Shape{2, 8}));
}

TEST(Vit, ForwardVisibleIsTheEncoderOnKeptPatches) {
  torch::manual_seed(0);
  VisionTransformer m(tiny_options());
  m.eval();
  const at::Tensor x = torch::randn({2, 3, 32, 32});
  const at::Tensor all = m.forward_tokens(x);
  // Keeping every patch in order is the full encoder.
  const at::Tensor ids = torch::arange(16, torch::kLong).unsqueeze(0).repeat({2, 1});
  EXPECT_TRUE(torch::allclose(m.forward_visible(x, ids), all, 1e-5, 1e-5));
  // Attention is permutation-equivariant: shuffled kept patches give shuffled outputs.
  const at::Tensor perm = torch::stack({torch::randperm(16, torch::kLong), torch::randperm(16, torch::kLong)});
  const at::Tensor shuffled = m.forward_visible(x, perm);
  for (int64_t b = 0; b < 2; ++b) {
    EXPECT_TRUE(torch::allclose(shuffled[b][0], all[b][0], 1e-5, 1e-5));
    EXPECT_TRUE(torch::allclose(shuffled[b].slice(0, 1), all[b].slice(0, 1).index_select(0, perm[b]), 1e-5, 1e-5));
  }
  // Four kept patches: the class token attends to those only.
  const at::Tensor keep = perm.slice(1, 0, 4);
  const at::Tensor visible = m.forward_visible(x, keep);
  EXPECT_EQ(visible.sizes(), (Shape{2, 5, 32}));
  EXPECT_FALSE(torch::allclose(visible.select(1, 0), all.select(1, 0), 1e-3, 1e-3));
  EXPECT_THROW(m.forward_visible(x, keep.to(torch::kInt)), core::RuntimeError);
}

TEST(Vit, LayerIdsForLayerwiseDecay) {
  VisionTransformer m(tiny_options());
  EXPECT_EQ(m.num_layers(), 2);
  EXPECT_EQ(m.layer_id("cls_token"), 0);
  EXPECT_EQ(m.layer_id("pos_embed"), 0);
  EXPECT_EQ(m.layer_id("patch_embed.proj.weight"), 0);
  EXPECT_EQ(m.layer_id("blocks.0.norm1.weight"), 1);
  EXPECT_EQ(m.layer_id("blocks.1.mlp.fc2.bias"), 2);
  EXPECT_EQ(m.layer_id("norm.weight"), 3);
  EXPECT_EQ(m.layer_id("head.weight"), 3);
}

TEST(Vit, DropPathIsRandomInTrainingOnly) {
  VitOptions o = tiny_options();
  o.drop_path = 0.5;
  VisionTransformer m(o);
  const at::Tensor x = torch::randn({8, 3, 32, 32});
  m.eval();
  EXPECT_TRUE(m.forward(x).equal(m.forward(x)));
  m.train();
  torch::manual_seed(1);
  const at::Tensor a = m.forward(x);
  torch::manual_seed(2);
  EXPECT_FALSE(torch::allclose(a, m.forward(x)));
}

TEST(Vit, GradientsReachThePatchEmbedding) {
  VitOptions o = tiny_options();
  o.embedding_size = 8;
  o.pos_embed = "learned";
  VisionTransformer m(o);
  const at::Tensor y = m.forward(torch::randn({2, 3, 32, 32}));
  EXPECT_GT(testing::grad_norm_after_backward(m, y, "patch_embed.proj.weight"), 0.0);
  EXPECT_GT(m.named_parameters()["pos_embed"].grad().norm().item<double>(), 0.0);
  EXPECT_GT(m.named_parameters()["cls_token"].grad().norm().item<double>(), 0.0);
}

std::string config_error(const std::string& yaml) {
  core::ConfigTree t = core::ConfigTree::load_string(yaml, "vit.yaml");
  try {
    core::read_options<VitOptions>(t, t.root()["model"], "model");
  } catch (const core::ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(Vit, ConfigErrorsNameTheKey) {
  EXPECT_EQ(config_error("model:\n  patch: 8\n  image_size: 30\n"),
            "vit.yaml:3: model.image_size: must be a multiple of patch (8), got 30");
  EXPECT_EQ(config_error("model:\n  width: 30\n  heads: 4\n"), "vit.yaml:3: model.heads: must divide width 30, got 4");
  EXPECT_EQ(config_error("model:\n  width: 30\n  heads: 5\n"),
            "vit.yaml:1: model.pos_embed: sincos needs a width divisible by 4, got 30");
  EXPECT_EQ(config_error("model:\n  size: huge\n"),
            "vit.yaml:2: model.size: must be one of: tiny, small, base; got 'huge'");
  EXPECT_EQ(config_error("model:\n  fc_norm: true\n"), "vit.yaml:2: model.fc_norm: only applies with pool: mean");
  EXPECT_EQ(config_error("model:\n  pool: max\n"),
            "vit.yaml:2: model.pool: must be one of: cls, mean, flatten, grid; got 'max' (did you mean mean?)");
  EXPECT_EQ(config_error("model:\n  patch: 8\n  image_size: 64\n  pool: grid\n  pool_grid: 3\n"),
            "vit.yaml:5: model.pool_grid: must divide the patch grid 8, got 3");
}

}  // namespace
}  // namespace facerep::models
