#include "trainers/cv/cv_plan.h"

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "core/error.h"
#include "data/sources/subject_fold.h"

namespace facerep::trainers {
namespace fs = std::filesystem;

namespace {
constexpr const char* kTrainSource = "data.train.source";

const data::SubjectFoldOptions& train_folds(const ExperimentConfig& config, const core::ConfigTree& tree) {
  const data::SubjectFoldOptions* o = data::subject_fold_options(config.data.train.source);
  if (!o)
    throw core::ConfigError(tree.loc(kTrainSource), kTrainSource,
                            "facerep cv needs a subject_fold source here (the folds it runs), got '" +
                                config.data.train.source.type + "'");
  return *o;
}
}  // namespace

std::vector<int> parse_fold_list(const std::string& text, const std::string& flag) {
  std::vector<int> out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    size_t pos = 0;
    int v = -1;
    try {
      v = std::stoi(item, &pos);
    } catch (...) {
      pos = 0;
    }
    if (item.empty() || pos != item.size() || v < 0)
      throw core::ConfigError(flag + ": expected fold numbers separated by commas (e.g. 0,2), got '" + text + "'");
    if (std::find(out.begin(), out.end(), v) == out.end()) out.push_back(v);
  }
  if (out.empty()) throw core::ConfigError(flag + ": no fold given");
  return out;
}

CvPlan make_cv_plan(const core::ConfigTree& tree, const std::string& cv_dir, const std::vector<int>& only_folds) {
  const ExperimentConfig base = load_experiment_tree(tree);
  CvPlan plan;
  plan.folds = train_folds(base, tree).folds;
  const int split_seed = train_folds(base, tree).seed;
  for (int f : only_folds)
    if (f >= plan.folds)
      throw core::ConfigError("--folds-only: fold " + std::to_string(f) + " does not exist (data.train.source.folds is " +
                              std::to_string(plan.folds) + ": folds 0.." + std::to_string(plan.folds - 1) + ")");
  std::vector<CvVariant> variants = base.cv.variants;
  if (variants.empty()) variants.push_back(CvVariant{"run", {}});
  plan.seeds_listed = !base.cv.seeds.empty();
  plan.seeds = plan.seeds_listed ? base.cv.seeds : std::vector<int>{static_cast<int>(base.run.seed)};

  for (size_t v = 0; v < variants.size(); ++v) {
    plan.variants.push_back(variants[v].name);
    for (int seed : plan.seeds) {
      for (int fold = 0; fold < plan.folds; ++fold) {
        core::ConfigTree t = tree.clone();
        const std::string at = "cv.variants[" + std::to_string(v) + "].set";
        for (const auto& o : variants[v].set) t.apply_override(o, at);
        if (plan.seeds_listed) t.set("run.seed", YAML::Node(seed), "cv.seeds");
        t.set("data.train.source.fold", YAML::Node(fold), "facerep cv (fold " + std::to_string(fold) + ")");
        CvJob job;
        job.variant = variants[v].name;
        job.seed = seed;
        job.fold = fold;
        job.selected = only_folds.empty() || std::find(only_folds.begin(), only_folds.end(), fold) != only_folds.end();
        job.config = load_experiment_tree(t);
        const data::SubjectFoldOptions& split = train_folds(job.config, t);
        if (split.folds != plan.folds || split.seed != split_seed)
          throw core::ConfigError(t.loc(at), at,
                                  "variant '" + job.variant + "' changes data.train.source.folds or .seed; variants "
                                  "are compared on the same folds");
        fs::path dir = fs::path(cv_dir) / job.variant;
        if (plan.seeds_listed) dir /= "seed-" + std::to_string(seed);
        job.dir = (dir / ("fold-" + std::to_string(fold))).string();
        plan.jobs.push_back(std::move(job));
      }
    }
  }
  return plan;
}

}  // namespace facerep::trainers
