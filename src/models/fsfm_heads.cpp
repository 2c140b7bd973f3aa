#include "models/fsfm_heads.h"

#include <torch/torch.h>

namespace facerep::models {

RepDecoderImpl::RepDecoderImpl(int64_t width, int64_t heads, int64_t depth, double mlp_ratio) {
  auto blocks = register_module("blocks", torch::nn::ModuleList());
  const auto hidden = static_cast<int64_t>(static_cast<double>(width) * mlp_ratio);
  for (int64_t i = 0; i < depth; ++i) {
    blocks_.push_back(VitBlock(width, heads, hidden, 0.0));
    blocks->push_back(blocks_.back());
  }
  norm_ = register_module("norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({width}).eps(1e-6)));
}

at::Tensor RepDecoderImpl::forward(const at::Tensor& tokens) {
  at::Tensor x = tokens;
  for (auto& block : blocks_) x = block->forward(x);
  return norm_->forward(x).mean(1);
}

MlpHeadImpl::MlpHeadImpl(int64_t in, int64_t hidden, int64_t out) {
  fc1_ = register_module("fc1", torch::nn::Linear(in, hidden));
  bn_ = register_module("bn", torch::nn::BatchNorm1d(hidden));
  fc2_ = register_module("fc2", torch::nn::Linear(hidden, out));
}

at::Tensor MlpHeadImpl::forward(const at::Tensor& x) {
  return fc2_->forward(torch::relu(bn_->forward(fc1_->forward(x))));
}

}  // namespace facerep::models
