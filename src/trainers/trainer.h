#pragma once
// The training loop every trainer runs on. Built entirely from an ExperimentConfig through the
// registries (model, objective, optimizer, schedule, evaluators): it never branches on which
// model or objective it holds. Logging, evaluation and checkpoints are hooks on it.
//
// Gradient accumulation: each loader batch is split into train.grad_accum micro-batches whose
// losses are weighted by their share of the batch, so one optimizer step sees the gradient of the
// whole batch while holding the activations of one micro-batch only.
//
// Data parallelism (a job of W processes, dist/job.h): train.batch_size is the global batch, the
// samples of one optimizer step over all processes; each rank loads its contiguous 1/W of every
// global batch (data/samplers/sampler.h), parameters and buffers start from rank 0's, and the
// gradients are averaged by a dist::GradReducer during the last micro-batch's backward. The
// objective's randomness per micro-batch depends on (seed, step, micro-batch index over all
// ranks), so W processes with grad_accum A compute what one process with grad_accum W·A
// computes (up to float summation order). Rank 0 alone evaluates, writes metrics and
// checkpoints; the others wait for it at a collective. docs/distributed.md has the details.
//
// Host syncs (train.host_sync): a step's loss, terms, metrics and the flags deciding whether its
// update counts stay tensors (StepScalars) until a sync point. With `step` (the CPU default) every
// step is one; a batch with a non-finite loss or gradients is then skipped before its update.
// With `log_interval` (the CUDA default) only the steps where a hook acts (log line, evaluation,
// checkpoint) and the last one are, so the host queues steps without waiting for the device; a
// non-finite step's update is made with zero gradients (decided on the device) and reported,
// counted or stopped on, at the next sync point. Hooks see every step, in order, at sync points.
#include <cstdint>
#include <functional>
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
#include "trainers/sharded_state.h"
#include "trainers/step_scalars.h"
#include "trainers/training_state.h"

namespace facerep::core {
class MetricsWriter;
}
namespace facerep::dist {
class GradReducer;
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
  bool progress = true;       // draw the progress line
  bool allow_config_change = false;  // resume even when the config differs from the checkpoint's
  // Tests: called with (true, step) before the trainer reads pending steps back to the host at a
  // sync point, and with (false, step) once the hooks have had them.
  std::function<void(bool reading, int64_t step)> on_sync;
};

// What happened in one optimizer step (hooks read it).
struct StepInfo {
  int64_t step = 0;                      // steps done, including this one (1-based)
  int64_t epoch = 0;
  int64_t images = 0;
  double lr = 0.0;
  double seconds = 0.0;                  // wall time of the step, data wait included
  double data_seconds = 0.0;             // of which waiting for the batch
  double comm_seconds = 0.0;             // of which waiting for the gradient all-reduce after backward
                                         // (the communication backward did not hide; 0 in one process)
  std::map<std::string, double> scalars; // "loss", every term, objective metrics (empty when skipped)
  bool skipped = false;                  // host_sync log_interval: the batch was non-finite; the
                                         // update used zero gradients (counted in progress().skipped)
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
  // True when after_step at `step` does work that needs the run as it is right after that step
  // (a log line, an evaluation, a checkpoint): the trainer makes `step` a sync point.
  virtual bool acts_at(const Trainer&, int64_t /*step*/) const { return false; }
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
  int stop_signal = 0;  // the signal that stopped the run early (core/stop_signal.h); 0 = none
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
  const BatchStream& data_stream() const { return *data_; }
  const c10::Device& device() const { return device_; }
  // This process in the job (dist/collectives.h): rank 0 evaluates, logs and checkpoints.
  int rank() const { return rank_; }
  int world_size() const { return world_; }
  bool is_main() const { return rank_ == 0; }
  models::Backbone& model() { return *model_; }
  // Runs every evaluator (with EMA weights when enabled), offers the first validation
  // evaluation's primary metric to best() (test evaluations never select),
  // logs the results and passes them to every hook's on_evaluation.
  Evaluation evaluate();
  // Everything needed to continue from here.
  TrainingState training_state() const;
  // Writes training_state() to `path` (atomically); it becomes last_checkpoint(). Rank 0 writes;
  // other ranks only note the path, after handing rank 0 their blocks of sharded tensors (so
  // every rank must call it).
  void save_checkpoint(const std::string& path);
  // Appends a hook (they run in order: logging, evaluation, checkpoints by default).
  void add_hook(std::unique_ptr<TrainerHook> hook);
  // metrics.jsonl + the TensorBoard event file of the run (one for the whole run, shared by the
  // hooks); null when the run writes nothing (setup().run_dir empty) and on ranks other than 0.
  core::MetricsWriter* metrics();

