#pragma once
// An objective turns (model, batch) into a loss. It runs the model itself, so pre-training
// objectives can mask inputs or run a teacher; it may own parameters (a margin classifier, an MAE
// decoder, an EMA teacher), which the trainer optimises and checkpoints with the model.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>
#include <torch/nn/module.h>

#include "core/registry.h"
#include "data/batch.h"
#include "models/backbone.h"

namespace facerep::losses {

// Everything here stays where it was computed: the trainer reads values back to the host only at
// its sync points (the log interval with train.host_sync: log_interval), never inside a step.
struct LossOutput {
  at::Tensor total;                                      // scalar to minimise
  std::vector<std::pair<std::string, at::Tensor>> terms;  // named parts, logged separately
  // e.g. train accuracy: 0-dim tensors, on the device (computed there) or on the CPU
  // (host_metric: values the objective knows on the host).
  std::map<std::string, at::Tensor> metrics;
  // Defined: a 0-dim bool tensor; false = the trainer makes no update from this batch and counts
  // it as skipped, logging skip_reason (FSFM skips a batch whose instance loss is not finite, as
  // its authors do). A tensor so that deciding costs no host sync.
  at::Tensor keep;
  std::string skip_reason;  // why `keep` may be false
  // Sets keep = false now (a reason the objective knows on the host).
  void skip(const std::string& reason);
};

// A metric known on the host, as a CPU scalar (reading it back costs nothing).
at::Tensor host_metric(double value);

struct StepContext {
  int64_t step = 0;         // optimizer steps taken so far
  int64_t total_steps = 1;  // planned optimizer steps
  int64_t epoch = 0;
  at::Generator generator;  // the run's RNG for objective randomness (masks); checkpointed
  bool training = true;
};

// What the objective needs from the data; checked before training starts so a bad combination
// is a config error, not a crash at step 1.
struct DataNeeds {
  bool identity = false;
  bool region_map_or_landmarks = false;
  int views = 1;
  bool m_per_class_sampler = false;
};

struct ObjectiveContext {
  int64_t num_classes = -1;   // identities in the training source (-1: none)
  int64_t num_aus = -1;       // action units per training sample (-1: none or unknown)
  std::string data_description;  // the training data in one line, for error messages
  int64_t embedding_dim = 0;  // of the backbone
  int64_t image_size = 0;
  std::shared_ptr<models::Backbone> model;  // e.g. for building an EMA teacher
};

class MaskedReconstructor;
class AuPredictor;

class Objective : public torch::nn::Module {
 public:
  virtual LossOutput compute(models::Backbone& model, const data::Batch& batch, StepContext& ctx) = 0;
  // Called after each optimizer step (EMA teacher update, momentum schedules).
  virtual void after_step(models::Backbone& model, const StepContext& ctx) {}
  virtual DataNeeds needs() const { return {}; }
  // Parameters that differ by rank in a multi-process run (a sharded classifier's centres): the
  // trainer neither broadcasts them from rank 0 nor averages their gradients, which already are
  // the whole job's.
  virtual std::vector<at::Tensor> sharded_parameters() const { return {}; }
  // Capability: objectives with a pixel decoder (mae, fsfm) reconstruct masked images for
  // evaluators and pictures; nullptr for the others.
  virtual MaskedReconstructor* masked_reconstructor() { return nullptr; }
  // Capability: objectives with an action-unit head (au) predict AUs for the AU evaluators;
  // nullptr for the others.
  virtual AuPredictor* au_predictor() { return nullptr; }
};

using ObjectiveRegistry = core::Registry<Objective, const ObjectiveContext&>;
ObjectiveRegistry& objective_registry();

}  // namespace facerep::losses
