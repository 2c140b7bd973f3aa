#include <gtest/gtest.h>

#include <cmath>

#include <torch/torch.h>

#include "core/error.h"
#include "runtime/ema.h"

namespace facerep::runtime {
namespace {

TEST(Ema, AveragesParametersAndSwapsInAndOut) {
  torch::nn::Linear lin(1, 1);
  {
    torch::NoGradGuard g;
    lin->weight.fill_(1.0);
    lin->bias.fill_(0.0);
  }
  Ema ema(*lin, 0.9);
  {
    torch::NoGradGuard g;
    lin->weight.fill_(2.0);
  }
  ema.update(*lin);  // 0.9·1 + 0.1·2 = 1.1
  {
    torch::NoGradGuard g;
    lin->weight.fill_(3.0);
  }
  ema.update(*lin);  // 0.9·1.1 + 0.1·3 = 1.29
  ema.apply_to(*lin);
  EXPECT_NEAR(lin->weight.item<float>(), 1.29, 1e-6);
  ema.restore(*lin);
  EXPECT_FLOAT_EQ(lin->weight.item<float>(), 3.0f);
}

TEST(Ema, CosineMomentumScheduleValues) {
  EXPECT_DOUBLE_EQ(cosine_momentum(0.996, 0, 100), 0.996);
  EXPECT_NEAR(cosine_momentum(0.996, 50, 100), 0.998, 1e-12);
  EXPECT_NEAR(cosine_momentum(0.996, 25, 100), 1 - 0.004 * (std::cos(M_PI / 4) + 1) / 2, 1e-12);
  EXPECT_DOUBLE_EQ(cosine_momentum(0.996, 100, 100), 1.0);
  EXPECT_DOUBLE_EQ(cosine_momentum(0.996, 150, 100), 1.0);
}

TEST(Ema, ModuleUpdateAveragesParametersAndCopiesBuffers) {
  torch::nn::BatchNorm1d online(2), target(2);
  {
    torch::NoGradGuard g;
    online->weight.fill_(3.0);
    target->weight.fill_(1.0);
    online->running_mean.fill_(5.0);
    online->num_batches_tracked.fill_(7);
  }
  ema_update(*target, *online, 0.75);
  EXPECT_TRUE(torch::allclose(target->weight, torch::full({2}, 1.5)));  // 0.75*1 + 0.25*3
  EXPECT_TRUE(torch::equal(target->running_mean, torch::full({2}, 5.0)));
  EXPECT_EQ(target->num_batches_tracked.item<int64_t>(), 7);
}

TEST(Ema, TrainerEmaAndModuleUpdateFollowOneRule) {
  torch::nn::Linear live(3, 2), copy(3, 2);
  {
    torch::NoGradGuard g;
    for (auto& p : copy->parameters()) p.zero_();
  }
  Ema ema(*copy, 0.9);
  for (int step = 0; step < 3; ++step) {
    {
      torch::NoGradGuard g;
      for (auto& p : live->parameters()) p.add_(1.0);
    }
    ema.update(*live);
    ema_update(*copy, *live, 0.9);
  }
  const NamedTensors averaged = module_state(*copy);
  ASSERT_EQ(ema.state().size(), averaged.size());
  for (size_t i = 0; i < averaged.size(); ++i) EXPECT_TRUE(torch::equal(ema.state()[i].second, averaged[i].second));
}

TEST(Ema, MismatchedModulesAreAnError) {
  torch::nn::Linear a(3, 2), b(4, 2);
  try {
    ema_update(*a, *b, 0.5);
    FAIL();
  } catch (const core::RuntimeError& e) {
    EXPECT_NE(std::string(e.what()).find("averaged 'weight' does not match live 'weight'"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace facerep::runtime
