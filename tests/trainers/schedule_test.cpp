#include <gtest/gtest.h>

#include <cmath>

#include "core/config_tree.h"
#include "trainers/experiment_config.h"
#include "trainers/schedule.h"
#include "trainer_fakes.h"

namespace facerep::trainers {
namespace {

std::shared_ptr<Schedule> make(const std::string& yaml, double base_lr, int64_t total, int64_t per_epoch = 10) {
  testing::register_fakes();
  core::ConfigTree t = core::ConfigTree::load_string(std::string(testing::kFakeComponents) + "schedule: " + yaml + "\n", "s.yaml");
  ExperimentConfig c = load_experiment_tree(t);
  return schedule_registry().build(c.schedule, ScheduleContext{base_lr, total, per_epoch});
}

constexpr double kPi = 3.14159265358979323846;

TEST(Schedule, CosineWithWarmup) {
  auto s = make("{type: cosine, warmup_steps: 10, warmup_start: 0.01, min_lr: 0.001}", 0.1, 110);
  EXPECT_DOUBLE_EQ(s->lr(0), 0.01);
  EXPECT_NEAR(s->lr(5), 0.01 + 0.09 * 0.5, 1e-12);
  EXPECT_NEAR(s->lr(10), 0.1, 1e-12);
  // Halfway through the 100 cosine steps: the midpoint of lr and min_lr.
  EXPECT_NEAR(s->lr(60), 0.001 + 0.099 * 0.5, 1e-12);
  EXPECT_NEAR(s->lr(35), 0.001 + 0.099 * 0.5 * (1 + std::cos(kPi * 0.25)), 1e-12);
  EXPECT_NEAR(s->lr(110), 0.001, 1e-12);
  EXPECT_NEAR(s->lr(500), 0.001, 1e-12);  // past the end it stays at min_lr
}

TEST(Schedule, CosineBuiltInCodeMatchesTheConfiguredOne) {
  const auto coded = cosine_schedule(ScheduleContext{0.1, 110, 10}, 10, 0.001);
  const auto configured = make("{type: cosine, warmup_steps: 10, min_lr: 0.001}", 0.1, 110);
  for (int64_t step : {0, 5, 10, 35, 60, 110}) EXPECT_DOUBLE_EQ(coded->lr(step), configured->lr(step)) << step;
  EXPECT_DOUBLE_EQ(coded->lr(5), 0.05);
}

TEST(Schedule, WarmupInEpochs) {
  auto s = make("{type: cosine, warmup_epochs: 0.5}", 1.0, 100, 8);  // 4 warmup steps
  EXPECT_DOUBLE_EQ(s->lr(0), 0.0);
  EXPECT_DOUBLE_EQ(s->lr(2), 0.5);
  EXPECT_DOUBLE_EQ(s->lr(4), 1.0);
}

TEST(Schedule, StepMilestonesInEpochsAndSteps) {
  auto e = make("{type: step, milestones: [2, 3], gamma: 0.1}", 0.1, 100, 10);
  EXPECT_NEAR(e->lr(19), 0.1, 1e-12);
  EXPECT_NEAR(e->lr(20), 0.01, 1e-12);
  EXPECT_NEAR(e->lr(29), 0.01, 1e-12);
  EXPECT_NEAR(e->lr(30), 0.001, 1e-12);
  auto s = make("{type: step, milestones: [5], unit: step, gamma: 0.5}", 0.2, 100);
  EXPECT_NEAR(s->lr(4), 0.2, 1e-12);
  EXPECT_NEAR(s->lr(5), 0.1, 1e-12);
}

TEST(Schedule, PolyAndConstant) {
  auto p = make("{type: poly, power: 2.0}", 0.1, 100);
  EXPECT_NEAR(p->lr(0), 0.1, 1e-12);
  EXPECT_NEAR(p->lr(50), 0.1 * 0.25, 1e-12);
  EXPECT_NEAR(p->lr(100), 0.0, 1e-12);
  auto c = make("{type: constant, warmup_steps: 4}", 0.3, 100);
  EXPECT_NEAR(c->lr(1), 0.075, 1e-12);
  EXPECT_NEAR(c->lr(4), 0.3, 1e-12);
  EXPECT_NEAR(c->lr(99), 0.3, 1e-12);
}

TEST(Schedule, UnknownTypeSuggests) {
  testing::register_fakes();
  core::ConfigTree t = core::ConfigTree::load_string(std::string(testing::kFakeComponents) + "schedule: {type: cosin}\n", "s.yaml");
  try {
    load_experiment_tree(t);
    FAIL();
  } catch (const core::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("did you mean cosine?"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace facerep::trainers
