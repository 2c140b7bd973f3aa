#include <gtest/gtest.h>

#include <torch/torch.h>

#include "runtime/checkpoint.h"
#include "runtime/rng.h"
#include "test_support.h"
#include "trainers/training_state.h"

namespace facerep::trainers {
namespace {

// Every field away from its default, so a field save or load forgets shows.
TrainingState full_state() {
  TrainingState s;
  s.config_yaml = "run: {name: x}\n";
  s.model = {{"fc.weight", at::arange(6, at::kFloat).reshape({2, 3})}, {"bn.num_batches_tracked", at::tensor(7)}};
  s.ema = {{"fc.weight", at::full({2, 3}, 0.25)}};
  s.objective = {{"head.weight", at::full({4, 2}, 0.5)}};
  s.optimizer_type = "adamw";
  s.optimizer = {{"model.fc.weight/exp_avg", at::full({2, 3}, -1.0)}};
  s.progress = {42, 3, 2};
  s.data = {3, 5};
  s.data_samples = 5 * 64;
  s.loss_scale = 1024.0;
  s.scaler_growth = 17;
  s.best = {"eval/verification/accuracy", 0.975, 40};
  s.rng_cpu = runtime::default_cpu_generator_state();
  s.rng_cuda = at::arange(16, at::kByte);  // any bytes: load must not interpret them
  return s;
}

void expect_same_tensors(const runtime::NamedTensors& a, const runtime::NamedTensors& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].first, b[i].first);
    EXPECT_TRUE(at::equal(a[i].second, b[i].second)) << a[i].first;
  }
}

TEST(TrainingState, SaveLoadThroughTheCheckpointFileKeepsEveryField) {
  facerep::testing::TempDir dir;
  const TrainingState s = full_state();
  runtime::Checkpoint c;
  s.save(c);
  runtime::save_checkpoint(c, dir.file("s.ckpt"));
  TrainingState r;
  r.load(runtime::load_checkpoint(dir.file("s.ckpt")));
  EXPECT_EQ(r.config_yaml, s.config_yaml);
  expect_same_tensors(r.model, s.model);
  expect_same_tensors(r.ema, s.ema);
  expect_same_tensors(r.objective, s.objective);
  EXPECT_EQ(r.optimizer_type, s.optimizer_type);
  expect_same_tensors(r.optimizer, s.optimizer);
  EXPECT_EQ(r.progress.step, 42);
  EXPECT_EQ(r.progress.epoch, 3);
  EXPECT_EQ(r.progress.skipped, 2);
  EXPECT_EQ(r.data.epoch, 3);
  EXPECT_EQ(r.data.batch, 5);
  EXPECT_EQ(r.data_samples, 5 * 64);
  EXPECT_DOUBLE_EQ(r.loss_scale, 1024.0);
  EXPECT_EQ(r.scaler_growth, 17);
  EXPECT_EQ(r.best.name, "eval/verification/accuracy");
  EXPECT_DOUBLE_EQ(r.best.value, 0.975);
  EXPECT_EQ(r.best.step, 40);
  EXPECT_TRUE(at::equal(r.rng_cpu, s.rng_cpu));
  EXPECT_TRUE(at::equal(r.rng_cuda, s.rng_cuda));
}

TEST(TrainingState, NoBestAndNoCudaStayEmpty) {
  TrainingState s = full_state();
  s.best = {};
  s.rng_cuda = at::Tensor();
  runtime::Checkpoint c;
  s.save(c);
  TrainingState r = full_state();
  r.load(c);
  EXPECT_TRUE(r.best.empty());
  EXPECT_FALSE(r.rng_cuda.defined());
}

// Files from before a counter existed: the counter reads as its documented default and the rest
// loads as before.
TEST(TrainingState, ReadsCheckpointsWrittenBeforeLaterCounters) {
  runtime::Checkpoint c;
  full_state().save(c);
  c.counters.erase("best_step");
  c.counters.erase("loader_samples");
  TrainingState r;
  r.load(c);
  EXPECT_EQ(r.best.name, "eval/verification/accuracy");
  EXPECT_EQ(r.best.step, 0);
  EXPECT_EQ(r.data_samples, -1);  // the loader position is then its batch index
  EXPECT_EQ(r.data.batch, 5);
  EXPECT_EQ(r.progress.step, 42);
}

TEST(TrainingState, BestMetricKeepsOnlyImprovementsOfOneMetric) {
  BestMetric b;
  EXPECT_TRUE(b.offer("eval/a/acc", 0.5, 2, /*maximize=*/true));
  EXPECT_FALSE(b.offer("eval/a/acc", 0.5, 4, true));  // equal is no improvement
  EXPECT_FALSE(b.offer("eval/b/acc", 0.9, 4, true));  // another metric is ignored
  EXPECT_TRUE(b.offer("eval/a/acc", 0.6, 6, true));
  EXPECT_EQ(b.step, 6);
  BestMetric loss;
  EXPECT_TRUE(loss.offer("eval/r/loss", 0.3, 1, /*maximize=*/false));
  EXPECT_FALSE(loss.offer("eval/r/loss", 0.4, 2, false));
  EXPECT_TRUE(loss.offer("eval/r/loss", 0.2, 3, false));
  EXPECT_DOUBLE_EQ(loss.value, 0.2);
}

}  // namespace
}  // namespace facerep::trainers
