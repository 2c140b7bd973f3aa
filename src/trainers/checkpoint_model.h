#pragma once
// A trained backbone from a checkpoint, rebuilt from the config stored inside it (the embed
// command, `facerep eval` and evaluators use it).
#include <memory>
#include <string>
#include <utility>

#include "data/inference.h"
#include "losses/objective.h"
#include "models/backbone.h"
#include "trainers/experiment_config.h"

namespace facerep::trainers {

// The model in eval mode on the CPU, with the EMA weights when the checkpoint has them and
// `prefer_ema`. Throws core::RuntimeError naming the path for an unreadable checkpoint.
std::pair<std::shared_ptr<models::Backbone>, ExperimentConfig> load_checkpoint_model(
    const std::string& checkpoint_path, bool prefer_ema = true);

// The checkpoint's objective (e.g. the MAE decoder of a pre-training run) rebuilt for `model`
// from `config` (the checkpoint's own), with its saved weights, in eval mode.
std::shared_ptr<losses::Objective> load_checkpoint_objective(const std::string& checkpoint_path,
                                                             const ExperimentConfig& config,
                                                             const std::shared_ptr<models::Backbone>& model);

// How images are prepared for `model` trained under `config` (data/inference.h): the one
// function training-time evaluators, `facerep eval`, `embed` and `viz` build it with.
data::InferencePreprocessing model_preprocessing(const ExperimentConfig& config, const models::Backbone& model);

// The config stored in a checkpoint (validated like a config file).
ExperimentConfig checkpoint_config(const std::string& config_yaml, const std::string& checkpoint_path);

}  // namespace facerep::trainers
