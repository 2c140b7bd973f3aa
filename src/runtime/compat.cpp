#include "runtime/compat.h"

#include <ATen/autocast_mode.h>
#include <ATen/ATen.h>

namespace facerep::runtime::compat {

void set_cuda_autocast(bool enabled, c10::ScalarType dtype) {
#if FACEREP_TORCH_AT_LEAST(2, 4)
  at::autocast::set_autocast_enabled(at::kCUDA, enabled);
  at::autocast::set_autocast_dtype(at::kCUDA, dtype);
#else
  at::autocast::set_enabled(enabled);
  at::autocast::set_autocast_gpu_dtype(dtype);
#endif
}

bool cuda_autocast_enabled() {
#if FACEREP_TORCH_AT_LEAST(2, 4)
  return at::autocast::is_autocast_enabled(at::kCUDA);
#else
  return at::autocast::is_enabled();
#endif
}

void clear_autocast_cache() { at::autocast::clear_cache(); }

at::Tensor attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v) {
#if FACEREP_TORCH_AT_LEAST(2, 0)
  return at::scaled_dot_product_attention(q, k, v);
#else
  const double scale = 1.0 / std::sqrt(static_cast<double>(q.size(-1)));
  at::Tensor attn = at::matmul(q * scale, k.transpose(-2, -1)).softmax(-1);
  return at::matmul(attn, v);
#endif
}

}  // namespace facerep::runtime::compat
