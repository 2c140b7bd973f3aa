#pragma once
// IResNet (ArcFace's improved ResNet) with the parameter names of insightface's arcface_torch,
// so its released weights load as they are: conv1, bn1, prelu, layer1..4 of IBasicBlock
// {bn1, conv1, bn2, prelu, conv2, bn3, downsample.0/1}, bn2, dropout, fc, features.
#include <cstdint>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>
#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/dropout.h>
#include <torch/nn/modules/linear.h>

#include "models/backbone.h"
#include "runtime/pretrained.h"

namespace facerep::models {

struct IResNetOptions {
  int depth = 50;
  int width = 64;
  int embedding_size = 512;
  int image_size = 112;
  double dropout = 0.0;
  runtime::PretrainedOptions pretrained;

  template <class V>
  void visit(V& v) {
    v("depth", depth, "blocks per stage: 18 [2,2,2,2], 34 [3,4,6,3], 50 [3,4,14,3], 100 [3,13,30,3]");
    v.require(depth == 18 || depth == 34 || depth == 50 || depth == 100, "depth",
              "must be one of 18, 34, 50, 100, got " + std::to_string(depth));
    v("width", width, "channels of the first stage (64 in the published models); stages use 1x, 2x, 4x, 8x").min(1);
    v("embedding_size", embedding_size, "size of the output embedding (fc + features)").min(1);
    v("image_size", image_size,
      "input side in pixels (square, multiple of 16); the fc input is 8*width*(image_size/16)^2").min(16);
    v.require(image_size % 16 == 0, "image_size", "must be a multiple of 16, got " + std::to_string(image_size));
    v("dropout", dropout, "dropout before fc").min(0.0).less(1.0);
    pretrained.visit(v);
  }
};

// Pre-activation basic block: BN-conv-BN-PReLU-conv(stride)-BN plus the (projected) input.
class IBasicBlockImpl : public torch::nn::Module {
 public:
  IBasicBlockImpl(int64_t in, int64_t out, int64_t stride);
  at::Tensor forward(const at::Tensor& x);

 private:
  torch::nn::BatchNorm2d bn1_{nullptr}, bn2_{nullptr}, bn3_{nullptr};
  torch::nn::Conv2d conv1_{nullptr}, conv2_{nullptr};
  torch::nn::PReLU prelu_{nullptr};
  torch::nn::Sequential downsample_{nullptr};
};
TORCH_MODULE(IBasicBlock);

class IResNet : public Backbone {
 public:
  explicit IResNet(const IResNetOptions& options);

  at::Tensor forward(const at::Tensor& images) override;
  int64_t embedding_dim() const override { return options_.embedding_size; }
  int64_t image_size() const override { return options_.image_size; }
  // 0 = stem, 1..4 = layer1..layer4, 5 = bn2/fc/features.
  int64_t layer_id(const std::string& param_name) const override;
  int64_t num_layers() const override { return 4; }
  // The last stage after its batch norm, before the flatten and fc: [B, 8*width, side/16, side/16].
  bool has_feature_map() const override { return true; }
  at::Tensor feature_map(const at::Tensor& images) override;

  // Blocks per stage for a supported depth (throws core::ConfigError otherwise).
  static std::vector<int> stage_blocks(int depth);

 private:
  IResNetOptions options_;
  torch::nn::Conv2d conv1_{nullptr};
  torch::nn::BatchNorm2d bn1_{nullptr}, bn2_{nullptr};
  torch::nn::PReLU prelu_{nullptr};
  std::vector<torch::nn::Sequential> stages_;
  torch::nn::Dropout dropout_{nullptr};
  torch::nn::Linear fc_{nullptr};
  torch::nn::BatchNorm1d features_{nullptr};
};

}  // namespace facerep::models
