#pragma once
// A test backbone for evaluator tests: the embedding of an 8×8 image is its mean colour, so
// images of clearly different solid colours are separable by angle.
#include <torch/torch.h>

#include "models/backbone.h"

namespace facerep::eval::testing_models {

class MeanColour : public models::Backbone {
 public:
  at::Tensor forward(const at::Tensor& images) override { return images.mean({2, 3}) + 0.0 * scale_; }
  int64_t embedding_dim() const override { return 3; }
  int64_t image_size() const override { return 8; }
  // A parameter, so the model has a device and a mode like a real one.
  at::Tensor scale_ = register_parameter("scale", torch::ones({1}));
};

}  // namespace facerep::eval::testing_models
