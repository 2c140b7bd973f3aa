#pragma once
// The training loop every trainer runs on. Built entirely from an ExperimentConfig through the
// registries (model, objective, optimizer, schedule, evaluators): it never branches on which
// model or objective it holds. Logging, evaluation and checkpoints are hooks on it.
//
// Gradient accumulation: each loader batch (train.batch_size samples) is split into
// train.grad_accum micro-batches whose losses are weighted by their share of the batch, so one
// optimizer step sees the gradient of the whole batch while holding the activations of one
// micro-batch only. train.batch_size therefore always means "samples per optimizer step".
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

#include "eval/evaluator.h"
#include "losses/objective.h"
#include "models/backbone.h"
#include "runtime/ema.h"
#include "runtime/precision.h"
#include "trainers/batch_stream.h"
#include "trainers/experiment_config.h"
#include "trainers/optimizer.h"
#include "trainers/schedule.h"
#include "trainers/training_state.h"

namespace facerep::core {
class MetricsWriter;
}

namespace facerep::trainers {

class Trainer;

// How this process runs the job (not part of the config).
struct TrainerSetup {
  std::string run_dir;        // "" = write nothing (bench, some tests): no metrics, no checkpoints
  std::string resume;         // checkpoint to continue from ("" = fresh start)
  int64_t stop_after = 0;     // stop after this many steps in all (with a checkpoint), as if
                              // interrupted; 0 = run to the end
  std::unique_ptr<BatchStream> data;  // replaces the loader built from config.data (tests)
  int rank = 0;
  int world = 1;
  bool progress = true;       // draw the progress line
  bool allow_config_change = false;  // resume even when the config differs from the checkpoint's
};

// What happened in one optimizer step (hooks read it).
struct StepInfo {
  int64_t step = 0;                      // steps done, including this one (1-based)
  int64_t epoch = 0;
  int64_t images = 0;
  double lr = 0.0;
  double seconds = 0.0;                  // wall time of the step, data wait included
  double data_seconds = 0.0;             // of which waiting for the batch
  std::map<std::string, double> scalars; // "loss", every term, objective metrics
};

// One run of every evaluator, as the hooks are told of it.
struct Evaluation {
  std::vector<eval::EvalResult> results;
  bool new_best = false;  // the validation primary metric improved (Trainer::best() now holds it)
};

class TrainerHook {
 public:
  virtual ~TrainerHook() = default;
  virtual void on_start(Trainer&) {}
  virtual void after_step(Trainer&, const StepInfo&) {}
  // After every Trainer::evaluate(), whoever asked for it.
  virtual void on_evaluation(Trainer&, const Evaluation&) {}
  // `finished`: the planned steps are done (false when stopped early by stop_after).
  virtual void on_end(Trainer&, bool finished) {}
};

struct TrainResult {
  int64_t steps = 0;
  std::vector<StepInfo> history;                 // every step (scalars, lr, time)
  std::vector<eval::EvalResult> evaluations;     // in the order they ran
  int64_t skipped = 0;
  std::string last_checkpoint;
  bool finished = false;
};

class Trainer {
 public:
  Trainer(ExperimentConfig config, TrainerSetup setup);
  ~Trainer();

  TrainResult run();

  // ---- for hooks ----
  const ExperimentConfig& config() const { return config_; }
  const TrainerSetup& setup() const { return setup_; }
  const TrainProgress& progress() const { return progress_; }
  const BestMetric& best() const { return best_; }
  // The last checkpoint written or resumed from ("" = none yet).
  const std::string& last_checkpoint() const { return last_checkpoint_; }
  int64_t total_steps() const { return total_steps_; }
  int64_t steps_per_epoch() const { return data_->batches_per_epoch(); }
  const c10::Device& device() const { return device_; }
  models::Backbone& model() { return *model_; }
  // Runs every evaluator (with EMA weights when enabled), offers the first validation
  // evaluation's primary metric to best() (test evaluations never select),
  // logs the results and passes them to every hook's on_evaluation.
  Evaluation evaluate();
  // Everything needed to continue from here.
  TrainingState training_state() const;
  // Writes training_state() to `path` (atomically); it becomes last_checkpoint().
  void save_checkpoint(const std::string& path);
  // Appends a hook (they run in order: logging, evaluation, checkpoints by default).
  void add_hook(std::unique_ptr<TrainerHook> hook);
  // metrics.jsonl + the TensorBoard event file of the run (one for the whole run, shared by the
  // hooks); null when the run writes nothing (setup().run_dir empty).
  core::MetricsWriter* metrics();

 private:
  void build();
  void restore(const TrainingState& state);
  // Offers the first validation result's primary metric to best_; true when it set a new best.
  bool record_evaluations(const std::vector<eval::EvalResult>& results);
  void check_needs() const;
  data::Batch next_batch();
  // One optimizer step on `batch`; returns false when it was skipped (non-finite loss).
  bool train_step(const data::Batch& batch, StepInfo& info);

  ExperimentConfig config_;
  TrainerSetup setup_;
  TrainProgress progress_;
  BestMetric best_;
  std::string last_checkpoint_;
  c10::Device device_{c10::kCPU};
  runtime::Precision precision_ = runtime::Precision::kFp32;
  std::unique_ptr<BatchStream> data_;
  std::shared_ptr<models::Backbone> model_;
  std::shared_ptr<losses::Objective> objective_;
  std::shared_ptr<Optimizer> optimizer_;
  std::shared_ptr<Schedule> schedule_;
  std::vector<std::shared_ptr<eval::Evaluator>> evaluators_;
  std::unique_ptr<runtime::Ema> ema_;
  std::unique_ptr<runtime::LossScaler> scaler_;
  at::Generator objective_generator_;
  int64_t total_steps_ = 0;
  std::vector<std::unique_ptr<TrainerHook>> hooks_;
  std::unique_ptr<core::MetricsWriter> metrics_;
  TrainResult result_;
  bool no_selection_logged_ = false;  // "no validation evaluation" is said once per run
  bool first_batch_checked_ = false;
  int64_t consecutive_skips_ = 0;
  static constexpr int64_t kMaxConsecutiveSkips = 20;  // then train.skip_nonfinite gives up
};

}  // namespace facerep::trainers
