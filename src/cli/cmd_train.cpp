#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/common.h"
#include "core/atomic_write.h"
#include "core/error.h"
#include "core/logging.h"
#include "core/run_dir.h"
#include "core/run_lock.h"
#include "core/stop_signal.h"
#include "dist/communicator.h"
#include "dist/job.h"
#include "trainers/resume_target.h"
#include "trainers/trainer.h"

namespace fs = std::filesystem;

namespace facerep::cli {

namespace {
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
  options.add_options()("resume",
                        "continue a run: its folder, a checkpoint file, or auto (the newest run of run.root/run.name "
                        "with a valid checkpoint; a new run when there is none)",
                        cxxopts::value<std::string>())(
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
      const trainers::ResumeTarget t =
          trainers::resolve_resume((*args)["resume"].as<std::string>(), config.run.root, config.run.name);
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
    // Rank 0 owns the folder: one trainer at a time, and what a killed one left half-written goes.
    std::unique_ptr<core::RunLock> lock;
    if (job.is_main()) {
      lock = std::make_unique<core::RunLock>(setup.run_dir);
      core::remove_stale_temporaries(setup.run_dir);
      core::remove_stale_temporaries((fs::path(setup.run_dir) / "checkpoints").string());
      core::set_log_file((fs::path(setup.run_dir) / "log.txt").string());
      // The resolved config: what `facerep train <run>/config.yaml` reproduces.
      core::write_file_atomic((fs::path(setup.run_dir) / "config.yaml").string(),
                              trainers::experiment_to_yaml(config));
      core::log_info("run folder " + setup.run_dir);
    } else if (config.run.dist_rank_logs) {
      core::set_log_file((fs::path(setup.run_dir) / "logs" / ("rank_" + std::to_string(job.rank()) + ".txt")).string());
    }

    core::install_stop_handlers();
    trainers::Trainer trainer(std::move(config), std::move(setup));
    const trainers::TrainResult result = trainer.run();
    if (job.is_main()) print_result(trainer, result);
    if (result.stop_signal != 0) {
      if (job.is_main())
        std::cout << "stopped by " << core::signal_name(result.stop_signal) << " at step " << result.steps
                  << "; continue with: facerep train CONFIG --resume auto (exit " << core::kExitStopped << ")\n";
      return core::kExitStopped;
    }
    return core::kExitOk;
  });
}

}  // namespace facerep::cli
