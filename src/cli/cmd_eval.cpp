#include <filesystem>
#include <fstream>
#include <iostream>

#include <torch/torch.h>

#include "cli/commands.h"
#include "cli/common.h"
#include "core/atomic_write.h"
#include "core/error.h"
#include "core/logging.h"
#include "core/metrics.h"
#include "core/run_dir.h"
#include "eval/evaluator.h"
#include "runtime/run_setup.h"
#include "trainers/evaluate_checkpoint.h"

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
  trainers::CheckpointEvaluation what;
  what.checkpoint = ckpt;
  what.prefer_ema = !args->count("no-ema");
  what.out_dir = out_dir;
  what.device = rs.device;
  core::MetricsWriter metrics(out_dir);
  std::string report = "# Evaluation of " + (ckpt.empty() ? std::string("the config's model as built (no --checkpoint)") : ckpt) + "\n\n";
  trainers::evaluate_checkpoint(config, what, [&](const eval::EvalResult& r) {
    std::map<std::string, double> scalars;
    std::cout << "eval " << r.name << " (" << r.role << "):";
    for (const auto& [k, v] : r.metrics) {
      scalars[eval::metric_key(r, k)] = v;
      std::cout << " " << k << "=" << v;
    }
    std::cout << "\n";
    metrics.write(0, "eval", scalars);
    report += "## " + r.name + "\n\n" + r.markdown + "\n\n";
  });
  core::write_file_atomic((fs::path(out_dir) / "report.md").string(), report);
  std::cout << "results: " << out_dir << "\n";
  return core::kExitOk;
}

}  // namespace facerep::cli
