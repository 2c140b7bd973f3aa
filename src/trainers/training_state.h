#pragma once
// Everything a checkpoint carries to continue a run exactly, as one typed value. The trainer
// captures it (Trainer::training_state) and restores from it; save/load map it to and from the
// runtime::Checkpoint file, so which key holds what is decided here alone. The LR schedule is a
// pure function of the step: `progress.step` is its position.
#include <cstdint>
#include <string>

#include <ATen/core/Tensor.h>

#include "runtime/checkpoint.h"
#include "runtime/module_state.h"
#include "trainers/batch_stream.h"

namespace facerep::trainers {

// Where the training loop stands.
struct TrainProgress {
  int64_t step = 0;     // optimizer steps done
  int64_t epoch = 0;
  int64_t skipped = 0;  // non-finite batches skipped
};

// The training data's numbers an objective is built from (ObjectiveContext's): identity classes
// and action units per sample, -1 where the data had none.
struct ObjectiveShape {
  int64_t num_classes = -1;
  int64_t num_aus = -1;
};

// The best value of the validation evaluation's primary metric so far (best.ckpt holds that step).
struct BestMetric {
  std::string name;  // "eval/validation/<evaluator>/<metric>" (older files: "eval/<evaluator>/<metric>"); "" = none yet
  double value = 0.0;
  int64_t step = 0;  // the step that reached it

  bool empty() const { return name.empty(); }
  // Offers metric `name` = `value` at `step`; returns true, keeping it, when it is the first
  // value or beats the best (higher when `maximize`, else lower). Once a metric is tracked,
  // other names are ignored.
  bool offer(const std::string& name, double value, int64_t step, bool maximize);
};

struct TrainingState {
  std::string config_yaml;            // the resolved config of the run
  runtime::NamedTensors model;        // parameters + buffers
  runtime::NamedTensors ema;          // empty when EMA is off
  runtime::NamedTensors objective;    // the objective's own modules (classifier, teacher, decoder)
  std::string optimizer_type;         // "sgd", "adamw", ...
  runtime::NamedTensors optimizer;    // per-parameter slots, e.g. "model.fc.weight/momentum"
  TrainProgress progress;
  StreamPosition data;                // the loader's position
  // Samples of all processes taken in data.epoch (data.batch × train.batch_size): where a run on
  // another number of processes, or with another global batch, continues. -1: a file from before
  // multi-process training (data.batch then counts global batches all the same).
  int64_t data_samples = -1;
  double loss_scale = 1.0;            // fp16 dynamic loss scaler
  int64_t scaler_growth = 0;
  BestMetric best;
  // What the objective was built for from the training data (its heads' sizes), so it can be
  // rebuilt from the checkpoint alone for evaluation. -1: unknown (files written before it).
  ObjectiveShape objective_shape;
  // Generator states (uint8 tensors); undefined = not in use (CUDA on a CPU run). The objective's
  // draws need none: they are a function of the step (runtime::seed_for_micro_batch); an
  // "objective" state in older files is ignored.
  at::Tensor rng_cpu, rng_cuda;

  void save(runtime::Checkpoint& c) const;
  // Throws core::RuntimeError when `c` lacks a counter training needs. Checkpoints written before
  // the best metric's step was stored load with best.step = 0.
  void load(const runtime::Checkpoint& c);
};

// The objective's shape as saved in `c` (-1s for files written before it was saved).
ObjectiveShape saved_objective_shape(const runtime::Checkpoint& c);

}  // namespace facerep::trainers
