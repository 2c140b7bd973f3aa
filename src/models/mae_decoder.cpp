#include "models/mae_decoder.h"

#include <torch/torch.h>

#include "core/error.h"
#include "models/pos_embed.h"
#include "models/xavier_linear.h"

namespace facerep::models {
MaeDecoder::MaeDecoder(torch::nn::Module& owner, const MaeDecoderOptions& o, int64_t encoder_width,
                       const PatchLayout& layout)
    : MaeDecoder(owner, o, encoder_width, layout, at::Tensor()) {}

MaeDecoder::MaeDecoder(torch::nn::Module& owner, const MaeDecoderOptions& o, int64_t encoder_width,
                       const PatchLayout& layout, at::Tensor shared_mask_token)
    : num_patches_(layout.num_patches()), shared_token_(shared_mask_token.defined()) {
  // MAE's fixed 2D sin-cos table is defined on square grids.
  if (!layout.square())
    throw core::ConfigError("objective.decoder: the MAE decoder needs a square patch grid, the encoder has " +
                            layout.text());
  const int64_t grid = layout.grid_h;
  embed_ = owner.register_module("decoder_embed", xavier_linear(encoder_width, o.width));
  mask_token_ = shared_token_ ? shared_mask_token
                              : owner.register_parameter("mask_token", torch::randn({1, 1, o.width}) * 0.02);
  // Fixed sin-cos table, as in MAE (a frozen Parameter there; a buffer here, same state name).
  pos_embed_ = owner.register_buffer("decoder_pos_embed", sincos_2d(o.width, grid, /*with_cls=*/true));
  auto blocks = owner.register_module("decoder_blocks", torch::nn::ModuleList());
  const auto hidden = static_cast<int64_t>(static_cast<double>(o.width) * o.mlp_ratio);
  for (int i = 0; i < o.depth; ++i) {
    blocks_.push_back(VitBlock(o.width, o.heads, hidden, 0.0));
    blocks->push_back(blocks_.back());
  }
  norm_ = owner.register_module(
      "decoder_norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({o.width}).eps(1e-6)));
  pred_ = owner.register_module("decoder_pred", xavier_linear(o.width, layout.patch_dim()));
}

at::Tensor MaeDecoder::forward(const at::Tensor& latent, const at::Tensor& ids_restore) {
  FACEREP_CHECK(latent.dim() == 3 && ids_restore.dim() == 2 && latent.size(0) == ids_restore.size(0),
                "mae decoder: expected latent [B,1+K,D] and ids_restore [B,N]");
  FACEREP_CHECK(ids_restore.size(1) == num_patches_,
                "mae decoder: ids_restore covers " + std::to_string(ids_restore.size(1)) +
                    " patches, the decoder " + std::to_string(num_patches_));
  at::Tensor x = shared_token_ ? latent : embed_->forward(latent);
  const int64_t b = x.size(0), n = ids_restore.size(1), d = x.size(2);
  const at::Tensor mask_tokens = mask_token_.to(x.scalar_type()).expand({b, n + 1 - x.size(1), d});
  // Kept tokens then mask tokens, un-shuffled back to patch order.
  at::Tensor patches = torch::cat({x.slice(1, 1), mask_tokens}, 1);
  patches = patches.gather(1, ids_restore.unsqueeze(-1).expand({b, n, d}));
  x = torch::cat({x.slice(1, 0, 1), patches}, 1);
  if (shared_token_) x = embed_->forward(x);
  x = x + pos_embed_;
  for (auto& block : blocks_) x = block->forward(x);
  return pred_->forward(norm_->forward(x)).slice(1, 1);
}

}  // namespace facerep::models
