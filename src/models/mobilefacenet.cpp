#include "models/mobilefacenet.h"

#include <torch/torch.h>

#include "core/error.h"

namespace facerep::models {
namespace {

torch::nn::Conv2d conv(int64_t in, int64_t out, int64_t kernel, int64_t stride, int64_t padding, int64_t groups) {
  return torch::nn::Conv2d(
      torch::nn::Conv2dOptions(in, out, kernel).stride(stride).padding(padding).groups(groups).bias(false));
}

// conv-BN-PReLU.
Layers conv_block(int64_t in, int64_t out, int64_t kernel, int64_t stride, int64_t padding, int64_t groups = 1) {
  return Layers(torch::nn::Sequential(conv(in, out, kernel, stride, padding, groups), torch::nn::BatchNorm2d(out),
                                      torch::nn::PReLU(torch::nn::PReLUOptions().num_parameters(out))),
                false);
}

// conv-BN, no activation (the linear bottleneck).
Layers linear_block(int64_t in, int64_t out, int64_t kernel, int64_t stride, int64_t padding, int64_t groups = 1) {
  return Layers(torch::nn::Sequential(conv(in, out, kernel, stride, padding, groups), torch::nn::BatchNorm2d(out)), false);
}

// Inverted bottleneck: 1x1 expand to `hidden`, 3x3 depthwise (stride), 1x1 linear projection.
Layers depth_wise(int64_t in, int64_t out, bool residual, int64_t stride, int64_t hidden) {
  return Layers(torch::nn::Sequential(conv_block(in, hidden, 1, 1, 0), conv_block(hidden, hidden, 3, stride, 1, hidden),
                                      linear_block(hidden, out, 1, 1, 0)),
                residual);
}

Layers residual(int64_t c, int blocks, int64_t hidden) {
  torch::nn::Sequential seq;
  for (int i = 0; i < blocks; ++i) seq->push_back(depth_wise(c, c, true, 1, hidden));
  return Layers(seq, false);
}

}  // namespace

LayersImpl::LayersImpl(torch::nn::Sequential layers, bool residual) : residual_(residual) {
  layers_ = register_module("layers", layers);
}

at::Tensor LayersImpl::forward(const at::Tensor& x) {
  const at::Tensor y = layers_->forward(x);
  return residual_ ? x + y : y;
}

MobileFaceNet::MobileFaceNet(const MobileFaceNetOptions& options) : options_(options) {
  if (options.image_size % 16 != 0)
    throw core::ConfigError("mobilefacenet: image_size must be a multiple of 16, got " + std::to_string(options.image_size));
  if (options.blocks.size() != 4) throw core::ConfigError("mobilefacenet: blocks must list 4 stages");
  const int64_t c1 = 64 * options.scale, c2 = 128 * options.scale;
  const auto& b = options.blocks;
  layers_ = register_module("layers", torch::nn::Sequential());
  layers_->push_back(conv_block(3, c1, 3, 2, 1));
  if (b[0] == 1) layers_->push_back(conv_block(c1, c1, 3, 1, 1, 64));
  else layers_->push_back(residual(c1, b[0], 128));
  layers_->push_back(depth_wise(c1, c1, false, 2, 128));
  layers_->push_back(residual(c1, b[1], 128));
  layers_->push_back(depth_wise(c1, c2, false, 2, 256));
  layers_->push_back(residual(c2, b[2], 256));
  layers_->push_back(depth_wise(c2, c2, false, 2, 512));
  layers_->push_back(residual(c2, b[3], 256));
  conv_sep_ = register_module("conv_sep", conv_block(c2, 512, 1, 1, 0));
  // GDC: a depthwise conv over the whole final map replaces global pooling.
  const int64_t map = options.image_size / 16;
  features_ = register_module(
      "features", Layers(torch::nn::Sequential(linear_block(512, 512, map, 1, 0, 512), torch::nn::Flatten(),
                                               torch::nn::Linear(torch::nn::LinearOptions(512, options.embedding_size).bias(false)),
                                               torch::nn::BatchNorm1d(options.embedding_size)),
                         false));
  for (auto& m : modules(/*include_self=*/false)) {
    if (auto* c = m->as<torch::nn::Conv2d>()) torch::nn::init::kaiming_normal_(c->weight, 0.0, torch::kFanOut, torch::kReLU);
    if (auto* l = m->as<torch::nn::Linear>()) torch::nn::init::kaiming_normal_(l->weight, 0.0, torch::kFanOut, torch::kReLU);
  }
}

at::Tensor MobileFaceNet::feature_map(const at::Tensor& images) {
  if (images.dim() != 4 || images.size(1) != 3 || images.size(2) != options_.image_size ||
      images.size(3) != options_.image_size)
    throw core::RuntimeError("mobilefacenet: expected images [B,3," + std::to_string(options_.image_size) + "," +
                             std::to_string(options_.image_size) + "], got " + c10::str(images.sizes()));
  return conv_sep_->forward(layers_->forward(images));
}

at::Tensor MobileFaceNet::forward(const at::Tensor& images) { return features_->forward(feature_map(images)); }

}  // namespace facerep::models
