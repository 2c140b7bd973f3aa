#pragma once
// Runs one (variant, seed, fold) of `facerep cv` in its folder: trains (continuing an
// interrupted run from its newest valid checkpoint), then scores best.ckpt, which only a
// `role: validation` evaluation chooses, with the `role: test` evaluations (last.ckpt, with a
// note in the log, when no best.ckpt exists), and writes cv_result.json.
#include "trainers/cv/cv_plan.h"

namespace facerep::trainers {

enum class CvJobOutcome {
  kSkipped,  // cv_result.json was already there
  kDone,     // trained (or resumed) and tested now
  kStopped,  // a stop signal ended training early; its checkpoint is kept for the rerun
};

CvJobOutcome run_cv_job(const CvJob& job, bool progress = true);

// Which entries of `config.eval` are test evaluations; ConfigError when there is none.
std::vector<bool> test_evaluations(const ExperimentConfig& config);

}  // namespace facerep::trainers
