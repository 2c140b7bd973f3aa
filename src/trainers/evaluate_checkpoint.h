#pragma once
// Running a config's evaluations on a checkpoint (or on the config's model as built): what
// `facerep eval` does, shared with `facerep cv`, which scores each fold's best.ckpt on its test
// evaluations.
#include <functional>
#include <string>
#include <vector>

#include <c10/core/Device.h>

#include "eval/evaluator.h"
#include "trainers/experiment_config.h"

namespace facerep::trainers {

struct CheckpointEvaluation {
  std::string checkpoint;        // "" = config.model as built (random init unless pretrained)
  bool prefer_ema = true;        // the EMA weights when the checkpoint has them
  std::string out_dir;           // evaluation i writes into out_dir/<eval_folder_names()[i]>
  c10::Device device{c10::kCPU};
  std::vector<bool> selected;    // which entries of config.eval run; empty = all
};

// Runs the selected entries of config.eval in order and returns their results; `on_result` (when
// set) sees each as it finishes. Evaluations that need the objective get the checkpoint's.
std::vector<eval::EvalResult> evaluate_checkpoint(const ExperimentConfig& config, const CheckpointEvaluation& what,
                                                  const std::function<void(const eval::EvalResult&)>& on_result = {});

}  // namespace facerep::trainers
