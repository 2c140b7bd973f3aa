#include <filesystem>
#include <fstream>
#include <iostream>
#include <tuple>

#include <torch/torch.h>

#include "cli/commands.h"
#include "cli/common.h"
#include "core/atomic_write.h"
#include "core/error.h"
#include "core/logging.h"
#include "core/metrics.h"
#include "core/run_dir.h"
#include "eval/evaluator.h"
#include "models/backbone.h"
#include "runtime/run_setup.h"
#include "trainers/checkpoint_model.h"

namespace fs = std::filesystem;

namespace facerep::cli {

int cmd_eval(int argc, char** argv) {
  auto options = make_options("facerep eval", "run a config's evaluations on a checkpoint", "CONFIG");
  add_config_options(options);
  options.add_options()("checkpoint",
                        "checkpoint file to evaluate (without it: the config's model as built, i.e. randomly "
                        "initialised unless model.pretrained is set; the baseline of a pre-training run)",
                        cxxopts::value<std::string>())(
      "out", "output folder (default: a new run folder <run.root>/<run.name>-eval/<time>)",
      cxxopts::value<std::string>())("no-ema", "evaluate the live weights even when EMA weights exist");
  auto args = parse_args(options, argc, argv);
  if (!args) return core::kExitOk;
  trainers::ExperimentConfig config = load_config(*args, options);
  if (config.eval.empty())
    throw core::ConfigError(config.source_file + ": eval: the config lists no evaluations");
  const std::string ckpt = args->count("checkpoint") ? (*args)["checkpoint"].as<std::string>() : "";

  const runtime::RunSetup rs = runtime::setup_run(config.run);
  std::string out_dir;
  if (args->count("out")) {
    out_dir = (*args)["out"].as<std::string>();
    fs::create_directories(out_dir);
  } else {
    out_dir = core::RunDir::create(config.run.root, config.run.name + "-eval").path();
  }
  core::set_log_file((fs::path(out_dir) / "log.txt").string());
  std::shared_ptr<models::Backbone> model;
  trainers::ExperimentConfig ckpt_config = config;
  if (ckpt.empty()) {
    model = models::model_registry().build(config.model);
  } else {
    std::tie(model, ckpt_config) = trainers::load_checkpoint_model(ckpt, !args->count("no-ema"));
  }
  model->to(rs.device);
  model->eval();
  const std::string what = ckpt.empty() ? "the config's model as built (no --checkpoint)" : ckpt;
  core::log_info("evaluating " + what + " (model " + ckpt_config.model.type + ") into " + out_dir);

  // Reconstruction evaluators score with the checkpoint's own objective (its MAE decoder).
  std::shared_ptr<losses::Objective> objective;
  std::vector<std::shared_ptr<eval::Evaluator>> evaluators;
  for (const auto& spec : config.eval) {
    evaluators.push_back(eval::evaluator_registry().build(spec));
    if (evaluators.back()->needs_objective() && !objective && !ckpt.empty())
      objective = trainers::load_checkpoint_objective(ckpt, ckpt_config, model);
  }
  if (objective) objective->to(rs.device);

  const std::vector<std::string> folders = eval::eval_folder_names(config.eval);
  core::MetricsWriter metrics(out_dir);
  std::string report = "# Evaluation of " + what + "\n\n";
  for (size_t i = 0; i < config.eval.size(); ++i) {
    const auto& evaluator = evaluators[i];
    eval::EvalContext ctx;
    ctx.objective = objective.get();
    ctx.device = rs.device;
    ctx.seed = config.run.seed;
    ctx.base_dir = config.base_dir;
    ctx.preprocessing = trainers::model_preprocessing(ckpt_config, *model);
    ctx.out_dir = (fs::path(out_dir) / folders[i]).string();
    fs::create_directories(ctx.out_dir);
    torch::NoGradGuard no_grad;
    const eval::EvalResult r = evaluator->evaluate(*model, ctx);
    std::map<std::string, double> scalars;
    std::cout << "eval " << r.name << " (" << r.role << "):";
    for (const auto& [k, v] : r.metrics) {
      scalars[eval::metric_key(r, k)] = v;
      std::cout << " " << k << "=" << v;
    }
    std::cout << "\n";
    metrics.write(0, "eval", scalars);
    report += "## " + r.name + "\n\n" + r.markdown + "\n\n";
  }
  core::write_file_atomic((fs::path(out_dir) / "report.md").string(), report);
  std::cout << "results: " << out_dir << "\n";
  return core::kExitOk;
}

}  // namespace facerep::cli
