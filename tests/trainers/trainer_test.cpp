#include <gtest/gtest.h>

#include <filesystem>

#include <torch/torch.h>

#include "core/error.h"
#include "core/logging.h"
#include "runtime/checkpoint.h"
#include "test_support.h"
#include "trainer_fakes.h"
#include "trainers/checkpoint_model.h"
#include "trainers/trainer.h"

namespace facerep::trainers {
namespace {

using testing::fake_config;
using testing::make_fake_stream;
using testing::FakeStreamOptions;

TrainResult train(const ExperimentConfig& c, TrainerSetup setup, FakeStreamOptions so = {}) {
  so.batch_size = c.train.batch_size;
  so.seed = c.run.seed;
  setup.data = make_fake_stream(so);
  setup.progress = false;
  Trainer t(c, std::move(setup));
  return t.run();
}

std::vector<double> losses_of(const TrainResult& r) {
  std::vector<double> out;
  for (const auto& s : r.history) out.push_back(s.scalars.at("loss"));
  return out;
}

TEST(Trainer, LearnsOnClusteredData) {
  const TrainResult r = train(fake_config("train: {steps: 40}\n"), {});
  ASSERT_EQ(r.history.size(), 40u);
  double first = 0, last = 0;
  for (int i = 0; i < 4; ++i) first += r.history[i].scalars.at("loss") / 4;
  for (int i = 36; i < 40; ++i) last += r.history[i].scalars.at("loss") / 4;
  EXPECT_GT(first, 1.2);       // ≈ ln 4 at the start
  EXPECT_LT(last, 0.3 * first) << "first " << first << " last " << last;
  EXPECT_GT(r.history.back().scalars.at("acc"), 0.9);
  EXPECT_TRUE(r.finished);
}

TEST(Trainer, GradAccumulationMatchesTheFullBatch) {
  // The linear fake has no batch-norm, so two micro-batches of 8 give the gradient of 16.
  const TrainResult full = train(fake_config("train: {steps: 5, grad_accum: 1}\nobjective: {type: test_softmax}\n"), {});
  const TrainResult accum = train(fake_config("train: {steps: 5, grad_accum: 2}\n"), {});
  ASSERT_EQ(full.history.size(), accum.history.size());
  for (size_t i = 0; i < full.history.size(); ++i)
    EXPECT_NEAR(full.history[i].scalars.at("loss"), accum.history[i].scalars.at("loss"), 1e-5) << i;
}

TEST(Trainer, ResumeReproducesTheUninterruptedRunExactly) {
  const std::string extra =
      "train: {steps: 12, checkpoint_every: 3, ema: {enabled: true, decay: 0.9}}\n"
      "objective: {type: test_softmax, dropout_noise: 0.1}\n"
      "optim: {type: adamw, lr: 0.01}\n";
  FakeStreamOptions so;
  so.samples = 40;  // 2.5 batches: the resume point (step 6) falls mid-epoch
  facerep::testing::TempDir a, b;
  const TrainResult whole = train(fake_config(extra), {a.str()}, so);
  TrainerSetup first;
  first.run_dir = b.str();
  first.stop_after = 6;
  const TrainResult part1 = train(fake_config(extra), std::move(first), so);
  EXPECT_FALSE(part1.finished);
  ASSERT_EQ(part1.history.size(), 6u);
  const std::string last = b.file("checkpoints/last.ckpt");
  ASSERT_TRUE(std::filesystem::exists(last));
  TrainerSetup second;
  second.run_dir = b.str();
  second.resume = last;
  const TrainResult part2 = train(fake_config(extra), std::move(second), so);
  EXPECT_TRUE(part2.finished);
  std::vector<double> resumed = losses_of(part1);
  for (double l : losses_of(part2)) resumed.push_back(l);
  const std::vector<double> expected = losses_of(whole);
  ASSERT_EQ(resumed.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) EXPECT_EQ(resumed[i], expected[i]) << "step " << i + 1;
  // The final checkpoints agree bit for bit too (model, EMA, optimizer).
  const auto ca = runtime::load_checkpoint(a.file("checkpoints/last.ckpt"));
  const auto cb = runtime::load_checkpoint(b.file("checkpoints/last.ckpt"));
  for (size_t i = 0; i < ca.model.size(); ++i) EXPECT_TRUE(at::equal(ca.model[i].second, cb.model[i].second));
  for (size_t i = 0; i < ca.ema.size(); ++i) EXPECT_TRUE(at::equal(ca.ema[i].second, cb.ema[i].second));
  ASSERT_EQ(ca.optimizer.size(), cb.optimizer.size());
  for (size_t i = 0; i < ca.optimizer.size(); ++i)
    EXPECT_TRUE(at::equal(ca.optimizer[i].second, cb.optimizer[i].second)) << ca.optimizer[i].first;
  EXPECT_EQ(ca.counter("step"), 12);
}

TEST(Trainer, KeepsLastKCheckpointsAndLoadsTheModelBack) {
  facerep::testing::TempDir dir;
  const TrainResult r = train(fake_config("train: {steps: 8, checkpoint_every: 2, keep_last: 2}\n"), {dir.str()});
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir.file("checkpoints")))
    names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"last.ckpt", "step_00000006.ckpt", "step_00000008.ckpt"}));
  auto [model, config] = load_checkpoint_model(dir.file("checkpoints/last.ckpt"));
  EXPECT_EQ(config.model.type, "test_linear");
  EXPECT_EQ(model->embedding_dim(), 16);
  EXPECT_TRUE(std::filesystem::exists(dir.file("metrics.jsonl")));
  const std::string metrics = facerep::testing::read_file(dir.file("metrics.jsonl"));
  EXPECT_NE(metrics.find("\"step\": 8"), std::string::npos) << metrics.substr(0, 300);
}

