#include "models/pixels.h"

#include <ATen/ATen.h>

#include "core/error.h"

namespace facerep::models {

int64_t Pixels::embedding_dim() const {
  const int64_t side = options_.grid > 0 ? options_.grid : options_.image_size;
  return 3 * side * side;
}

at::Tensor Pixels::feature_map(const at::Tensor& images) {
  if (images.dim() != 4 || images.size(1) != 3 || images.size(2) != options_.image_size ||
      images.size(3) != options_.image_size)
    throw core::RuntimeError("pixels: expected images [B,3," + std::to_string(options_.image_size) + "," +
                             std::to_string(options_.image_size) + "], got " + c10::str(images.sizes()));
  at::Tensor x = options_.grid > 0 ? at::adaptive_avg_pool2d(images, {options_.grid, options_.grid}) : images;
  if (!options_.standardize) return x;
  // Over each image's every value, as the flattened embedding is standardised.
  const at::Tensor flat = x.flatten(1);
  const at::Tensor mean = flat.mean(1, true), std = flat.std(1, true, true);
  return (x - mean.view({-1, 1, 1, 1})) / (std.view({-1, 1, 1, 1}) + 1e-6);
}

at::Tensor Pixels::forward(const at::Tensor& images) { return feature_map(images).flatten(1); }

}  // namespace facerep::models
