#include <gtest/gtest.h>

#include <torch/torch.h>

#include "core/logging.h"
#include "core/version.h"
#include "runtime/run_setup.h"
#include "runtime/system_info.h"
#include "test_support.h"

namespace facerep::runtime {
namespace {

TEST(RunSetup, ThreadsSeedAndDeviceFromRunOptions) {
  const int saved = at::get_num_threads();
  core::RunOptions run;
  run.threads = 1;
  run.seed = 42;
  run.device = "cpu";
  run.log_level = "warn";
  const RunSetup s = setup_run(run);
  EXPECT_EQ(s.threads, 1);
  EXPECT_EQ(at::get_num_threads(), 1);
  EXPECT_EQ(s.device, c10::Device(c10::kCPU));
  EXPECT_EQ(core::log_level(), core::LogLevel::kWarn);
  const auto a = torch::rand({4});
  seed_everything(42);
  const auto b = torch::rand({4});
  EXPECT_TRUE(torch::equal(a, b));  // same seed, same numbers
  seed_everything(43);
  EXPECT_FALSE(torch::equal(torch::rand({4}), b));
  core::set_log_level(core::LogLevel::kInfo);
  setup_threads(saved);
}

TEST(RunSetup, ZeroThreadsMeansAllUsableCores) {
  const int saved = at::get_num_threads();
  EXPECT_GE(setup_threads(0), 1);
  EXPECT_EQ(setup_threads(2), 2);
  setup_threads(saved);
}

TEST(RunSetup, DeterministicModeToggles) {
  set_deterministic(true);
  EXPECT_TRUE(at::globalContext().deterministicAlgorithms());
  set_deterministic(false);
  EXPECT_FALSE(at::globalContext().deterministicAlgorithms());
}

TEST(SystemInfo, ReportsVersionsAndBlasLine) {
  const SystemInfo info = collect_system_info();
  EXPECT_EQ(info.torch_version, std::to_string(TORCH_VERSION_MAJOR) + "." +
                                    std::to_string(TORCH_VERSION_MINOR) + "." +
                                    std::to_string(TORCH_VERSION_PATCH));
  EXPECT_GE(info.cpu_cores, 1);
  const std::string text = format_system_info(info);
  EXPECT_NE(text.find("\nBLAS:       " + info.blas.summary() + "\n"), std::string::npos) << text;
  EXPECT_NE(text.find("LibTorch:   " + info.torch_version), std::string::npos);
  if (info.cuda_available)
    EXPECT_EQ(static_cast<int>(info.cuda_devices.size()), info.cuda_device_count) << text;
}

TEST(Version, MatchesCMakeProject) {
  const std::string cmake = testing::read_file(testing::source_dir() + "/CMakeLists.txt");
  EXPECT_NE(cmake.find(std::string("project(facerep VERSION ") + core::kVersion + " "),
            std::string::npos);
}

}  // namespace
}  // namespace facerep::runtime
