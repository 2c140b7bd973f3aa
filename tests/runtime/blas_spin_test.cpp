#include <gtest/gtest.h>

#include <dlfcn.h>

#include <torch/torch.h>

#include "runtime/blas_info.h"
#include "runtime/blas_spin.h"

namespace facerep::runtime {
namespace {

TEST(BlasSpin, DecisionHonoursUserSettingsAndTheLoadedBlas) {
  EXPECT_TRUE(decide_blas_spin(nullptr, nullptr, nullptr, true).applied);
  EXPECT_TRUE(decide_blas_spin(nullptr, nullptr, "tuned", true).applied);
  const auto by_env = decide_blas_spin("28", nullptr, nullptr, true);
  EXPECT_FALSE(by_env.applied);
  EXPECT_NE(by_env.reason.find("OPENBLAS_THREAD_TIMEOUT is set"), std::string::npos) << by_env.reason;
  // What a facerep parent exported is the same choice, already read by OpenBLAS at load.
  EXPECT_TRUE(decide_blas_spin(std::to_string(kBlasThreadTimeout).c_str(), nullptr, nullptr, true).applied);
  const auto by_goto = decide_blas_spin(nullptr, "20", nullptr, true);
  EXPECT_FALSE(by_goto.applied);
  EXPECT_NE(by_goto.reason.find("GOTO_THREAD_TIMEOUT"), std::string::npos) << by_goto.reason;
  EXPECT_FALSE(decide_blas_spin(std::to_string(kBlasThreadTimeout).c_str(), nullptr, "default", true).applied);
  const auto opted_out = decide_blas_spin(nullptr, nullptr, "default", true);
  EXPECT_FALSE(opted_out.applied);
  EXPECT_NE(opted_out.reason.find("FACEREP_BLAS_SPIN=default"), std::string::npos);
  const auto other_blas = decide_blas_spin(nullptr, nullptr, nullptr, false);
  EXPECT_FALSE(other_blas.applied);
  EXPECT_NE(other_blas.reason.find("not a pthread OpenBLAS"), std::string::npos);
  const auto unknown = decide_blas_spin(nullptr, nullptr, "fast", true);
  EXPECT_TRUE(unknown.applied);
  EXPECT_NE(unknown.reason.find("ignored FACEREP_BLAS_SPIN='fast'"), std::string::npos);
}

TEST(BlasSpin, RestartedPoolTakesTheTimeoutAndStillMultipliesRight) {
  const BlasSpinTuning& t = tune_blas_spin();
  EXPECT_EQ(&t, &blas_spin_tuning());
  if (!t.applied) GTEST_SKIP() << "BLAS left as is: " << t.reason;
  // OpenBLAS reports the setting its restarted workers read.
  using GetInt = int (*)();
  auto timeout = reinterpret_cast<GetInt>(dlsym(RTLD_DEFAULT, "openblas_thread_timeout"));
  ASSERT_NE(timeout, nullptr);
  EXPECT_EQ(timeout(), kBlasThreadTimeout);
  // The restarted pool computes: a product big enough to be split across the workers, checked
  // against sums done without BLAS.
  const auto a = torch::arange(256 * 300, torch::kDouble).reshape({256, 300}).remainder(7) - 3;
  const auto b = torch::arange(300 * 200, torch::kDouble).reshape({300, 200}).remainder(5) - 2;
  const auto expected = (a.unsqueeze(2) * b.unsqueeze(0)).sum(1);
  EXPECT_TRUE(torch::equal(torch::mm(a, b), expected));
  EXPECT_EQ(detect_blas().kind, "openblas");
}

}  // namespace
}  // namespace facerep::runtime
