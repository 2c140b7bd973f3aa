#pragma once
// A backbone maps images to embeddings. Every model chosen by `model: {type: ...}` derives from it,
// so trainers, objectives and evaluators never need to know which one they hold.
#include <cstdint>
#include <memory>
#include <string>

#include <ATen/core/Tensor.h>
#include <torch/nn/module.h>

#include "core/registry.h"
#include "runtime/pretrained.h"

namespace facerep::models {

class MaskedEncoder;

class Backbone : public torch::nn::Module {
 public:
  // images: [B,C,H,W] float, normalised. Returns [B,D] embeddings (not L2-normalised).
  virtual at::Tensor forward(const at::Tensor& images) = 0;
  virtual int64_t embedding_dim() const = 0;
  // The input size the model was built for (square images).
  virtual int64_t image_size() const = 0;
  virtual int64_t in_channels() const { return 3; }
  // Parameter names that should get no weight decay beyond biases and norms (e.g. pos_embed).
  virtual bool no_weight_decay(const std::string& param_name) const { return false; }
  // Depth index of a parameter for layer-wise LR decay: 0 = stem/embeddings, num_layers()+1 = head.
  virtual int64_t layer_id(const std::string& param_name) const { return num_layers() + 1; }
  virtual int64_t num_layers() const { return 0; }
  // Capabilities: what the model can do beyond embedding, asked for by interface rather than by
  // concrete class. nullptr when it cannot.
  virtual MaskedEncoder* masked_encoder() { return nullptr; }
  // Spatial features [B, C, h, w] of `images`, for heads that answer per location (face parsing):
  // the final-normed patch tokens on the patch grid (ViT), the last conv stage before the
  // flatten (CNNs), the pooled image itself (pixels). The default has none: has_feature_map()
  // is false and feature_map throws core::RuntimeError, so callers ask before extracting.
  virtual bool has_feature_map() const { return false; }
  virtual at::Tensor feature_map(const at::Tensor& images);
  // Rewrites pretrained weights (names already matched to this model's) that this instance needs
  // in another form, e.g. a position table trained on another patch grid. Returns a note for the
  // load report ("" = nothing changed). Entries the user skips are never passed.
  virtual std::string adapt_pretrained(runtime::StateDict& weights) const { return ""; }
};

using ModelRegistry = core::Registry<Backbone>;
ModelRegistry& model_registry();

// Loads `o` into `model` (runtime::load_pretrained) with the model's own adapt_pretrained.
runtime::LoadReport load_pretrained(Backbone& model, const runtime::PretrainedOptions& o);

}  // namespace facerep::models
