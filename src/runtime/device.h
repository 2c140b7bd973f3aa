#pragma once
// Turns run.device ("auto" | "cpu" | "cuda" | "cuda:N") into a c10::Device.
#include <string>

#include <c10/core/Device.h>

namespace facerep::runtime {

// "auto" picks cuda:0 when a GPU is visible, else CPU. Throws core::ConfigError naming
// run.device when the text is malformed, CUDA is requested but this LibTorch/machine has none,
// or the index is out of range.
c10::Device resolve_device(const std::string& spec);

// The same for one process of a multi-process job: "auto" and "cuda" take the GPU of this
// process's index on its node (cuda:<local_rank>), one process per GPU; "cuda:N" stays N.
c10::Device resolve_device(const std::string& spec, int local_rank);

}  // namespace facerep::runtime
