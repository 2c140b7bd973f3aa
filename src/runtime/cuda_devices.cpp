#include "runtime/cuda_devices.h"

#include <dlfcn.h>

#include <cstddef>

namespace facerep::runtime {

std::vector<std::string> cuda_device_descriptions() {
  std::vector<std::string> out;
  // The driver API's C functions have been stable for many CUDA releases; the handle stays
  // open (unloading the driver while LibTorch uses it would be unsafe).
  void* lib = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  if (!lib) return out;
  using Init = int (*)(unsigned);
  using Count = int (*)(int*);
  using Get = int (*)(int*, int);
  using Name = int (*)(char*, int, int);
  using Mem = int (*)(size_t*, int);
  auto init = reinterpret_cast<Init>(dlsym(lib, "cuInit"));
  auto count = reinterpret_cast<Count>(dlsym(lib, "cuDeviceGetCount"));
  auto get = reinterpret_cast<Get>(dlsym(lib, "cuDeviceGet"));
  auto name = reinterpret_cast<Name>(dlsym(lib, "cuDeviceGetName"));
  auto mem = reinterpret_cast<Mem>(dlsym(lib, "cuDeviceTotalMem_v2"));
  int n = 0;
  if (!init || !count || !get || !name || init(0) != 0 || count(&n) != 0) return out;
  for (int i = 0; i < n; ++i) {
    int device = 0;
    char buf[256] = {0};
    if (get(&device, i) != 0 || name(buf, sizeof(buf) - 1, device) != 0) continue;
    std::string text = buf;
    size_t bytes = 0;
    if (mem && mem(&bytes, device) == 0)
      text += " (" + std::to_string((bytes + (size_t{1} << 29)) >> 30) + " GiB)";
    out.push_back(text);
  }
  return out;
}

}  // namespace facerep::runtime
