// The GPU path: the shipped tiny recipes train on CUDA in bf16 autocast, fp32 on CUDA starts from
// the same loss as on the CPU, and the bench's peak device memory is read. Skipped without a
// usable GPU (they compile everywhere, so a CUDA LibTorch build runs them as they are).
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include <torch/cuda.h>

#include "runtime/compat.h"
#include "test_support.h"
#include "trainers/trainer.h"

namespace facerep::trainers {
namespace {

TrainResult train_recipe(const std::string& recipe, std::vector<std::string> overrides) {
  overrides.push_back("eval=[]");
  overrides.push_back("train.checkpoint_every=0");
  TrainerSetup setup;
  setup.progress = false;
  Trainer t(load_experiment(facerep::testing::source_dir() + "/configs/" + recipe, overrides), std::move(setup));
  return t.run();
}

#define FACEREP_SKIP_WITHOUT_CUDA() \
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no usable CUDA GPU"

TEST(CudaTraining, TinyRecipesTrainInBf16) {
  FACEREP_SKIP_WITHOUT_CUDA();
  for (const char* recipe : {"recognition/tiny_arcface.yaml", "pretrain/tiny_mae.yaml", "pretrain/tiny_fsfm.yaml"}) {
    SCOPED_TRACE(recipe);
    runtime::compat::reset_cuda_peak_allocated(0);
    const TrainResult r = train_recipe(recipe, {"run.device=cuda", "run.precision=bf16", "train.steps=8"});
    ASSERT_EQ(r.history.size(), 8u);
    for (const auto& s : r.history) EXPECT_TRUE(std::isfinite(s.scalars.at("loss"))) << "step " << s.step;
    EXPECT_GT(runtime::compat::cuda_peak_allocated_mb(0), 0.0);
  }
}

// train.host_sync: log_interval (the CUDA default): between two sync points a step never makes
// the host wait for the GPU. CUDA's sync debug mode turns any such wait into an error; it is on
// from the end of each sync point to the start of the next.
TEST(CudaTraining, StepsBetweenSyncPointsNeverWaitForTheDevice) {
  FACEREP_SKIP_WITHOUT_CUDA();
  for (const char* recipe : {"recognition/tiny_arcface.yaml", "pretrain/tiny_mae.yaml", "pretrain/tiny_fsfm.yaml",
                             "iat/tiny_synthetic.yaml"}) {
    SCOPED_TRACE(recipe);
    const int64_t steps = 9;
    TrainerSetup setup;
    setup.progress = false;
    setup.on_sync = [&](bool reading, int64_t step) {
      runtime::compat::set_cuda_sync_debug_mode(!reading && step < steps ? 2 : 0);
    };
    Trainer t(load_experiment(facerep::testing::source_dir() + "/configs/" + recipe,
                              {"eval=[]", "train.checkpoint_every=0", "run.device=cuda", "run.precision=bf16",
                               "train.steps=9", "train.log_every=4", "train.grad_clip=5.0"}),
              std::move(setup));
    TrainResult r;
    try {
      r = t.run();
    } catch (const std::exception& e) {
      runtime::compat::set_cuda_sync_debug_mode(0);
      FAIL() << "a step waited for the device: " << e.what();
    }
    runtime::compat::set_cuda_sync_debug_mode(0);
    ASSERT_EQ(r.history.size(), 9u);
    for (const auto& s : r.history) EXPECT_TRUE(std::isfinite(s.scalars.at("loss"))) << "step " << s.step;
  }
}

TEST(CudaTraining, Fp32OnCudaStartsFromTheCpuLoss) {
  FACEREP_SKIP_WITHOUT_CUDA();
  // Same seed, same data, weights initialised on the CPU before the move: the first loss agrees
  // up to kernel rounding (cuDNN convolutions, TF32 off by default in LibTorch's C++ API).
  const std::vector<std::string> common = {"run.precision=fp32", "train.steps=1"};
  std::vector<std::string> gpu = common, cpu = common;
  gpu.push_back("run.device=cuda");
  cpu.push_back("run.device=cpu");
  const double on_gpu = train_recipe("recognition/tiny_arcface.yaml", gpu).history.at(0).scalars.at("loss");
  const double on_cpu = train_recipe("recognition/tiny_arcface.yaml", cpu).history.at(0).scalars.at("loss");
  EXPECT_NEAR(on_gpu, on_cpu, 1e-3 * std::abs(on_cpu));
}

TEST(CudaTraining, PeakMemoryIsUnknownOnACpuBuild) {
  if (runtime::compat::cuda_build()) GTEST_SKIP() << "a CUDA LibTorch: TinyRecipesTrainInBf16 reads the figure";
  // A CPU LibTorch lacks the caching allocator's statistics: the bench prints null, nothing throws.
  EXPECT_EQ(runtime::compat::cuda_peak_allocated_mb(0), -1.0);
  runtime::compat::reset_cuda_peak_allocated(0);
}

}  // namespace
}  // namespace facerep::trainers
