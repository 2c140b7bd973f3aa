#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli/commands.h"
#include "cli/common.h"
#include "core/atomic_write.h"
#include "core/error.h"
#include "core/logging.h"
#include "core/run_dir.h"
#include "dist/communicator.h"
#include "dist/job.h"
#include "trainers/trainer.h"

namespace fs = std::filesystem;

namespace facerep::cli {

namespace {
// --resume takes a run folder (continues from its checkpoints/last.ckpt) or a checkpoint file
// (continues in the run folder that holds it, when it sits in one).
struct ResumeTarget {
  std::string checkpoint;
  std::string run_dir;  // "" = start a new run folder
};

ResumeTarget resolve_resume(const std::string& path) {
  ResumeTarget t;
  if (fs::is_directory(path)) {
    const core::RunDir run = core::RunDir::open(path);
    t.run_dir = run.path();
    t.checkpoint = (fs::path(run.checkpoints_dir()) / "last.ckpt").string();
    if (!fs::exists(t.checkpoint))
      throw core::ConfigError("--resume: " + path + " has no checkpoints/last.ckpt to continue from");
    return t;
  }
  if (!fs::is_regular_file(path)) throw core::ConfigError("--resume: no such run folder or checkpoint: " + path);
  t.checkpoint = path;
  const fs::path parent = fs::absolute(path).parent_path();
  if (parent.filename() == "checkpoints" && fs::exists(parent.parent_path() / "config.yaml"))
    t.run_dir = parent.parent_path().string();
  return t;
}

void print_result(const trainers::Trainer& trainer, const trainers::TrainResult& result) {
  std::cout << "run: " << trainer.setup().run_dir << "\n";
  std::cout << "steps: " << result.steps << (result.finished ? "" : " (stopped early; resume with --resume)")
            << "\n";
  if (result.skipped > 0) std::cout << "skipped batches (non-finite loss): " << result.skipped << "\n";
  // The final evaluation: the last result of each evaluator.
  const size_t n_eval = trainer.config().eval.size();
  const size_t first = result.evaluations.size() >= n_eval ? result.evaluations.size() - n_eval : 0;
  for (size_t i = first; i < result.evaluations.size(); ++i) {
    const auto& r = result.evaluations[i];
    std::cout << "eval " << r.name << " (" << r.role << "):";
    for (const auto& [k, v] : r.metrics) std::cout << " " << k << "=" << v;
    std::cout << "\n";
    if (!r.markdown.empty()) std::cout << r.markdown << (r.markdown.back() == '\n' ? "" : "\n");
  }
  if (!result.last_checkpoint.empty()) std::cout << "checkpoint: " << result.last_checkpoint << "\n";
}
}  // namespace

int cmd_train(int argc, char** argv) {
  auto options = make_options("facerep train", "train a model from a config, or resume a run", "CONFIG");
  add_config_options(options);
  options.add_options()("resume", "continue a run: its folder or a checkpoint file", cxxopts::value<std::string>())(
      "force", "with --resume: continue even when the config differs from the checkpoint's")(
      "stop-after", "stop (with a checkpoint) after this many steps in all; resume later",
      cxxopts::value<int64_t>()->default_value("0"));
  auto args = parse_args(options, argc, argv);
  if (!args) return core::kExitOk;
  trainers::ExperimentConfig config = load_config(*args, options);

  // A launcher (torchrun, srun, mpirun) that started several processes makes this one rank of
  // a data-parallel job; otherwise nothing changes.
  dist::Job job(config.run);
  return job.run([&] {
    trainers::TrainerSetup setup;
    if (args->count("resume")) {
      const ResumeTarget t = resolve_resume((*args)["resume"].as<std::string>());
      setup.resume = t.checkpoint;
      setup.run_dir = t.run_dir;
    }
    setup.allow_config_change = args->count("force") > 0;
    setup.stop_after = (*args)["stop-after"].as<int64_t>();
    if (setup.stop_after < 0) throw core::ConfigError("--stop-after: must be >= 0");
    setup.progress = job.is_main();
    // One run folder for the whole job: rank 0 makes it and tells the others (it must be on a
    // file system every node sees; rank 0 alone writes there, except optional rank logs).
    if (setup.run_dir.empty() && job.is_main())
      setup.run_dir = core::RunDir::create(config.run.root, config.run.name).path();
    if (job.distributed()) setup.run_dir = job.communicator()->share_text("run_dir", setup.run_dir, 0);
    if (job.is_main()) {
      core::set_log_file((fs::path(setup.run_dir) / "log.txt").string());
      // The resolved config: what `facerep train <run>/config.yaml` reproduces.
      core::write_file_atomic((fs::path(setup.run_dir) / "config.yaml").string(),
                              trainers::experiment_to_yaml(config));
      core::log_info("run folder " + setup.run_dir);
    } else if (config.run.dist_rank_logs) {
      core::set_log_file((fs::path(setup.run_dir) / "logs" / ("rank_" + std::to_string(job.rank()) + ".txt")).string());
    }

    trainers::Trainer trainer(std::move(config), std::move(setup));
    const trainers::TrainResult result = trainer.run();
    if (job.is_main()) print_result(trainer, result);
    return core::kExitOk;
  });
}

}  // namespace facerep::cli
