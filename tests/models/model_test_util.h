#pragma once
// Small helpers shared by the backbone tests.
#include <map>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "models/iresnet.h"
#include "models/vit.h"

namespace facerep::models::testing {

// IResNet-18 at 8 channels, 32x32 input, 16-d embedding: the backbone tests' small IResNet.
inline IResNetOptions tiny_iresnet_options() {
  IResNetOptions o;
  o.depth = 18;
  o.width = 8;
  o.image_size = 32;
  o.embedding_size = 16;
  return o;
}

// A 2-block ViT of width 32 on 32x32 images in 8-pixel patches (a 4x4 grid): the tests' small ViT.
inline VitOptions tiny_vit_options() {
  VitOptions o;
  o.depth = 2;
  o.width = 32;
  o.heads = 4;
  o.patch = 8;
  o.image_size = 32;
  return o;
}

inline int64_t count_parameters(const torch::nn::Module& m) {
  int64_t n = 0;
  for (const auto& p : m.parameters()) n += p.numel();
  return n;
}

// Parameter and buffer shapes by name.
inline std::map<std::string, std::vector<int64_t>> shapes(const torch::nn::Module& m) {
  std::map<std::string, std::vector<int64_t>> out;
  for (const auto& p : m.named_parameters()) out[p.key()] = p.value().sizes().vec();
  for (const auto& b : m.named_buffers()) out[b.key()] = b.value().sizes().vec();
  return out;
}

inline std::vector<std::string> parameter_names(const torch::nn::Module& m) {
  std::vector<std::string> out;
  for (const auto& p : m.named_parameters()) out.push_back(p.key());
  return out;
}

// Backpropagates the sum of the output and returns the gradient norm of `param`.
inline double grad_norm_after_backward(torch::nn::Module& m, const at::Tensor& out, const std::string& param) {
  out.sum().backward();
  const at::Tensor g = m.named_parameters()[param].grad();
  return g.defined() ? g.norm().item<double>() : 0.0;
}

}  // namespace facerep::models::testing
