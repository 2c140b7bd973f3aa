#pragma once
// Every API difference between the LibTorch versions facerep supports (Debian's 1.13.1 and the
// 2.x releases) lives here, so the rest of the code reads the same on both.
#include <torch/version.h>

#include <ATen/core/Tensor.h>
#include <c10/core/ScalarType.h>

#define FACEREP_TORCH_AT_LEAST(major, minor) \
  (TORCH_VERSION_MAJOR > (major) || (TORCH_VERSION_MAJOR == (major) && TORCH_VERSION_MINOR >= (minor)))

namespace facerep::runtime::compat {

// Autocast (mixed precision) on CUDA: the C++ API was renamed in 2.4 (device-typed calls).
void set_cuda_autocast(bool enabled, c10::ScalarType dtype);
bool cuda_autocast_enabled();
// Clears autocast's cast cache; call when leaving an autocast region.
void clear_autocast_cache();

// Scaled dot-product attention: a fused kernel on 2.x, the plain formula on 1.13.
// q, k, v: [B, H, N, D]. Returns [B, H, N, D].
at::Tensor attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v);

// Peak bytes the CUDA caching allocator has handed out on `device` since the last reset, in MiB;
// -1 when this LibTorch is a CPU build (its statistics live in libc10_cuda, absent there).
double cuda_peak_allocated_mb(int device);
// Whether this LibTorch is a CUDA build (it may still find no GPU at run time).
bool cuda_build();
void reset_cuda_peak_allocated(int device);
// CUDA's sync debug mode: 0 off, 1 warn, 2 error on any operation that makes the host wait for
// the device (an item(), a blocking copy, a stream synchronize). No effect on a CPU build.
void set_cuda_sync_debug_mode(int level);

}  // namespace facerep::runtime::compat
