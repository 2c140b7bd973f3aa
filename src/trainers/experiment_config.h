#pragma once
// The whole resolved config of a job: every section, typed and validated. Torch-free.
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "core/config_tree.h"
#include "core/config_visit.h"
#include "core/run_options.h"
#include "data/data_options.h"
#include "trainers/cv/cv_options.h"
#include "trainers/train_options.h"

namespace facerep::trainers {

struct ExperimentConfig {
  core::RunOptions run;
  data::DataOptions data;
  core::ComponentSpec model;
  core::ComponentSpec objective;
  core::ComponentSpec optim;
  core::ComponentSpec schedule;
  TrainOptions train;
  std::vector<core::ComponentSpec> eval;
  CvOptions cv;

  std::string source_file;  // the top-level YAML, "" when built in code
  std::string base_dir;     // folder of source_file: relative data paths resolve here

  template <class V> void visit(V& v) {
    v.section("run", run, "run name, output root, device, precision, threads, seed");
    v.section("data", data, "training data and loader");
    v.component("model", model, "model", "backbone", "iresnet");
    v.component("objective", objective, "objective", "training objective (losses)", "arcface");
    v.component("optim", optim, "optimizer", "optimizer", "sgd");
    v.component("schedule", schedule, "schedule", "learning-rate schedule", "cosine");
    v.section("train", train, "training loop");
    v.components("eval", eval, "evaluator",
                 "evaluations run during/after training and by `facerep eval`; only `role: validation` ones may "
                 "choose best.ckpt (the first with a primary metric), `role: test` ones are only reported");
    v.section("cv", cv, "subject-exclusive cross-validation run by `facerep cv` (docs/iat.md)");
  }
};

// Loads a config file, applies `--set` overrides in order, validates everything.
// Throws core::ConfigError naming file:line and key path.
ExperimentConfig load_experiment(const std::string& path, const std::vector<std::string>& overrides);
ExperimentConfig load_experiment_tree(const core::ConfigTree& tree);
// The resolved config (every default filled in) as YAML text.
std::string experiment_to_yaml(ExperimentConfig config);

}  // namespace facerep::trainers
