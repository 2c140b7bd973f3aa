#include "trainers/evaluate_checkpoint.h"

#include <filesystem>
#include <memory>
#include <tuple>

#include <torch/torch.h>

#include "core/logging.h"
#include "trainers/checkpoint_model.h"

namespace fs = std::filesystem;

namespace facerep::trainers {

std::vector<eval::EvalResult> evaluate_checkpoint(const ExperimentConfig& config, const CheckpointEvaluation& what,
                                                  const std::function<void(const eval::EvalResult&)>& on_result) {
  const auto selected = [&](size_t i) { return what.selected.empty() || (i < what.selected.size() && what.selected[i]); };
  std::shared_ptr<models::Backbone> model;
  ExperimentConfig ckpt_config = config;
  if (what.checkpoint.empty()) {
    model = models::model_registry().build(config.model);
  } else {
    std::tie(model, ckpt_config) = load_checkpoint_model(what.checkpoint, what.prefer_ema);
  }
  model->to(what.device);
  model->eval();
  const std::string name = what.checkpoint.empty() ? "the config's model as built (no --checkpoint)" : what.checkpoint;
  core::log_info("evaluating " + name + " (model " + ckpt_config.model.type + ") into " + what.out_dir);

  // Reconstruction evaluators score with the checkpoint's own objective (its MAE decoder).
  std::shared_ptr<losses::Objective> objective;
  std::vector<std::shared_ptr<eval::Evaluator>> evaluators(config.eval.size());
  for (size_t i = 0; i < config.eval.size(); ++i) {
    if (!selected(i)) continue;
    evaluators[i] = eval::evaluator_registry().build(config.eval[i]);
    if (evaluators[i]->needs_objective() && !objective && !what.checkpoint.empty())
      objective = load_checkpoint_objective(what.checkpoint, ckpt_config, model);
  }
  if (objective) objective->to(what.device);

  const std::vector<std::string> folders = eval::eval_folder_names(config.eval);
  std::vector<eval::EvalResult> results;
  for (size_t i = 0; i < config.eval.size(); ++i) {
    if (!evaluators[i]) continue;
    eval::EvalContext ctx;
    ctx.objective = objective.get();
    ctx.device = what.device;
    ctx.seed = config.run.seed;
    ctx.base_dir = config.base_dir;
    ctx.preprocessing = model_preprocessing(ckpt_config, *model);
    ctx.out_dir = (fs::path(what.out_dir) / folders[i]).string();
    fs::create_directories(ctx.out_dir);
    torch::NoGradGuard no_grad;
    results.push_back(evaluators[i]->evaluate(*model, ctx));
    if (on_result) on_result(results.back());
  }
  return results;
}

}  // namespace facerep::trainers
