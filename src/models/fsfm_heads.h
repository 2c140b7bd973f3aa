#pragma once
// The networks of FSFM's instance-discrimination branch, with the parameter names of the
// authors' FSFMViT / TargetNetworkViT (fsfm-3c/models_fsfm.py), so their state dicts load by name:
//
//   representation decoder (registered on an owner module, like MaeDecoder):
//     rep_decoder_embed (Linear D -> D), rep_decoder_pos_embed (fixed sin-cos),
//     rep_decoder_blocks.i, rep_decoder_norm, rep_decoder_pred (Linear D -> D);
//     the mask token is the owner's `mask_token` [1,1,D], which the authors' pixel decoder shares.
//   projector / predictor (BYOL MLP): projection_head.{0: Linear, 1: norm, 2: ReLU, 3: Linear}.
#include <cstdint>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>

#include "models/patch_layout.h"
#include "models/vit.h"

namespace facerep::models {

struct RepDecoderShape {
  int64_t width = 0;  // token width D (the authors keep it equal to the encoder's)
  int64_t heads = 16;
  int64_t depth = 2;
  double mlp_ratio = 4.0;
};

class RepDecoder {
 public:
  // Registers the decoder's parameters on `owner`; `mask_token` is the owner's [1,1,D] parameter.
  // ConfigError when heads do not divide the width or the grid is not square.
  RepDecoder(torch::nn::Module& owner, const RepDecoderShape& shape, const PatchLayout& layout,
             at::Tensor mask_token);

  // All tokens [B,1+N,D] in patch order after rep_decoder_pred. `latent` is the encoder output
  // [B,1+K,D] (class token first, kept patches in ids_shuffle order); mask tokens fill the
  // N - K hidden places and `ids_restore` [B,N] puts every token back in patch order. A latent
  // of all N patches (the unmasked target) needs no ids_restore (pass an undefined tensor).
  at::Tensor forward_all(const at::Tensor& latent, const at::Tensor& ids_restore);
  // Only the class token and the kept patches [B,1+K,D] (each with its own position), no mask
  // tokens: the lighter variant facerep used before (rep_decoder_tokens: visible).
  at::Tensor forward_visible(const at::Tensor& latent, const at::Tensor& ids_keep);

 private:
  at::Tensor run(at::Tensor x);
  int64_t num_patches_;
  at::Tensor mask_token_, pos_embed_;
  torch::nn::Linear embed_{nullptr}, pred_{nullptr};
  std::vector<VitBlock> blocks_;
  torch::nn::LayerNorm norm_{nullptr};
};

// BYOL's projector / predictor: Linear -> norm -> ReLU -> Linear under `projection_head`.
// norm "layer" is the authors' LayerNorm; "batch" the BatchNorm of the BYOL paper.
class MlpHeadImpl : public torch::nn::Module {
 public:
  MlpHeadImpl(int64_t in, int64_t hidden, int64_t out, const std::string& norm);
  at::Tensor forward(const at::Tensor& x);

 private:
  torch::nn::Sequential head_{nullptr};
};
TORCH_MODULE(MlpHead);

}  // namespace facerep::models
