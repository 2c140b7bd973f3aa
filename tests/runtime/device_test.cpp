#include <gtest/gtest.h>

#include <torch/cuda.h>

#include "core/error.h"
#include "runtime/device.h"

namespace facerep::runtime {
namespace {

std::string error_of(const std::string& spec) {
  try {
    resolve_device(spec);
  } catch (const core::ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(ResolveDevice, CpuAndAuto) {
  EXPECT_EQ(resolve_device("cpu"), c10::Device(c10::kCPU));
  const c10::Device expected = torch::cuda::is_available() ? c10::Device(c10::kCUDA, 0)
                                                           : c10::Device(c10::kCPU);
  EXPECT_EQ(resolve_device("auto"), expected);
}

TEST(ResolveDevice, MalformedSpecsNameTheKey) {
  EXPECT_NE(error_of("gpu").find("run.device: must be auto, cpu, cuda or cuda:N; got 'gpu'"),
            std::string::npos)
      << error_of("gpu");
  EXPECT_NE(error_of("cuda:x").find("expected cuda:N"), std::string::npos) << error_of("cuda:x");
  EXPECT_NE(error_of("cuda:").find("expected cuda:N"), std::string::npos);
}

TEST(ResolveDevice, CudaWithoutGpuOrBeyondTheCountIsAClearError) {
  if (!torch::cuda::is_available()) {
    EXPECT_NE(error_of("cuda").find("'cuda' requested but no CUDA GPU is usable"), std::string::npos)
        << error_of("cuda");
    EXPECT_NE(error_of("cuda:0").find("use device: auto or cpu"), std::string::npos);
    return;
  }
  const int n = static_cast<int>(torch::cuda::device_count());
  EXPECT_EQ(resolve_device("cuda"), c10::Device(c10::kCUDA, 0));
  EXPECT_EQ(resolve_device("cuda:" + std::to_string(n - 1)), c10::Device(c10::kCUDA, n - 1));
  EXPECT_NE(error_of("cuda:" + std::to_string(n)).find("only " + std::to_string(n) + " GPU(s)"),
            std::string::npos);
}

}  // namespace
}  // namespace facerep::runtime
