#pragma once
// MAE's light decoder: visible tokens + mask tokens back on the full patch grid, a few
// transformer blocks, and a linear prediction of every patch's pixels.
//
// Its parameters are registered directly on an owner module under MAE's names (decoder_embed,
// mask_token, decoder_pos_embed, decoder_blocks.i, decoder_norm, decoder_pred), so the decoder
// entries of a PyTorch MAE checkpoint load into the owning objective by name.
#include <cstdint>
#include <vector>

#include <ATen/core/Tensor.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>

#include "core/config_visit.h"
#include "models/patch_layout.h"
#include "models/vit.h"

namespace facerep::models {

struct MaeDecoderOptions {
  int width = 512;
  int depth = 8;
  int heads = 16;
  double mlp_ratio = 4.0;
  template <class V> void visit(V& v) {
    v("width", width, "decoder token width").min(4);
    v("depth", depth, "decoder transformer blocks").min(1);
    v("heads", heads, "decoder attention heads (must divide width)").min(1);
    v("mlp_ratio", mlp_ratio, "hidden width of each decoder block's MLP, as a multiple of width")
        .greater(0.0);
    v.require(width % heads == 0, "heads",
              "must divide width " + std::to_string(width) + ", got " + std::to_string(heads));
    v.require(width % 4 == 0, "width",
              "must be a multiple of 4 (2D sin-cos position table), got " + std::to_string(width));
  }
};

class MaeDecoder {
 public:
  // Registers the decoder's parameters on `owner`. `encoder_width` is the encoder's token width;
  // each patch of `layout` predicts layout.patch_dim() values. ConfigError for non-square grids.
  MaeDecoder(torch::nn::Module& owner, const MaeDecoderOptions& options, int64_t encoder_width,
             const PatchLayout& layout);

  // With `shared_mask_token` ([1,1,encoder_width], a parameter the owner registered), no
  // mask_token of its own: mask tokens are appended in the encoder's space before decoder_embed,
  // as FSFM's pixel decoder does with the token its representation decoder also uses.
  MaeDecoder(torch::nn::Module& owner, const MaeDecoderOptions& options, int64_t encoder_width,
             const PatchLayout& layout, at::Tensor shared_mask_token);

  // latent: encoder output [B,1+K,D] (class token first, kept patches in ids_shuffle order);
  // ids_restore: [B,N]. Returns per-patch predictions [B,N,patch*patch*channels].
  at::Tensor forward(const at::Tensor& latent, const at::Tensor& ids_restore);

  int64_t num_patches() const { return num_patches_; }

 private:
  int64_t num_patches_;
  torch::nn::Linear embed_{nullptr};
  at::Tensor mask_token_, pos_embed_;
  bool shared_token_ = false;  // mask_token_ lives in the encoder's space (appended before embed_)
  std::vector<VitBlock> blocks_;
  torch::nn::LayerNorm norm_{nullptr};
  torch::nn::Linear pred_{nullptr};
};

}  // namespace facerep::models
