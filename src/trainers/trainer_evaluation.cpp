// The trainer's evaluations: which evaluators run on which rank, with what weights (EMA, rank 0's
// batch-norm statistics), and which validation result selects best.ckpt.
#include <filesystem>
#include <optional>

#include <torch/torch.h>

#include "core/logging.h"
#include "dist/collectives.h"
#include "trainers/checkpoint_model.h"
#include "trainers/trainer.h"
#include "trainers/trainer_hooks.h"

namespace facerep::trainers {

Evaluation Trainer::evaluate() {
  Evaluation evaluation;
  if (evaluators_.empty()) return evaluation;
  evaluation = evaluate_here();
  // The other ranks learn whether rank 0's evaluation set a new best (waiting meanwhile for the
  // evaluations rank 0 runs alone: run.dist_timeout_s bounds it), so every rank's hooks take the
  // same collective steps.
  if (world_ > 1)
    evaluation.new_best = dist::broadcast_flag(evaluation.new_best, 0, "wait for rank 0's evaluation");
  for (auto& h : hooks_) h->on_evaluation(*this, evaluation);
  return evaluation;
}

Evaluation Trainer::evaluate_here() {
  Evaluation evaluation;
  std::vector<eval::EvalResult>& results = evaluation.results;
  model_->eval();
  objective_->eval();
  if (ema_) ema_->apply_to(*model_);
  // Back to training mode (and live weights) however the evaluation ends.
  auto resume_training = [&] {
    if (ema_) ema_->restore(*model_);
    model_->train();
    objective_->train();
  };
  bool shared = false;
  for (const auto& e : evaluators_) shared = shared || (world_ > 1 && e->runs_on_every_rank());
  if (shared) {
    // Each rank keeps its own batch-norm statistics; rank 0's are the checkpoint's, so every rank
    // embeds its share of an evaluation with those.
    const std::vector<at::Tensor> buffers = model_->buffers();
    if (!buffers.empty())
      dist::broadcast_tensors(buffers, *dist::current(), "rank 0's buffers (batch-norm statistics) for the evaluation");
  }
  const std::vector<std::string> eval_folders = eval::eval_folder_names(config_.eval);
  const data::InferencePreprocessing preprocessing = model_preprocessing(config_, *model_);
  try {
    for (size_t i = 0; i < evaluators_.size(); ++i) {
      eval::EvalContext ctx;
      ctx.device = device_;
      ctx.step = progress_.step;
      ctx.seed = config_.run.seed;
      ctx.base_dir = config_.base_dir;
      ctx.preprocessing = preprocessing;
      ctx.objective = objective_.get();
      // Evaluators that split their work over the ranks run on every rank; the others on rank 0
      // alone, where a collective would wait for ranks that are not evaluating.
      const bool everywhere = world_ > 1 && evaluators_[i]->runs_on_every_rank();
      if (!everywhere && !is_main()) continue;
      std::optional<dist::AloneScope> alone;
      if (!everywhere) alone.emplace();
      if (!setup_.run_dir.empty() && is_main()) {
        ctx.out_dir = (std::filesystem::path(setup_.run_dir) / "eval" /
                       (eval_folders[i] + "-" + std::to_string(progress_.step)))
                          .string();
        std::filesystem::create_directories(ctx.out_dir);
      }
      torch::NoGradGuard no_grad;
      results.push_back(evaluators_[i]->evaluate(*model_, ctx));
    }
  } catch (...) {
    resume_training();
    throw;
  }
  resume_training();
  if (!is_main()) return evaluation;  // rank 0 holds every result, selects and logs
  evaluation.new_best = record_evaluations(results);
  log_evaluations(*this, results);
  return evaluation;
}

bool Trainer::record_evaluations(const std::vector<eval::EvalResult>& results) {
  result_.evaluations.insert(result_.evaluations.end(), results.begin(), results.end());
  // Only the first validation evaluation with a primary metric selects: test data never does.
  const auto selects = std::find_if(results.begin(), results.end(), [](const eval::EvalResult& r) {
    return r.role == eval::kValidationRole && !r.primary.empty() && r.metrics.count(r.primary);
  });
  if (selects == results.end()) {
    if (!no_selection_logged_)
      core::log_warn("no validation evaluation with a primary metric (eval: role: validation): best.ckpt is not "
                     "written; test evaluations are only reported");
    no_selection_logged_ = true;
    return false;
  }
  const std::string name = "eval/" + eval::metric_key(*selects, selects->primary);
  if (!best_.empty() && best_.name != name) {
    // A checkpoint from before roles (or another config) tracked another metric, perhaps a test one.
    core::log_warn("best metric " + best_.name + " of the resumed checkpoint is not " + name +
                   "; best.ckpt tracking starts again");
    best_ = BestMetric{};
  }
  return best_.offer(name, selects->metrics.at(selects->primary), progress_.step, config_.train.best_mode == "max");
}

}  // namespace facerep::trainers
