#include "models/iresnet.h"

#include <torch/torch.h>

#include "core/error.h"

namespace facerep::models {
namespace {

torch::nn::Conv2d conv(int64_t in, int64_t out, int64_t kernel, int64_t stride) {
  return torch::nn::Conv2d(
      torch::nn::Conv2dOptions(in, out, kernel).stride(stride).padding(kernel / 2).bias(false));
}
torch::nn::BatchNorm2d bn(int64_t c) { return torch::nn::BatchNorm2d(torch::nn::BatchNorm2dOptions(c).eps(1e-5)); }
torch::nn::PReLU prelu(int64_t c) { return torch::nn::PReLU(torch::nn::PReLUOptions().num_parameters(c)); }

}  // namespace

IBasicBlockImpl::IBasicBlockImpl(int64_t in, int64_t out, int64_t stride) {
  bn1_ = register_module("bn1", bn(in));
  conv1_ = register_module("conv1", conv(in, out, 3, 1));
  bn2_ = register_module("bn2", bn(out));
  prelu_ = register_module("prelu", prelu(out));
  conv2_ = register_module("conv2", conv(out, out, 3, stride));
  bn3_ = register_module("bn3", bn(out));
  if (stride != 1 || in != out) downsample_ = register_module("downsample", torch::nn::Sequential(conv(in, out, 1, stride), bn(out)));
}

at::Tensor IBasicBlockImpl::forward(const at::Tensor& x) {
  at::Tensor out = bn1_->forward(x);
  out = prelu_->forward(bn2_->forward(conv1_->forward(out)));
  out = bn3_->forward(conv2_->forward(out));
  return out + (downsample_ ? downsample_->forward(x) : x);
}

std::vector<int> IResNet::stage_blocks(int depth) {
  switch (depth) {
    case 18: return {2, 2, 2, 2};
    case 34: return {3, 4, 6, 3};
    case 50: return {3, 4, 14, 3};
    case 100: return {3, 13, 30, 3};
    default: throw core::ConfigError("iresnet: depth must be one of 18, 34, 50, 100, got " + std::to_string(depth));
  }
}

IResNet::IResNet(const IResNetOptions& options) : options_(options) {
  if (options.image_size % 16 != 0)
    throw core::ConfigError("iresnet: image_size must be a multiple of 16, got " + std::to_string(options.image_size));
  const std::vector<int> blocks = stage_blocks(options.depth);
  const int64_t w = options.width;
  conv1_ = register_module("conv1", conv(3, w, 3, 1));
  bn1_ = register_module("bn1", bn(w));
  prelu_ = register_module("prelu", prelu(w));
  int64_t in = w;
  for (int s = 0; s < 4; ++s) {
    const int64_t out = w << s;
    torch::nn::Sequential stage;
    for (int b = 0; b < blocks[s]; ++b) {
      stage->push_back(IBasicBlock(b == 0 ? in : out, out, b == 0 ? 2 : 1));
    }
    in = out;
    stages_.push_back(register_module("layer" + std::to_string(s + 1), stage));
  }
  bn2_ = register_module("bn2", bn(in));
  dropout_ = register_module("dropout", torch::nn::Dropout(options.dropout));
  const int64_t map = options.image_size / 16;
  fc_ = register_module("fc", torch::nn::Linear(in * map * map, options.embedding_size));
  features_ = register_module("features", torch::nn::BatchNorm1d(torch::nn::BatchNorm1dOptions(options.embedding_size).eps(1e-5)));
  // arcface_torch freezes the embedding BN's scale at 1 (only its shift learns).
  torch::nn::init::ones_(features_->weight);
  features_->weight.set_requires_grad(false);
  for (auto& m : modules(/*include_self=*/false)) {
    if (auto* c = m->as<torch::nn::Conv2d>()) torch::nn::init::normal_(c->weight, 0.0, 0.1);
  }
}

at::Tensor IResNet::feature_map(const at::Tensor& images) {
  if (images.dim() != 4 || images.size(1) != 3 || images.size(2) != options_.image_size ||
      images.size(3) != options_.image_size)
    throw core::RuntimeError("iresnet: expected images [B,3," + std::to_string(options_.image_size) + "," +
                             std::to_string(options_.image_size) + "], got " + c10::str(images.sizes()));
  at::Tensor x = prelu_->forward(bn1_->forward(conv1_->forward(images)));
  for (auto& stage : stages_) x = stage->forward(x);
  return bn2_->forward(x);
}

at::Tensor IResNet::forward(const at::Tensor& images) {
  const at::Tensor x = fc_->forward(dropout_->forward(feature_map(images).flatten(1)));
  return features_->forward(x);
}

int64_t IResNet::layer_id(const std::string& name) const {
  for (int s = 1; s <= 4; ++s)
    if (name.rfind("layer" + std::to_string(s) + ".", 0) == 0) return s;
  if (name.rfind("conv1.", 0) == 0 || name.rfind("bn1.", 0) == 0 || name.rfind("prelu.", 0) == 0) return 0;
  return 5;
}

}  // namespace facerep::models
