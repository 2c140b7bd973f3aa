// facerep cv CONFIG [--set key=value]... [--folds-only 0,2] [--report-only] [--out DIR] [--new]
// Subject-exclusive k-fold cross-validation: every variant (cv.variants) x seed (cv.seeds) x
// fold of data.train.source (a subject_fold) is trained, tested on best.ckpt and reported in
// cv.json / cv.md. Rerunning the same command skips finished folds and resumes an interrupted one.
#include <algorithm>
#include <filesystem>
#include <iostream>

#include "cli/commands.h"
#include "cli/common.h"
#include "core/atomic_write.h"
#include "core/error.h"
#include "core/logging.h"
#include "core/run_dir.h"
#include "core/stop_signal.h"
#include "trainers/cv/cv_folder.h"
#include "trainers/cv/cv_plan.h"
#include "trainers/cv/cv_report.h"
#include "trainers/cv/cv_runner.h"

namespace fs = std::filesystem;

namespace facerep::cli {

namespace {
// --out, else the newest run folder's cv/ (a rerun continues it), else a new run folder's.
std::string cv_folder(const cxxopts::ParseResult& args, const trainers::ExperimentConfig& config, bool report_only) {
  if (args.count("out")) return fs::absolute((args)["out"].as<std::string>()).lexically_normal().string();
  if (!args.count("new")) {
    const std::string latest = trainers::latest_cv_folder(config.run.root, config.run.name);
    if (!latest.empty()) return latest;
  }
  if (report_only)
    throw core::ConfigError("cv --report-only: no cross-validation under " +
                            (fs::path(config.run.root) / config.run.name).string() + " (or give --out DIR)");
  const core::RunDir run = core::RunDir::create(config.run.root, config.run.name);
  core::write_file_atomic(run.file("config.yaml"), trainers::experiment_to_yaml(config));
  return run.file("cv");
}
}  // namespace

int cmd_cv(int argc, char** argv) {
  auto options = make_options("facerep cv",
                              "subject-exclusive k-fold cross-validation: every variant x seed x fold trained, "
                              "tested on best.ckpt, reported side by side",
                              "CONFIG");
  add_config_options(options);
  options.add_options()("folds-only", "run only these folds, e.g. 0,2 (the report covers every finished fold)",
                        cxxopts::value<std::string>())(
      "report-only", "rebuild cv.json and cv.md from the finished folds; train nothing")(
      "out", "the cv folder (default: <run.root>/<run.name>/<time>/cv, the newest one when it exists)",
      cxxopts::value<std::string>())("new", "start a new cross-validation instead of continuing the newest one");
  auto args = parse_args(options, argc, argv);
  if (!args) return core::kExitOk;
  const std::string path = config_path(*args, options);
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) throw core::ConfigError(path + ": no such config file");
  core::ConfigTree tree = core::ConfigTree::load_file(path);
  for (const auto& o : set_overrides(*args)) tree.apply_override(o);
  const std::vector<int> only =
      args->count("folds-only") ? trainers::parse_fold_list((*args)["folds-only"].as<std::string>(), "--folds-only")
                                : std::vector<int>{};
  const bool report_only = args->count("report-only") > 0;

  // Every fold's config is read (and so checked) before anything is written or trained; job
  // folders are relative until the cv folder is known.
  trainers::CvPlan plan = trainers::make_cv_plan(tree, "", only);
  for (const auto& job : plan.jobs) trainers::test_evaluations(job.config);
  const std::string dir = cv_folder(*args, trainers::load_experiment_tree(tree), report_only);
  for (auto& job : plan.jobs) job.dir = (fs::path(dir) / job.dir).string();
  fs::create_directories(dir);
  core::set_log_file((fs::path(dir) / "log.txt").string());
  const auto to_run = std::count_if(plan.jobs.begin(), plan.jobs.end(), [](const auto& j) { return j.selected; });
  core::log_info("cross-validation in " + dir + ": " + std::to_string(plan.jobs.size()) + " runs planned, " +
                 std::to_string(to_run) + " selected");

  if (!report_only) {
    core::install_stop_handlers();
    for (const auto& job : plan.jobs) {
      if (!job.selected) continue;
      const trainers::CvJobOutcome outcome = trainers::run_cv_job(job);
      std::cout << job.variant << " fold " << job.fold << (plan.seeds_listed ? " seed " + std::to_string(job.seed) : "")
                << ": " << (outcome == trainers::CvJobOutcome::kSkipped ? "done earlier" : "done") << "\n";
      if (outcome == trainers::CvJobOutcome::kStopped) {
        trainers::write_cv_report(dir, plan, trainers::read_cv_results(plan));
        std::cout << "stopped; rerun the same command to continue (exit " << core::kExitStopped << ")\n";
        return core::kExitStopped;
      }
      if (outcome == trainers::CvJobOutcome::kDone) trainers::write_cv_report(dir, plan, trainers::read_cv_results(plan));
    }
  }
  const std::vector<trainers::CvFoldResult> results = trainers::read_cv_results(plan);
  if (results.empty()) throw core::RuntimeError("cv: no finished fold under " + dir);
  std::cout << trainers::write_cv_report(dir, plan, results) << "\nresults: " << dir << "/cv.md\n";
  return core::kExitOk;
}

}  // namespace facerep::cli
