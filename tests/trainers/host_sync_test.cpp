// train.host_sync: log_interval keeps a step's loss, metrics and skip decision on the device until
// the next sync point. On the CPU both modes run here; these tests hold log_interval to what
// `step` computes, and check where its read-backs happen and what it does with non-finite steps.
#include <gtest/gtest.h>

#include <cmath>

#include <torch/torch.h>

#include "core/error.h"
#include "runtime/checkpoint.h"
#include "test_support.h"
#include "trainer_fakes.h"
#include "trainers/trainer.h"

namespace facerep::trainers {
namespace {

using testing::fake_config;
using testing::make_fake_stream;
using testing::FakeStreamOptions;

// Records, for every step the hooks are handed, the trainer's own step at that moment.
struct DeliveryLog {
  std::vector<int64_t> step;        // StepInfo::step
  std::vector<int64_t> trainer_at;  // Trainer::progress().step when handed over
};

class RecordingHook : public TrainerHook {
 public:
  explicit RecordingHook(DeliveryLog& log) : log_(log) {}
  void after_step(Trainer& t, const StepInfo& info) override {
    log_.step.push_back(info.step);
    log_.trainer_at.push_back(t.progress().step);
  }

 private:
  DeliveryLog& log_;
};

struct SyncRun {
  TrainResult result;
  std::vector<at::Tensor> weights;  // the model's parameters at the end
  DeliveryLog delivered;
};

SyncRun train_recording(const ExperimentConfig& c, TrainerSetup setup = {}) {
  FakeStreamOptions so;
  so.batch_size = c.train.batch_size;
  so.seed = c.run.seed;
  setup.data = make_fake_stream(so);
  setup.progress = false;
  SyncRun run;
  Trainer t(c, std::move(setup));
  t.add_hook(std::make_unique<RecordingHook>(run.delivered));
  run.result = t.run();
  for (const auto& p : t.model().parameters()) run.weights.push_back(p.detach().clone());
  return run;
}

bool all_weights_finite(const std::vector<at::Tensor>& ts) {
  for (const auto& t : ts)
    if (!t.isfinite().all().item<bool>()) return false;
  return true;
}

// 12 steps, logged every 4, with clipping (its norm is a flag too) and EMA; `more`: further train keys.
std::string train_yaml(const std::string& more = "") {
  return "train: {steps: 12, log_every: 4, grad_clip: 5.0, ema: {enabled: true, decay: 0.9}" + more + "}\n";
}

TEST(HostSync, LogIntervalComputesExactlyWhatSyncingEveryStepComputes) {
  const SyncRun every = train_recording(fake_config(train_yaml()));
  const SyncRun interval = train_recording(fake_config(train_yaml(", host_sync: log_interval")));
  ASSERT_EQ(every.result.history.size(), 12u);
  ASSERT_EQ(interval.result.history.size(), 12u);
  for (size_t i = 0; i < 12; ++i) {
    EXPECT_EQ(every.result.history[i].scalars.at("loss"), interval.result.history[i].scalars.at("loss")) << i;
    EXPECT_EQ(every.result.history[i].scalars.at("acc"), interval.result.history[i].scalars.at("acc")) << i;
    EXPECT_EQ(every.result.history[i].scalars.at("grad_norm"), interval.result.history[i].scalars.at("grad_norm"))
        << i;
  }
  ASSERT_EQ(every.weights.size(), interval.weights.size());
  for (size_t i = 0; i < every.weights.size(); ++i) EXPECT_TRUE(torch::equal(every.weights[i], interval.weights[i]));
}

TEST(HostSync, StepsReachTheHooksOnlyAtSyncPoints) {
  // Syncing every step: each step is handed over at once.
  const SyncRun every = train_recording(fake_config(train_yaml()));
  EXPECT_EQ(every.delivered.step, every.delivered.trainer_at);
  // log_interval: at the log steps (4, 8, 12) and where a hook acts (evaluation at 6, 9 is the
  // checkpoint's; checkpoint_every 9 with a run folder).
  facerep::testing::TempDir dir;
  const SyncRun interval =
      train_recording(fake_config(train_yaml(", host_sync: log_interval, eval_every: 6, checkpoint_every: 9")), {dir.str()});
  ASSERT_EQ(interval.delivered.step.size(), 12u);
  const std::vector<int64_t> expected = {4, 4, 4, 4, 6, 6, 8, 8, 9, 12, 12, 12};
  EXPECT_EQ(interval.delivered.trainer_at, expected);
  for (size_t i = 0; i < 12; ++i) EXPECT_EQ(interval.delivered.step[i], static_cast<int64_t>(i + 1));
}

TEST(HostSync, NonFiniteLossStopsAtTheSyncPointNamingItsStepWithWeightsIntact) {
  facerep::testing::TempDir dir;
  try {
    train_recording(fake_config("train: {steps: 12, log_every: 4, host_sync: log_interval}\n"
                      "objective: {type: test_softmax, nan_at_step: 5}\n"),
          {dir.str()});
    FAIL() << "expected the non-finite loss to stop the run";
  } catch (const core::RuntimeError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("step 5: loss is nan"), std::string::npos) << m;
    EXPECT_NE(m.find("found at step 8"), std::string::npos) << m;
    EXPECT_NE(m.find("fake:"), std::string::npos) << m;  // the batch's samples
  }
  // The failure's checkpoint (step 8) holds finite weights: step 5 updated with zero gradients.
  const std::string ckpt = dir.file("checkpoints/step_00000008.ckpt");
  ASSERT_TRUE(std::filesystem::exists(ckpt));
  std::vector<at::Tensor> saved;
  for (const auto& [name, t] : runtime::load_checkpoint(ckpt).model) saved.push_back(t);
  EXPECT_TRUE(all_weights_finite(saved));
}

TEST(HostSync, NonFiniteStepsAreCountedAndLeaveTheWeightsFinite) {
  // A NaN loss at step 3 and (separately) NaN gradients of a finite loss at step 7.
  const SyncRun loss = train_recording(fake_config("train: {steps: 10, log_every: 5, host_sync: log_interval, skip_nonfinite: true}\n"
                                     "objective: {type: test_softmax, nan_at_step: 3}\n"));
  EXPECT_EQ(loss.result.skipped, 1);
  EXPECT_EQ(loss.result.steps, 10);  // the skipped batch's step was taken (with zero gradients)
  ASSERT_EQ(loss.result.history.size(), 10u);
  EXPECT_TRUE(loss.result.history[2].skipped);
  EXPECT_TRUE(loss.result.history[2].scalars.empty());
  for (size_t i = 0; i < 10; ++i)
    if (i != 2) EXPECT_TRUE(std::isfinite(loss.result.history[i].scalars.at("loss"))) << i;
  EXPECT_TRUE(all_weights_finite(loss.weights));

  const SyncRun grads = train_recording(fake_config(
      "train: {steps: 10, log_every: 5, host_sync: log_interval, skip_nonfinite: true, grad_clip: 5.0}\n"
      "objective: {type: test_softmax, nan_grad_at_step: 7}\n"));
  EXPECT_EQ(grads.result.skipped, 1);
  EXPECT_TRUE(grads.result.history[6].skipped);
  EXPECT_TRUE(all_weights_finite(grads.weights));
  // The training goes on learning around the dropped step.
  EXPECT_LT(grads.result.history[9].scalars.at("loss"), grads.result.history[0].scalars.at("loss"));
}

TEST(HostSync, ObjectiveSkipIsDecidedOnTheDevice) {
  const SyncRun r = train_recording(fake_config("train: {steps: 6, log_every: 3, host_sync: log_interval}\n"
                                  "objective: {type: test_softmax, skip_at_step: 2}\n"));
  EXPECT_EQ(r.result.skipped, 1);
  EXPECT_TRUE(r.result.history[1].skipped);
  EXPECT_FALSE(r.result.history[0].skipped);
}

TEST(HostSync, DivergedRunStillGivesUp) {
  try {
    train_recording(fake_config("train: {steps: 30, log_every: 10, host_sync: log_interval, skip_nonfinite: true}\n"
                      "objective: {type: test_softmax, nan_always: true}\n"));
    FAIL();
  } catch (const core::RuntimeError& e) {
    EXPECT_NE(std::string(e.what()).find("21 batches in a row had a non-finite loss"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace facerep::trainers
