#include "trainers/checkpoint_model.h"

#include "core/config_tree.h"
#include "core/error.h"
#include "runtime/checkpoint.h"
#include "runtime/pretrained.h"
#include "trainers/training_state.h"

namespace facerep::trainers {

ExperimentConfig checkpoint_config(const std::string& config_yaml, const std::string& checkpoint_path) {
  core::ConfigTree tree = core::ConfigTree::load_string(config_yaml, checkpoint_path + " (stored config)");
  return load_experiment_tree(tree);
}

std::pair<std::shared_ptr<models::Backbone>, ExperimentConfig> load_checkpoint_model(
    const std::string& checkpoint_path, bool prefer_ema) {
  const runtime::Checkpoint ckpt = runtime::load_checkpoint(checkpoint_path);
  ExperimentConfig config = checkpoint_config(ckpt.config_yaml, checkpoint_path);
  std::shared_ptr<models::Backbone> model = models::model_registry().build(config.model);
  const bool use_ema = prefer_ema && !ckpt.ema.empty();
  try {
    runtime::load_module_state(*model, use_ema ? ckpt.ema : ckpt.model,
                               use_ema ? "checkpoint EMA weights" : "checkpoint model");
  } catch (const core::RuntimeError& e) {
    throw core::RuntimeError(checkpoint_path + ": " + e.what());
  }
  model->eval();
  return {model, config};
}

std::shared_ptr<losses::Objective> load_checkpoint_objective(const std::string& checkpoint_path,
                                                             const ExperimentConfig& config,
                                                             const std::shared_ptr<models::Backbone>& model) {
  const runtime::Checkpoint ckpt = runtime::load_checkpoint(checkpoint_path);
  const ObjectiveShape shape = saved_objective_shape(ckpt);
  losses::ObjectiveContext octx;
  octx.model = model;
  octx.image_size = model->image_size();
  octx.embedding_dim = model->embedding_dim();
  // The heads' sizes as the run built them from its training data (-1 in older files).
  octx.num_classes = shape.num_classes;
  octx.num_aus = shape.num_aus;
  octx.data_description = "the training data of " + checkpoint_path;
  std::shared_ptr<losses::Objective> objective = losses::objective_registry().build(config.objective, octx);
  try {
    runtime::load_into(*objective, ckpt.objective);
  } catch (const core::RuntimeError& e) {
    throw core::RuntimeError(checkpoint_path + ": objective '" + config.objective.type + "': " + e.what());
  }
  objective->eval();
  return objective;
}

data::InferencePreprocessing model_preprocessing(const ExperimentConfig& config, const models::Backbone& model) {
  return data::inference_preprocessing(config.data.train, model.image_size());
}

}  // namespace facerep::trainers