 private:
  TrainResult run_loop();
  // The stop signal this rank got or, in a multi-process run, any rank got (0 = none).
  int agreed_stop_signal() const;
  // After a failure: writes a checkpoint of the current step when none exists (rank 0).
  void save_emergency_checkpoint() noexcept;
  // "last good checkpoint: <path | none>", for errors that stop a run.
  std::string last_good_checkpoint() const;
  // After an fp16 overflow: warns once when the loss scale falls below 1, stops when it underflows.
  void check_loss_scale();
  void build();
  void restore(const TrainingState& state);
  // Offers the first validation result's primary metric to best_; true when it set a new best.
  bool record_evaluations(const std::vector<eval::EvalResult>& results);
  void check_needs() const;
  // Runs the evaluators in this process (rank 0) and records the results.
  Evaluation evaluate_here();
  // Where the loader continues after restoring `state`: its global sample position converted to
  // batches of this run's global batch (a run on another number of processes continues with
  // the same samples).
  StreamPosition resume_position(const TrainingState& state) const;
  data::Batch next_batch();
  // A step taken, waiting for its sync point.
  struct PendingStep {
    StepInfo info;
    StepScalars scalars;      // loss, terms, metrics, grad_norm
    StepScalars flags;        // loss_finite, keep, peers_ok, grads_finite
    std::string skip_reason;  // the objective's, when it may ask to skip
    std::string paths;        // the batch's first samples, for messages
  };
  // One optimizer step on `batch` into `step`; returns false when it was skipped before its
  // update (host_sync: step).
  bool train_step(const data::Batch& batch, PendingStep& step);
  // Reads back every pending step, applies the non-finite policy, records them and hands them to
  // the hooks.
  void sync_pending();
  // A step whose flags said no: throws (train.skip_nonfinite: false, for a non-finite loss or
  // gradients) or counts it as skipped. `scalars`, `flags`: its values as read back.
  void reject_step(const PendingStep& step, const std::map<std::string, double>& scalars,
                   const std::map<std::string, double>& flags);
  bool sync_due(int64_t step, int64_t stop) const;

  ExperimentConfig config_;
  TrainerSetup setup_;
  TrainProgress progress_;
  ObjectiveShape objective_shape_;  // what the objective was built for (saved in checkpoints)
  BestMetric best_;
  std::string last_checkpoint_;
  int64_t last_checkpoint_step_ = -1;
  int64_t resumed_step_ = -1;  // the step a resumed run continued from (-1 = fresh start)
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
  at::Generator objective_generator_;  // reseeded for every micro-batch (runtime::seed_for_micro_batch)
  int rank_ = 0;
  int world_ = 1;
  std::unique_ptr<dist::GradReducer> reducer_;  // null in a single-process run
  std::vector<at::Tensor> sharded_;              // objective_->sharded_parameters()
  bool loss_scale_warned_ = false;
  ShardedKeys sharded_keys_;                     // their names and this rank's rows
  int64_t total_steps_ = 0;
  std::vector<std::unique_ptr<TrainerHook>> hooks_;
  std::unique_ptr<core::MetricsWriter> metrics_;
  TrainResult result_;
  bool no_selection_logged_ = false;  // "no validation evaluation" is said once per run
  bool first_batch_checked_ = false;
  bool sync_every_step_ = true;       // train.host_sync resolved for this device
  std::vector<PendingStep> pending_;  // steps taken since the last sync point
  int64_t consecutive_skips_ = 0;
  static constexpr int64_t kMaxConsecutiveSkips = 20;  // then train.skip_nonfinite gives up
};

}  // namespace facerep::trainers
