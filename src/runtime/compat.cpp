#include "runtime/compat.h"

#include <ATen/autocast_mode.h>
#include <ATen/ATen.h>

#include "runtime/torch_build.h"
#if FACEREP_TORCH_CUDA
#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/cuda/CUDAFunctions.h>
#endif

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

double cuda_peak_allocated_mb(int device) {
#if FACEREP_TORCH_CUDA
  namespace alloc = c10::cuda::CUDACachingAllocator;
  const auto stats = alloc::getDeviceStats(static_cast<c10::DeviceIndex>(device));
  // Index 0 is StatType::AGGREGATE in every version (the enum moved namespaces in 2.5).
  return static_cast<double>(stats.allocated_bytes[0].peak) / (1024.0 * 1024.0);
#else
  (void)device;
  return -1.0;
#endif
}

bool cuda_build() { return FACEREP_TORCH_CUDA != 0; }

void reset_cuda_peak_allocated(int device) {
#if FACEREP_TORCH_CUDA
  c10::cuda::CUDACachingAllocator::resetPeakStats(static_cast<c10::DeviceIndex>(device));
#else
  (void)device;
#endif
}

void set_cuda_sync_debug_mode(int level) {
#if FACEREP_TORCH_CUDA
  c10::cuda::warning_state().set_sync_debug_mode(static_cast<c10::cuda::SyncDebugMode>(level));
#else
  (void)level;
#endif
}

}  // namespace facerep::runtime::compat
