#pragma once
// What `facerep cv` runs: every (variant, seed, fold) of a config whose data.train.source is a
// subject_fold, each with its resolved config and its folder under the cv folder:
//   <cv>/<variant>/fold-<i>/            (no cv.seeds)
//   <cv>/<variant>/seed-<s>/fold-<i>/   (cv.seeds listed)
// Torch-free: configs are only read and validated here, so every error shows before training.
#include <string>
#include <vector>

#include "core/config_tree.h"
#include "trainers/experiment_config.h"

namespace facerep::trainers {

struct CvJob {
  std::string variant;
  int seed = 0;             // run.seed of this job
  int fold = 0;
  std::string dir;          // its run folder
  bool selected = true;     // run now (--folds-only); the report covers every job either way
  ExperimentConfig config;  // the variant's config with run.seed and data.train.source.fold set
};

struct CvPlan {
  int folds = 0;
  std::vector<std::string> variants;  // in config order
  std::vector<int> seeds;
  bool seeds_listed = false;          // cv.seeds given: results aggregate over folds x seeds
  std::vector<CvJob> jobs;            // variant, then seed, then fold
};

// `tree`: the config with the command line's --set applied. `only_folds`: the folds to run now
// (empty = all; the others are planned, unselected); a fold out of range is a ConfigError
// naming --folds-only. Throws ConfigError
// naming data.train.source when it is not a subject_fold, and the variant's key for a bad override.
CvPlan make_cv_plan(const core::ConfigTree& tree, const std::string& cv_dir, const std::vector<int>& only_folds = {});

// "0,2" -> {0, 2}; ConfigError naming `flag` for anything else.
std::vector<int> parse_fold_list(const std::string& text, const std::string& flag);

}  // namespace facerep::trainers