// After every step and at the end: the step best.ckpt holds (0 = none yet).
class BestCheckpointProbe : public TrainerHook {
 public:
  BestCheckpointProbe(std::string path, std::vector<int64_t>* seen) : path_(std::move(path)), seen_(seen) {}
  void after_step(Trainer&, const StepInfo&) override { probe(); }
  void on_end(Trainer&, bool) override { probe(); }

 private:
  void probe() {
    seen_->push_back(std::filesystem::exists(path_) ? runtime::load_checkpoint(path_).counter("step") : 0);
  }
  std::string path_;
  std::vector<int64_t>* seen_;
};

struct ProbedRun {
  TrainResult result;
  std::vector<int64_t> seen;  // what best.ckpt held after each step and at the end
  BestMetric best;            // the trainer's best metric at the end
};

// Trains `c` into `dir` watching best.ckpt.
ProbedRun train_probing_best(const ExperimentConfig& c, const facerep::testing::TempDir& dir) {
  FakeStreamOptions so;
  so.batch_size = c.train.batch_size;
  TrainerSetup setup;
  setup.run_dir = dir.str();
  setup.progress = false;
  setup.data = make_fake_stream(so);
  Trainer t(c, std::move(setup));
  ProbedRun run;
  t.add_hook(std::make_unique<BestCheckpointProbe>(dir.file("checkpoints/best.ckpt"), &run.seen));
  run.result = t.run();
  run.best = t.best();
  return run;
}

TEST(Trainer, BestCheckpointIsWrittenExactlyWhenThePrimaryMetricImproves) {
  // Evaluations at steps 2, 4, 6 and 8 score 0.5, 0.7, 0.6, 0.9: new bests at 2, 4 and 8 only.
  // The periodic checkpoint at step 6 must not touch best.ckpt.
  facerep::testing::TempDir dir;
  const ProbedRun run = train_probing_best(
      fake_config("train: {steps: 8, eval_every: 2, checkpoint_every: 3}\n"
                  "eval: [{type: test_scripted, role: validation, scores: [0.5, 0.7, 0.6, 0.9]}]\n"),
      dir);
  EXPECT_EQ(run.result.evaluations.size(), 4u);
  EXPECT_EQ(run.seen, (std::vector<int64_t>{0, 2, 2, 4, 4, 4, 4, 4, 8}));
  EXPECT_EQ(run.best.name, "eval/validation/scripted/score");
  EXPECT_DOUBLE_EQ(run.best.value, 0.9);
  EXPECT_EQ(run.best.step, 8);
  // The best is part of the training state: a checkpoint remembers it.
  TrainingState best;
  best.load(runtime::load_checkpoint(dir.file("checkpoints/step_00000004.ckpt")));
  EXPECT_EQ(best.best.step, 4);
  EXPECT_DOUBLE_EQ(best.best.value, 0.7);
}

