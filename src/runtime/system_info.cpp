#include "runtime/system_info.h"

#include <sched.h>

#include <sstream>
#include <thread>

#include <torch/cuda.h>
#include <torch/torch.h>
#include <torch/version.h>

#include "core/version.h"
#include "runtime/allocator.h"
#include "runtime/blas_spin.h"
#include "runtime/cuda_devices.h"

namespace facerep::runtime {

namespace {
bool torch_built_with_cuda() {
  const std::string config = at::show_config();
  return config.find("USE_CUDA=ON") != std::string::npos ||
         config.find("USE_CUDA=1") != std::string::npos;
}
}  // namespace

SystemInfo collect_system_info() {
  SystemInfo info;
  info.facerep_version = core::kVersion;
  info.torch_version = TORCH_VERSION;
  info.torch_has_cuda = torch_built_with_cuda();
  info.cuda_available = torch::cuda::is_available();
  info.cuda_device_count = info.cuda_available ? static_cast<int>(torch::cuda::device_count()) : 0;
  if (info.cuda_available) info.cuda_devices = cuda_device_descriptions();
  info.intra_op_threads = at::get_num_threads();
  cpu_set_t set;
  info.cpu_cores = sched_getaffinity(0, sizeof(set), &set) == 0
                       ? CPU_COUNT(&set)
                       : static_cast<int>(std::thread::hardware_concurrency());
  info.blas = detect_blas();
  info.allocator = allocator_tuning().reason;
  info.blas_spin = blas_spin_tuning().reason;
  return info;
}

std::string format_system_info(const SystemInfo& info) {
  std::ostringstream os;
  os << "facerep:    " << info.facerep_version << "\n";
  os << "LibTorch:   " << info.torch_version
     << (info.torch_has_cuda ? " (built with CUDA)" : " (CPU only)") << "\n";
  os << "CUDA:       ";
  if (!info.cuda_available) {
    os << "not available\n";
  } else {
    os << info.cuda_device_count << " device(s)\n";
    for (int i = 0; i < info.cuda_device_count; ++i)
      os << "  cuda:" << i << "    "
         << (i < static_cast<int>(info.cuda_devices.size()) ? info.cuda_devices[i] : "?") << "\n";
  }
  os << "CPU cores:  " << info.cpu_cores << " usable, " << info.intra_op_threads
     << " intra-op threads\n";
  os << "BLAS:       " << info.blas.summary() << "\n";
  if (!info.blas.library.empty()) os << "  library   " << info.blas.library << "\n";
  if (!info.blas_spin.empty()) os << "  idle      " << info.blas_spin << "\n";
  os << "allocator:  " << info.allocator << "\n";
  return os.str();
}

}  // namespace facerep::runtime
