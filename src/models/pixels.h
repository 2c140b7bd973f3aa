#pragma once
// `pixels`: the raw-pixel baseline. No parameters: the embedding is the (optionally
// average-pooled) image, flattened, with each image's mean removed and divided by its standard
// deviation, so global brightness and contrast do not count. Evaluated like any backbone, it
// answers "how much better than the pixels themselves is a learned representation?".
#include <cstdint>
#include <string>

#include <ATen/core/Tensor.h>

#include "models/backbone.h"

namespace facerep::models {

struct PixelsOptions {
  int image_size = 112;
  int grid = 0;
  bool standardize = true;

  template <class V> void visit(V& v) {
    v("image_size", image_size, "input side in pixels (square)").min(1);
    v("grid", grid, "average-pool the image to grid x grid before flattening (0: every pixel)").min(0);
    v("standardize", standardize, "remove each image's mean and divide by its standard deviation");
    v.require(grid <= image_size, "grid", "must not exceed image_size (" + std::to_string(image_size) + ")");
  }
};

class Pixels : public Backbone {
 public:
  explicit Pixels(const PixelsOptions& options) : options_(options) {}
  at::Tensor forward(const at::Tensor& images) override;
  int64_t embedding_dim() const override;
  int64_t image_size() const override { return options_.image_size; }
  // The pooled image grid itself, [B, 3, grid, grid] (every pixel with grid 0), standardised as
  // the embedding is: the embedding is this map flattened.
  bool has_feature_map() const override { return true; }
  at::Tensor feature_map(const at::Tensor& images) override;

 private:
  PixelsOptions options_;
};

}  // namespace facerep::models
