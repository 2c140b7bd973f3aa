#include "trainers/experiment_config.h"

#include <filesystem>

#include "data/sources/subject_fold_inheritance.h"

namespace facerep::trainers {

ExperimentConfig load_experiment_tree(const core::ConfigTree& tree) {
  // Evaluations on subject folds take the training run's split before anything is typed.
  core::ConfigTree resolved = tree.clone();
  data::inherit_subject_folds(resolved);
  ExperimentConfig config = core::read_options<ExperimentConfig>(resolved, resolved.root(), "");
  config.source_file = tree.file();
  config.base_dir = tree.file().empty()
                        ? std::filesystem::current_path().string()
                        : std::filesystem::absolute(tree.file()).parent_path().string();
  return config;
}

ExperimentConfig load_experiment(const std::string& path, const std::vector<std::string>& overrides) {
  core::ConfigTree tree = core::ConfigTree::load_file(path);
  for (const auto& o : overrides) tree.apply_override(o);
  return load_experiment_tree(tree);
}

std::string experiment_to_yaml(ExperimentConfig config) {
  YAML::Emitter out;
  out << core::write_options(config);
  return std::string(out.c_str()) + "\n";
}

}  // namespace facerep::trainers
