#pragma once
// Names and memory of the visible GPUs, read through the CUDA driver library loaded at run time,
// so this compiles and runs against CPU-only LibTorch too.
#include <string>
#include <vector>

namespace facerep::runtime {

// "NVIDIA H200 (139 GiB)" per device in CUDA's order (CUDA_VISIBLE_DEVICES applies);
// empty when there is no driver or no GPU.
std::vector<std::string> cuda_device_descriptions();

}  // namespace facerep::runtime
