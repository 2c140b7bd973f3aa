#include "models/fsfm_heads.h"

#include <torch/torch.h>

#include "core/error.h"
#include "models/pos_embed.h"
#include "models/xavier_linear.h"

namespace facerep::models {
// Every Linear of the branch starts as xavier_linear: the authors' FSFMViT._init_weights runs
// after BYOLMLP's own kaiming init and so decides.

RepDecoder::RepDecoder(torch::nn::Module& owner, const RepDecoderShape& s, const PatchLayout& layout,
                       at::Tensor mask_token)
    : num_patches_(layout.num_patches()), mask_token_(std::move(mask_token)) {
  if (!layout.square())
    throw core::ConfigError("objective: FSFM's representation decoder needs a square patch grid, the encoder has " +
                            layout.text());
  if (s.width % s.heads != 0)
    throw core::ConfigError("objective.rep_decoder_heads: must divide the encoder width " + std::to_string(s.width) +
                            ", got " + std::to_string(s.heads));
  embed_ = owner.register_module("rep_decoder_embed", xavier_linear(s.width, s.width));
  // A frozen Parameter in the authors' code; a buffer here, same state name.
  pos_embed_ = owner.register_buffer("rep_decoder_pos_embed", sincos_2d(s.width, layout.grid_h, /*with_cls=*/true));
  auto blocks = owner.register_module("rep_decoder_blocks", torch::nn::ModuleList());
  const auto hidden = static_cast<int64_t>(static_cast<double>(s.width) * s.mlp_ratio);
  for (int64_t i = 0; i < s.depth; ++i) {
    blocks_.push_back(VitBlock(s.width, s.heads, hidden, 0.0));
    blocks->push_back(blocks_.back());
  }
  norm_ = owner.register_module("rep_decoder_norm",
                                torch::nn::LayerNorm(torch::nn::LayerNormOptions({s.width}).eps(1e-6)));
  pred_ = owner.register_module("rep_decoder_pred", xavier_linear(s.width, s.width));
}

at::Tensor RepDecoder::run(at::Tensor x) {
  for (auto& block : blocks_) x = block->forward(x);
  return pred_->forward(norm_->forward(x));
}

at::Tensor RepDecoder::forward_all(const at::Tensor& latent, const at::Tensor& ids_restore) {
  at::Tensor x = embed_->forward(latent);
  const int64_t b = x.size(0), d = x.size(2);
  if (x.size(1) != num_patches_ + 1) {
    FACEREP_CHECK(ids_restore.defined() && ids_restore.dim() == 2 && ids_restore.size(1) == num_patches_,
                  "rep decoder: a masked latent needs ids_restore [B," + std::to_string(num_patches_) + "]");
    // The mask token is appended after rep_decoder_embed, as the authors do (not embedded).
    const at::Tensor fill = mask_token_.to(x.scalar_type()).expand({b, num_patches_ + 1 - x.size(1), d});
    const at::Tensor patches =
        torch::cat({x.slice(1, 1), fill}, 1).gather(1, ids_restore.unsqueeze(-1).expand({b, num_patches_, d}));
    x = torch::cat({x.slice(1, 0, 1), patches}, 1);
  }
  return run(x + pos_embed_);
}

at::Tensor RepDecoder::forward_visible(const at::Tensor& latent, const at::Tensor& ids_keep) {
  const at::Tensor x = embed_->forward(latent);
  const int64_t b = x.size(0), d = x.size(2);
  // Positions of [cls, kept patches]: row 0 of the table, then 1 + each kept index.
  const at::Tensor rows =
      torch::cat({torch::zeros({b, 1}, ids_keep.options()), ids_keep + 1}, 1).unsqueeze(-1).expand({b, -1, d});
  return run(x + pos_embed_.expand({b, -1, -1}).gather(1, rows));
}

MlpHeadImpl::MlpHeadImpl(int64_t in, int64_t hidden, int64_t out, const std::string& norm) {
  head_ = torch::nn::Sequential(xavier_linear(in, hidden));
  if (norm == "batch") {
    head_->push_back(torch::nn::BatchNorm1d(hidden));
  } else {
    head_->push_back(torch::nn::LayerNorm(torch::nn::LayerNormOptions({hidden})));  // PyTorch's eps 1e-5
  }
  head_->push_back(torch::nn::ReLU());
  head_->push_back(xavier_linear(hidden, out));
  head_ = register_module("projection_head", head_);
}

at::Tensor MlpHeadImpl::forward(const at::Tensor& x) { return head_->forward(x); }

}  // namespace facerep::models
