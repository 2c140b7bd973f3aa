#pragma once
// The small networks of FSFM's instance-discrimination branch: a representation decoder over the
// encoder's tokens (transformer blocks, then the mean of all tokens) and the projector /
// predictor MLPs (Linear, BatchNorm, ReLU, Linear) of BYOL and SimSiam.
#include <cstdint>
#include <vector>

#include <ATen/core/Tensor.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>

#include "models/vit.h"

namespace facerep::models {

// blocks.i (ViT blocks at the encoder's width) then norm; forward returns the token mean [B,D].
class RepDecoderImpl : public torch::nn::Module {
 public:
  RepDecoderImpl(int64_t width, int64_t heads, int64_t depth, double mlp_ratio);
  at::Tensor forward(const at::Tensor& tokens);

 private:
  std::vector<VitBlock> blocks_;
  torch::nn::LayerNorm norm_{nullptr};
};
TORCH_MODULE(RepDecoder);

// fc1 -> bn -> relu -> fc2.
class MlpHeadImpl : public torch::nn::Module {
 public:
  MlpHeadImpl(int64_t in, int64_t hidden, int64_t out);
  at::Tensor forward(const at::Tensor& x);

 private:
  torch::nn::Linear fc1_{nullptr}, fc2_{nullptr};
  torch::nn::BatchNorm1d bn_{nullptr};
};
TORCH_MODULE(MlpHead);

}  // namespace facerep::models
