#include "runtime/device.h"

#include <torch/cuda.h>

#include "core/error.h"

namespace facerep::runtime {

namespace {
[[noreturn]] void device_error(const std::string& message) {
  throw core::ConfigError(core::SourceLoc{}, "run.device", message);
}
}  // namespace

c10::Device resolve_device(const std::string& spec) {
  if (spec == "cpu") return c10::Device(c10::kCPU);
  const bool cuda = torch::cuda::is_available();
  if (spec == "auto") return cuda ? c10::Device(c10::kCUDA, 0) : c10::Device(c10::kCPU);
  if (spec != "cuda" && spec.rfind("cuda:", 0) != 0)
    device_error("must be auto, cpu, cuda or cuda:N; got '" + spec + "'");
  int index = 0;
  if (spec != "cuda") {
    const std::string digits = spec.substr(5);
    if (digits.empty() || digits.size() > 3 ||
        digits.find_first_not_of("0123456789") != std::string::npos)
      device_error("expected cuda:N with N a GPU index, got '" + spec + "'");
    index = std::stoi(digits);
  }
  if (!cuda)
    device_error("'" + spec + "' requested but no CUDA GPU is usable here (this LibTorch has no "
                 "CUDA support or no GPU is visible); use device: auto or cpu");
  const int count = static_cast<int>(torch::cuda::device_count());
  if (index >= count)
    device_error("'" + spec + "' requested but only " + std::to_string(count) +
                 " GPU(s) are visible (cuda:0..cuda:" + std::to_string(count - 1) + ")");
  return c10::Device(c10::kCUDA, static_cast<c10::DeviceIndex>(index));
}

c10::Device resolve_device(const std::string& spec, int local_rank) {
  const c10::Device device = resolve_device(spec);
  if (!device.is_cuda() || local_rank == 0 || (spec != "auto" && spec != "cuda")) return device;
  const int count = static_cast<int>(torch::cuda::device_count());
  if (local_rank >= count)
    device_error("'" + spec + "' on local rank " + std::to_string(local_rank) + " needs cuda:" +
                 std::to_string(local_rank) + ", but only " + std::to_string(count) +
                 " GPU(s) are visible: start at most one process per GPU on a node");
  return c10::Device(c10::kCUDA, static_cast<c10::DeviceIndex>(local_rank));
}

}  // namespace facerep::runtime
