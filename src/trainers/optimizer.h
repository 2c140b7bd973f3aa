#pragma once
// Optimizers chosen by `optim: {type: ...}`. They take parameter groups (weight decay on/off,
// a layer-wise lr scale) built from the model and the objective, so the trainer never needs to
// know which optimizer it holds. The update itself is LibTorch's (torch::optim::SGD / AdamW, one
// torch parameter group per ParamGroup); what we add is the grouping, the lr set per step, and
// state exposed per parameter name so checkpoints restore it exactly and name what does not match.
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <ATen/core/Tensor.h>
#include <torch/nn/module.h>
#include <torch/optim/optimizer.h>

#include "core/registry.h"
#include "models/backbone.h"

namespace facerep::trainers {

using NamedTensors = std::vector<std::pair<std::string, at::Tensor>>;

struct ParamGroup {
  std::string name;                      // e.g. "decay/layer3", for logs
  std::vector<at::Tensor> params;
  std::vector<std::string> param_names;  // "model.<name>" or "objective.<name>"
  double weight_decay = 0.0;
  double lr_scale = 1.0;                 // layer-wise lr decay factor
};

// Options every optimizer shares; each optimizer's options struct visits them first.
struct OptimizerCommon {
  double lr = 0.1;
  double weight_decay = 5e-4;
  std::string lr_scale = "none";
  double layer_decay = 1.0;

  template <class V> void visit(V& v) {
    v("lr", lr, "base learning rate (before lr_scale)").greater(0.0);
    v("weight_decay", weight_decay, "weight decay (not applied to norms, biases, 1-D params)").min(0.0);
    v("lr_scale", lr_scale, "none, or linear: lr × global batch / 256").one_of({"none", "linear"});
    v("layer_decay", layer_decay, "layer-wise lr decay: scale = decay^(num_layers + 1 − layer_id); 1 = off")
        .greater(0.0)
        .max(1.0);
  }
};

// What an optimizer is built from.
struct OptimizerInputs {
  std::shared_ptr<models::Backbone> model;
  std::shared_ptr<torch::nn::Module> objective;  // its parameters are optimised at head depth
  int64_t global_batch = 256;                    // samples per optimizer step, all processes
};

// Groups the trainable parameters of the model and the objective: no weight decay for 1-D
// tensors (norm weights, biases, tokens), names ending in "bias" and the model's
// no_weight_decay() names; with layer_decay < 1 one group per model layer_id.
std::vector<ParamGroup> build_param_groups(const OptimizerInputs& in, double weight_decay,
                                           double layer_decay);
// lr after `lr_scale` ("none" | "linear").
double scaled_lr(const OptimizerCommon& common, int64_t global_batch);

class Optimizer {
 public:
  Optimizer(std::vector<ParamGroup> groups, double base_lr);
  virtual ~Optimizer() = default;

  virtual const char* type() const = 0;
  // One update of every parameter from its .grad (parameters without a gradient are skipped).
  void step();
  void zero_grad();

  // Sets the lr of every group to lr × its lr_scale (schedules call this every step).
  void set_lr(double lr);
  double lr() const { return lr_; }
  double base_lr() const { return base_lr_; }  // configured lr after lr_scale
  double group_lr(size_t group) const { return lr_ * groups_.at(group).lr_scale; }

  const std::vector<ParamGroup>& groups() const { return groups_; }
  std::vector<at::Tensor> parameters() const;

  // Per-parameter state as "<param name>/<slot>" tensors (a copy), and back. load_state throws
  // core::RuntimeError naming the first parameter whose state is missing, partial or has another
  // shape, or the first entry for an unknown parameter.
  NamedTensors state() const;
  void load_state(const NamedTensors& state);

 protected:
  // Slots of one parameter (e.g. {"momentum", t}), in slot_names() order.
  using Slots = std::vector<std::pair<std::string, at::Tensor>>;
  virtual std::vector<std::string> slot_names() const = 0;
  virtual Slots to_slots(const torch::optim::OptimizerParamState& state) const = 0;
  virtual std::unique_ptr<torch::optim::OptimizerParamState> from_slots(const Slots& slots) const = 0;

  // One LibTorch parameter group per ParamGroup: `defaults` with the group's lr and weight decay.
  template <class Options>
  std::vector<torch::optim::OptimizerParamGroup> torch_groups(const Options& defaults) const {
    std::vector<torch::optim::OptimizerParamGroup> out;
    for (const auto& g : groups_) {
      auto options = std::make_unique<Options>(defaults);
      options->lr(lr_ * g.lr_scale).weight_decay(g.weight_decay);
      out.emplace_back(g.params, std::move(options));
    }
    return out;
  }

  std::vector<ParamGroup> groups_;
  double base_lr_;
  double lr_;
  std::unique_ptr<torch::optim::Optimizer> torch_;  // set by the subclass constructor
};

using OptimizerRegistry = core::Registry<Optimizer, const OptimizerInputs&>;
OptimizerRegistry& optimizer_registry();

}  // namespace facerep::trainers
