#pragma once
// Test helpers shared by loss and eval tests: a linear "backbone" on flattened pixels, a tiny
// ViT, and a finite-difference gradient check.
#include <cmath>
#include <functional>

#include <torch/torch.h>

#include "models/backbone.h"
#include "models/vit.h"

namespace facerep::testing {

// 2 blocks, width 32, 4 heads: the ViT of the MAE/FSFM objective tests.
inline std::shared_ptr<models::VisionTransformer> tiny_vit(int image = 32, int patch = 8) {
  models::VitOptions o;
  o.depth = 2, o.width = 32, o.heads = 4, o.patch = patch, o.image_size = image;
  return std::make_shared<models::VisionTransformer>(o);
}

class LinearBackbone : public models::Backbone {
 public:
  LinearBackbone(int64_t channels, int64_t size, int64_t dim) : channels_(channels), size_(size), dim_(dim) {
    fc_ = register_module("fc", torch::nn::Linear(channels * size * size, dim));
  }
  at::Tensor forward(const at::Tensor& images) override { return fc_->forward(images.flatten(1)); }
  int64_t embedding_dim() const override { return dim_; }
  int64_t image_size() const override { return size_; }
  int64_t in_channels() const override { return channels_; }
  torch::nn::Linear fc_{nullptr};

 private:
  int64_t channels_, size_, dim_;
};

// Largest |autograd − central difference| over the entries of x (double), relative to
// max(1, largest gradient entry). `f` maps x to a scalar.
inline double max_grad_error(const std::function<at::Tensor(const at::Tensor&)>& f, const at::Tensor& x0,
                             double h = 1e-6) {
  at::Tensor x = x0.detach().to(torch::kDouble).clone().requires_grad_(true);
  at::Tensor y = f(x);
  at::Tensor g = torch::autograd::grad({y}, {x})[0].contiguous();
  double worst = 0, scale = 1;
  at::Tensor flat = x.detach().clone().view({-1});
  const auto gd = g.view({-1});
  for (int64_t i = 0; i < flat.numel(); ++i) {
    const double v = flat[i].item<double>();
    flat[i] = v + h;
    const double up = f(flat.view(x.sizes())).item<double>();
    flat[i] = v - h;
    const double down = f(flat.view(x.sizes())).item<double>();
    flat[i] = v;
    const double numeric = (up - down) / (2 * h);
    worst = std::max(worst, std::abs(numeric - gd[i].item<double>()));
    scale = std::max(scale, std::abs(gd[i].item<double>()));
  }
  return worst / scale;
}

}  // namespace facerep::testing