TEST(Trainer, BestCheckpointFollowsValidationNeverTest) {
  // The test set (listed first) peaks at step 2, the validation set at step 8: best.ckpt must
  // follow validation only.
  facerep::testing::TempDir dir;
  const ProbedRun run = train_probing_best(
      fake_config("train: {steps: 8, eval_every: 2}\n"
                  "eval:\n"
                  "  - {type: test_scripted, name: heldout, role: test, scores: [0.9, 0.8, 0.7, 0.6]}\n"
                  "  - {type: test_scripted, name: val, role: validation, scores: [0.5, 0.6, 0.7, 0.8]}\n"),
      dir);
  EXPECT_EQ(run.result.evaluations.size(), 8u);
  EXPECT_EQ(run.seen, (std::vector<int64_t>{0, 2, 2, 4, 4, 6, 6, 6, 8}));
  EXPECT_EQ(runtime::load_checkpoint(dir.file("checkpoints/best.ckpt")).counter("step"), 8);
  EXPECT_EQ(run.best.name, "eval/validation/val/score");
  EXPECT_DOUBLE_EQ(run.best.value, 0.8);
  // Reports and the metrics log say which is which.
  EXPECT_NE(facerep::testing::read_file(dir.file("eval/heldout-2/results.json")).find("\"role\": \"test\""),
            std::string::npos);
  EXPECT_NE(facerep::testing::read_file(dir.file("eval/val-2/results.json")).find("\"role\": \"validation\""),
            std::string::npos);
  EXPECT_NE(facerep::testing::read_file(dir.file("eval/val-2/results.md")).find("### validation: val"),
            std::string::npos);
  const std::string metrics = facerep::testing::read_file(dir.file("metrics.jsonl"));
  EXPECT_NE(metrics.find("\"test/heldout/score\": 0.9"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("\"validation/val/score\": 0.5"), std::string::npos) << metrics;
}

TEST(Trainer, OnlyTestEvaluationsTrainAndReportWithoutBestCheckpoint) {
  facerep::testing::TempDir dir;
  // role defaults to test.
  const ProbedRun run = train_probing_best(
      fake_config("train: {steps: 4, eval_every: 2}\neval: [{type: test_scripted, scores: [0.5, 0.9]}]\n"), dir);
  EXPECT_TRUE(run.result.finished);
  ASSERT_EQ(run.result.evaluations.size(), 2u);
  EXPECT_EQ(run.result.evaluations[1].role, "test");
  EXPECT_DOUBLE_EQ(run.result.evaluations[1].metrics.at("score"), 0.9);
  EXPECT_TRUE(run.best.empty());
  EXPECT_EQ(run.seen, (std::vector<int64_t>(5, 0)));
  EXPECT_FALSE(std::filesystem::exists(dir.file("checkpoints/best.ckpt")));
  EXPECT_TRUE(std::filesystem::exists(dir.file("checkpoints/last.ckpt")));
  EXPECT_NE(facerep::testing::read_file(dir.file("eval/test_scripted-4/results.json")).find("\"role\": \"test\""),
            std::string::npos);
}

TEST(Trainer, ResumedBestOfAnotherMetricIsNotKept) {
  // A checkpoint from before roles tracked "eval/scripted/score" (possibly a test set): the
  // validation metric starts its own record instead of being ignored.
  facerep::testing::TempDir dir;
  const std::string evals = "eval: [{type: test_scripted, role: validation, scores: [0.1]}]\n";
  train(fake_config("train: {steps: 2}\n" + evals), {dir.str()});
  runtime::Checkpoint c = runtime::load_checkpoint(dir.file("checkpoints/last.ckpt"));
  TrainingState s;
  s.load(c);
  s.best = {"eval/scripted/score", 0.99, 2};
  s.save(c);
  runtime::save_checkpoint(c, dir.file("old.ckpt"));
  facerep::testing::TempDir dir2;
  TrainerSetup setup;
  ExperimentConfig config = fake_config("train: {steps: 4}\n" + evals);
  FakeStreamOptions so;
  so.batch_size = config.train.batch_size;
  setup.run_dir = dir2.str();
  setup.resume = dir.file("old.ckpt");
  setup.progress = false;
  setup.allow_config_change = true;
  setup.data = make_fake_stream(so);
  Trainer t(config, std::move(setup));
  t.run();
  EXPECT_EQ(t.best().name, "eval/validation/scripted/score");
  EXPECT_DOUBLE_EQ(t.best().value, 0.1);
  EXPECT_EQ(t.best().step, 4);
  EXPECT_TRUE(std::filesystem::exists(dir2.file("checkpoints/best.ckpt")));
}

TEST(Trainer, ResumingAnotherModelIsAClearError) {
  facerep::testing::TempDir dir;
  train(fake_config("train: {steps: 2}\n"), {dir.str()});
  TrainerSetup s;
  s.resume = dir.file("checkpoints/last.ckpt");
  try {
    train(fake_config("model: {type: test_linear, width: 8}\n"), std::move(s));
    FAIL();
  } catch (const core::RuntimeError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("last.ckpt"), std::string::npos) << m;
    EXPECT_NE(m.find("fc2.weight"), std::string::npos) << m;
  }
}

