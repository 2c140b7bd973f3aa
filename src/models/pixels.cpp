#include "models/pixels.h"

#include <ATen/ATen.h>

#include "core/error.h"

namespace facerep::models {

int64_t Pixels::embedding_dim() const {
  const int64_t side = options_.grid > 0 ? options_.grid : options_.image_size;
  return 3 * side * side;
}

at::Tensor Pixels::forward(const at::Tensor& images) {
  if (images.dim() != 4 || images.size(1) != 3 || images.size(2) != options_.image_size ||
      images.size(3) != options_.image_size)
    throw core::RuntimeError("pixels: expected images [B,3," + std::to_string(options_.image_size) + "," +
                             std::to_string(options_.image_size) + "], got " + c10::str(images.sizes()));
  at::Tensor x = options_.grid > 0 ? at::adaptive_avg_pool2d(images, {options_.grid, options_.grid}) : images;
  x = x.flatten(1);
  if (options_.standardize) x = (x - x.mean(1, true)) / (x.std(1, true, true) + 1e-6);
  return x;
}

}  // namespace facerep::models
