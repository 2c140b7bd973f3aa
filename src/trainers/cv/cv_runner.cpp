#include "trainers/cv/cv_runner.h"

#include <filesystem>

#include "core/atomic_write.h"
#include "core/error.h"
#include "core/logging.h"
#include "core/run_lock.h"
#include "runtime/run_setup.h"
#include "trainers/cv/cv_fold_result.h"
#include "trainers/evaluate_checkpoint.h"
#include "trainers/resume_target.h"
#include "trainers/trainer.h"

namespace facerep::trainers {
namespace fs = std::filesystem;

std::vector<bool> test_evaluations(const ExperimentConfig& config) {
  std::vector<bool> selected;
  bool any = false;
  for (const auto& spec : config.eval) {
    selected.push_back(eval::declared_role(spec) == eval::kTestRole);
    any = any || selected.back();
  }
  if (!any)
    throw core::ConfigError(config.source_file + ": eval: facerep cv reports the role: test evaluations, and "
                            "there is none (e.g. a subject_fold source with part: test)");
  return selected;
}

namespace {
std::string label(const CvJob& job) {
  return "variant " + job.variant + ", seed " + std::to_string(job.seed) + ", fold " + std::to_string(job.fold);
}

// Trains in job.dir; false when a stop signal ended it early.
bool train(const CvJob& job, bool progress) {
  const fs::path dir(job.dir);
  TrainerSetup setup;
  setup.run_dir = job.dir;
  setup.progress = progress;
  // An interrupted fold continues from its newest checkpoint that loads (--resume auto's rule).
  if (fs::exists(dir / "config.yaml")) {
    setup.resume = newest_valid_checkpoint((dir / "checkpoints").string());
    // Killed before its first checkpoint: start again without the old run's metric lines.
    if (setup.resume.empty()) {
      std::error_code ec;
      for (const auto& e : fs::directory_iterator(dir, ec))
        if (e.path().filename() == "metrics.jsonl" || e.path().filename().string().rfind("events.out.tfevents.", 0) == 0)
          fs::remove(e.path(), ec);
    }
  }
  core::log_info(label(job) + (setup.resume.empty() ? ": training in " + job.dir : ": resuming from " + setup.resume));
  core::write_file_atomic((dir / "config.yaml").string(), experiment_to_yaml(job.config));
  Trainer trainer(job.config, std::move(setup));
  const TrainResult result = trainer.run();
  return result.finished && result.stop_signal == 0;
}

// best.ckpt, else last.ckpt with the reason logged.
std::string tested_checkpoint(const CvJob& job) {
  const fs::path ckpts = fs::path(job.dir) / "checkpoints";
  if (fs::exists(ckpts / "best.ckpt")) return (ckpts / "best.ckpt").string();
  bool has_validation = false;
  for (const auto& spec : job.config.eval) has_validation = has_validation || eval::declared_role(spec) == eval::kValidationRole;
  core::log_warn(label(job) + ": no best.ckpt (" +
                 (has_validation ? std::string("the validation evaluation never gave a primary metric")
                                 : std::string("no role: validation evaluation chooses one")) +
                 "); testing last.ckpt, the end of training");
  if (!fs::exists(ckpts / "last.ckpt")) throw core::RuntimeError(job.dir + ": training left no checkpoint to test");
  return (ckpts / "last.ckpt").string();
}
}  // namespace

CvJobOutcome run_cv_job(const CvJob& job, bool progress) {
  if (read_cv_fold_result(job.dir)) {
    core::log_info(label(job) + ": done earlier (" + job.dir + "/" + kCvResultFile + "); skipped");
    return CvJobOutcome::kSkipped;
  }
  const std::vector<bool> selected = test_evaluations(job.config);
  fs::create_directories(job.dir);
  const core::RunLock lock(job.dir);
  core::remove_stale_temporaries(job.dir);
  core::remove_stale_temporaries((fs::path(job.dir) / "checkpoints").string());
  const std::string previous_log = core::log_file();
  core::set_log_file((fs::path(job.dir) / "log.txt").string());
  struct RestoreLog {
    std::string path;
    ~RestoreLog() {
      try {
        core::set_log_file(path);
      } catch (...) {
      }
    }
  } restore{previous_log};

  if (!train(job, progress)) return CvJobOutcome::kStopped;

  CheckpointEvaluation what;
  what.checkpoint = tested_checkpoint(job);
  what.out_dir = (fs::path(job.dir) / "test").string();
  what.device = runtime::setup_run(job.config.run).device;
  what.selected = selected;
  CvFoldResult r;
  r.variant = job.variant;
  r.seed = job.seed;
  r.fold = job.fold;
  r.checkpoint = fs::path(what.checkpoint).filename().string();
  for (const auto& e : evaluate_checkpoint(job.config, what))
    for (const auto& [metric, value] : e.metrics) r.metrics[e.name + "/" + metric] = value;
  write_cv_fold_result(job.dir, r);
  core::log_info(label(job) + ": tested " + r.checkpoint + "; " + job.dir + "/" + kCvResultFile);
  return CvJobOutcome::kDone;
}

}  // namespace facerep::trainers
