#pragma once
// Vision Transformer (ViT) with timm / MAE parameter names, so checkpoints move both ways:
// cls_token, pos_embed, patch_embed.proj, blocks.i.{norm1, attn.qkv, attn.proj, norm2, mlp.fc1,
// mlp.fc2}, norm, fc_norm, head. Also the token-level API MAE/FSFM pre-training needs.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>

#include "models/backbone.h"
#include "models/masked_encoder.h"
#include "runtime/pretrained.h"

namespace facerep::models {

struct VitOptions {
  std::string size = "small";
  int depth = 0;
  int width = 0;
  int heads = 0;
  double mlp_ratio = 4.0;
  int patch = 16;
  int image_size = 112;
  int in_channels = 3;
  std::string pos_embed = "sincos";
  std::string pool = "cls";
  int pool_grid = 2;
  bool fc_norm = false;
  int embedding_size = 0;
  double drop_path = 0.0;
  runtime::PretrainedOptions pretrained;

  // depth/width/heads after applying `size` to the ones left at 0.
  int resolved_depth() const;
  int resolved_width() const;
  int resolved_heads() const;

  template <class V>
  void visit(V& v) {
    v("size", size, "preset: tiny (width 192, 3 heads), small (384, 6), base (768, 12); all 12 blocks")
        .one_of({"tiny", "small", "base"});
    v("depth", depth, "number of transformer blocks (0 = from size)").min(0);
    v("width", width, "token width D (0 = from size)").min(0);
    v("heads", heads, "attention heads; must divide width (0 = from size)").min(0);
    v("mlp_ratio", mlp_ratio, "hidden width of each block's MLP as a multiple of width").greater(0.0);
    v("patch", patch, "patch side in pixels; image_size must be a multiple").min(1);
    v("image_size", image_size, "input side in pixels (square)").min(1);
    v("in_channels", in_channels, "input channels").min(1);
    v("pos_embed", pos_embed, "position embedding: sincos (fixed 2D table as in MAE, a buffer) or learned (a parameter)")
        .one_of({"sincos", "learned"});
    v("pool", pool,
      "embedding from the tokens: cls (class token), mean (average of patch tokens) or flatten (every normalised "
      "patch token in grid order, keeping the spatial layout that aligned faces share; width x patches values) or "
      "grid (normalised patch tokens averaged over pool_grid x pool_grid cells of the face, row by row: a coarse "
      "layout; width x pool_grid^2 values)")
        .one_of({"cls", "mean", "flatten", "grid"});
    v("pool_grid", pool_grid, "with pool: grid, cells per side; must divide the patch grid (image_size / patch)")
        .min(1);
    v("fc_norm", fc_norm,
      "with pool: mean, normalise the pooled vector with fc_norm instead of normalising tokens with norm (MAE fine-tuning)");
    v("embedding_size", embedding_size, "size of the linear `head` after pooling (0 = no head; embedding = width)").min(0);
    v("drop_path", drop_path, "stochastic depth rate of the last block (rises linearly from 0 over the blocks)")
        .min(0.0).less(1.0);
    pretrained.visit(v);
    v.require(image_size % patch == 0, "image_size",
              "must be a multiple of patch (" + std::to_string(patch) + "), got " + std::to_string(image_size));
    v.require(resolved_width() % resolved_heads() == 0, "heads",
              "must divide width " + std::to_string(resolved_width()) + ", got " + std::to_string(resolved_heads()));
    v.require(pos_embed != "sincos" || resolved_width() % 4 == 0, "pos_embed",
              "sincos needs a width divisible by 4, got " + std::to_string(resolved_width()));
    v.require(!fc_norm || pool == "mean", "fc_norm", "only applies with pool: mean");
    v.require(pool != "grid" || (image_size / patch) % pool_grid == 0, "pool_grid",
              "must divide the patch grid " + std::to_string(image_size / patch) + ", got " + std::to_string(pool_grid));
  }
};

// One pre-norm transformer block; drop_path is its stochastic depth probability.
class VitBlockImpl : public torch::nn::Module {
 public:
  VitBlockImpl(int64_t width, int64_t heads, int64_t mlp_hidden, double drop_path);
  at::Tensor forward(const at::Tensor& x);

 private:
  at::Tensor drop_path(const at::Tensor& x) const;
  int64_t heads_;
  double drop_path_;
  torch::nn::LayerNorm norm1_{nullptr}, norm2_{nullptr};
  torch::nn::Linear qkv_{nullptr}, proj_{nullptr}, fc1_{nullptr}, fc2_{nullptr};
};
TORCH_MODULE(VitBlock);

class VisionTransformer : public Backbone, public MaskedEncoder {
 public:
  explicit VisionTransformer(const VitOptions& options);

  at::Tensor forward(const at::Tensor& images) override;
  int64_t embedding_dim() const override;
  // Size of the pooled vector the optional head maps from.
  int64_t pooled_dim() const;
  int64_t image_size() const override { return options_.image_size; }
  int64_t in_channels() const override { return options_.in_channels; }
  bool no_weight_decay(const std::string& param_name) const override;
  int64_t layer_id(const std::string& param_name) const override;
  int64_t num_layers() const override { return depth_; }
  MaskedEncoder* masked_encoder() override { return this; }
  // The final-normed patch tokens on the patch grid, [B, width, grid, grid] (class token dropped).
  bool has_feature_map() const override { return true; }
  at::Tensor feature_map(const at::Tensor& images) override;

  // MaskedEncoder
  PatchLayout patch_layout() const override;
  TokenSpec token_spec() const override;
  at::Tensor forward_visible(const at::Tensor& images, const at::Tensor& ids_keep) override;
  at::Tensor forward_tokens(const at::Tensor& images) override;
  std::shared_ptr<Backbone> frozen_copy() const override;
  // Resizes a learned pos_embed trained on another patch grid (bicubic; the class token's entry
  // is kept).
  std::string adapt_pretrained(runtime::StateDict& weights) const override;

  int64_t patch_size() const { return options_.patch; }
  int64_t grid_size() const { return options_.image_size / options_.patch; }
  int64_t width() const { return width_; }
  int64_t depth() const { return depth_; }
  const VitOptions& options() const { return options_; }

  // [B,N,D] patch embeddings plus their position embeddings (no class token).
  at::Tensor patch_tokens(const at::Tensor& images);

 private:
  at::Tensor encode(const at::Tensor& patches);  // cls + patches -> blocks -> [B,1+K,D] (un-normed)
  void check_images(const at::Tensor& images) const;
  // Normed tokens [B,1+N,D] (class token first) -> the patch tokens on their grid, [B,D,grid,grid].
  at::Tensor token_map(const at::Tensor& tokens) const;

  VitOptions options_;
  int64_t depth_, width_;
  at::Tensor cls_token_, pos_embed_;
  torch::nn::Conv2d proj_{nullptr};
  torch::nn::ModuleList blocks_{nullptr};
  std::vector<VitBlock> block_list_;
  torch::nn::LayerNorm norm_{nullptr}, fc_norm_{nullptr};
  torch::nn::Linear head_{nullptr};
};

}  // namespace facerep::models
