#pragma once
// What `facerep info` prints and every run logs at start: versions, devices, threads, BLAS,
// allocator and BLAS idle-spin tuning.
#include <string>
#include <vector>

#include "runtime/blas_info.h"

namespace facerep::runtime {

struct SystemInfo {
  std::string facerep_version;
  std::string torch_version;      // e.g. "1.13.1"
  bool torch_has_cuda = false;    // compiled with CUDA
  bool cuda_available = false;
  int cuda_device_count = 0;
  std::vector<std::string> cuda_devices;  // "NVIDIA H200 (139 GiB)"
  int intra_op_threads = 0;
  int cpu_cores = 0;
  BlasInfo blas;
  std::string allocator;          // "tuned (...)" | "glibc default (...)"
  std::string blas_spin;          // "idle OpenBLAS workers sleep ..." | why not
};

SystemInfo collect_system_info();
// Aligned "key: value" lines, one per fact; the BLAS line starts with "BLAS:".
std::string format_system_info(const SystemInfo& info);

}  // namespace facerep::runtime