TEST(Trainer, NonFiniteLossStopsNamingStepSamplesAndCheckpoint) {
  facerep::testing::TempDir dir;
  try {
    train(fake_config("train: {steps: 10, checkpoint_every: 2}\nobjective: {type: test_softmax, nan_at_step: 5}\n"),
          {dir.str()});
    FAIL();
  } catch (const core::RuntimeError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("step 5: loss is nan"), std::string::npos) << m;
    EXPECT_NE(m.find("fake:"), std::string::npos) << m;
    EXPECT_NE(m.find("step_00000004.ckpt"), std::string::npos) << m;
  }
}

TEST(Trainer, NonFiniteLossIsSkippedAndCountedWhenAsked) {
  const TrainResult r =
      train(fake_config("train: {steps: 6, skip_nonfinite: true}\nobjective: {type: test_softmax, nan_at_step: 3}\n"), {});
  EXPECT_EQ(r.skipped, 1);
  EXPECT_EQ(r.steps, 6);
  for (const auto& s : r.history) EXPECT_TRUE(std::isfinite(s.scalars.at("loss")));
}

// A finite loss with non-finite gradients follows the same policy as a non-finite loss, seen
// through the gradient norm that clipping computes: stop naming the step, or skip and count.
TEST(Trainer, NonFiniteGradientsOfAFiniteLossStopOrAreSkipped) {
  const std::string objective = "objective: {type: test_softmax, nan_grad_at_step: 3}\n";
  try {
    train(fake_config("train: {steps: 6, grad_clip: 5.0}\n" + objective), {});
    FAIL() << "expected the non-finite gradient to stop the run";
  } catch (const core::RuntimeError& e) {
    EXPECT_NE(std::string(e.what()).find("step 3: the loss is finite but the gradient norm is nan"), std::string::npos)
        << e.what();
  }
  const TrainResult r = train(fake_config("train: {steps: 6, grad_clip: 5.0, skip_nonfinite: true}\n" + objective), {});
  EXPECT_EQ(r.skipped, 1);
  EXPECT_EQ(r.steps, 6);
  for (const auto& s : r.history) EXPECT_TRUE(std::isfinite(s.scalars.at("grad_norm"))) << "step " << s.step;
}

TEST(Trainer, ObjectiveCanAskToSkipABatch) {
  // FSFM skips a batch whose instance loss is not finite even though its total is finite; no
  // train.skip_nonfinite needed: the objective decides.
  const TrainResult r = train(fake_config("train: {steps: 6}\nobjective: {type: test_softmax, skip_at_step: 3}\n"), {});
  EXPECT_EQ(r.skipped, 1);
  EXPECT_EQ(r.steps, 6);
}

TEST(Trainer, SkippingGivesUpWhenEveryBatchIsNonFinite) {
  try {
    train(fake_config("train: {steps: 6, skip_nonfinite: true}\nobjective: {type: test_softmax, nan_always: true}\n"), {});
    FAIL();
  } catch (const core::RuntimeError& e) {
    EXPECT_NE(std::string(e.what()).find("21 batches in a row had a non-finite loss"), std::string::npos) << e.what();
  }
}

TEST(Trainer, ObjectiveNeedsAreCheckedBeforeTraining) {
  FakeStreamOptions so;
  so.classes = -1;  // no identity labels
  try {
    train(fake_config(), {}, so);
    FAIL();
  } catch (const core::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("needs identity labels"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace facerep::trainers
