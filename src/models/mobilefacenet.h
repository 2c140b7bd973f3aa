#pragma once
// MobileFaceNet: a light, CPU-friendly face backbone (depthwise-separable bottlenecks, a global
// depthwise conv instead of pooling), laid out and named like insightface arcface_torch's
// `mbf`: layers.0..7 (ConvBlock, DepthWise, Residual), conv_sep, features (GDC).
#include <cstdint>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>
#include <torch/nn/modules/container/sequential.h>

#include "models/backbone.h"
#include "runtime/pretrained.h"

namespace facerep::models {

struct MobileFaceNetOptions {
  int embedding_size = 512;
  int image_size = 112;
  int scale = 2;
  std::vector<int> blocks{1, 4, 6, 2};
  runtime::PretrainedOptions pretrained;

  template <class V>
  void visit(V& v) {
    v("embedding_size", embedding_size, "size of the output embedding").min(1);
    v("image_size", image_size, "input side in pixels (square, multiple of 16); the GDC kernel is image_size/16").min(16);
    v.require(image_size % 16 == 0, "image_size", "must be a multiple of 16, got " + std::to_string(image_size));
    v("scale", scale, "channel multiplier of the stages (64*scale, 128*scale); 2 in arcface_torch's mbf").min(1);
    v("blocks", blocks, "bottlenecks in the four residual stages (arcface_torch mbf: [1, 4, 6, 2])");
    v.require(blocks.size() == 4, "blocks", "must list 4 stages, got " + std::to_string(blocks.size()));
    bool positive = true;
    for (int b : blocks) positive = positive && b >= 1;
    v.require(positive, "blocks", "every stage needs at least 1 block");
    pretrained.visit(v);
  }
};

// A module whose only child is `layers` (a Sequential), optionally adding its input back: the
// shape of every MobileFaceNet building block (ConvBlock, LinearBlock, DepthWise, Residual, GDC).
class LayersImpl : public torch::nn::Module {
 public:
  LayersImpl(torch::nn::Sequential layers, bool residual);
  at::Tensor forward(const at::Tensor& x);

 private:
  torch::nn::Sequential layers_;
  bool residual_;
};
TORCH_MODULE(Layers);

class MobileFaceNet : public Backbone {
 public:
  explicit MobileFaceNet(const MobileFaceNetOptions& options);
  at::Tensor forward(const at::Tensor& images) override;
  int64_t embedding_dim() const override { return options_.embedding_size; }
  int64_t image_size() const override { return options_.image_size; }
  // conv_sep's output, before the global depthwise conv: [B, 512, side/16, side/16].
  bool has_feature_map() const override { return true; }
  at::Tensor feature_map(const at::Tensor& images) override;

 private:
  MobileFaceNetOptions options_;
  torch::nn::Sequential layers_{nullptr};
  Layers conv_sep_{nullptr}, features_{nullptr};
};

}  // namespace facerep::models
