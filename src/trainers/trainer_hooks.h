#pragma once
// The trainer's standard hooks, run in this order after every step: logging (metrics.jsonl +
// TensorBoard + progress line), evaluation (every train.eval_every steps and at the end),
// checkpoints (every train.checkpoint_every steps, at the end, and whenever an evaluation sets a
// new best, which Trainer::evaluate tells it through on_evaluation; keeps the last
// train.keep_last plus best.ckpt and last.ckpt). In a multi-process run every rank runs the same
// hooks at the same steps; rank 0 alone writes files and metrics.
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "trainers/trainer.h"

namespace facerep::core {
class Progress;
}  // namespace facerep::core

namespace facerep::trainers {

class LoggingHook : public TrainerHook {
 public:
  LoggingHook();
  ~LoggingHook() override;
  void on_start(Trainer& t) override;
  bool acts_at(const Trainer& t, int64_t step) const override;
  void after_step(Trainer& t, const StepInfo& info) override;
  void on_end(Trainer& t, bool finished) override;

 private:
  std::unique_ptr<core::Progress> progress_;
  std::map<std::string, double> window_;  // sums since the last log line
  std::map<std::string, int64_t> window_counts_;  // steps that reported each (skipped ones do not)
  int64_t window_images_ = 0;
  double window_seconds_ = 0.0;
  int64_t images_ = 0;
};

class EvalHook : public TrainerHook {
 public:
  bool acts_at(const Trainer& t, int64_t step) const override;
  void after_step(Trainer& t, const StepInfo& info) override;
  void on_end(Trainer& t, bool finished) override;

 private:
  int64_t last_eval_step_ = -1;
};

class CheckpointHook : public TrainerHook {
 public:
  bool acts_at(const Trainer& t, int64_t step) const override;
  void after_step(Trainer& t, const StepInfo& info) override;
  void on_evaluation(Trainer& t, const Evaluation& evaluation) override;
  void on_end(Trainer& t, bool finished) override;

 private:
  // Writes checkpoints/step_<N>.ckpt and updates last.ckpt (and best.ckpt when `best`): rank 0
  // writes, every rank then waits at a barrier.
  void save(Trainer& t, bool best);
  void write_files(Trainer& t, const std::filesystem::path& file, bool best);

  int64_t last_saved_step_ = -1;
};

// Writes eval results to the run's metrics (phase "eval", "<name>/<metric>") and the log
// (Trainer::evaluate calls it).
void log_evaluations(Trainer& t, const std::vector<eval::EvalResult>& results);

}  // namespace facerep::trainers
