// facerep sweep CONFIG [--set key=value]... [--shard I --shards N]
// A few-shot transfer sweep: every encoder x task x protocol x shots (or fraction) x seed of the
// config, resumable (finished cells are skipped; rerun the same command after a kill), with
// results.jsonl, results.csv, results.md and plots/ in the output folder.
#include <iostream>

#include "cli/commands.h"
#include "cli/common.h"
#include "core/error.h"
#include "trainers/fewshot_runner.h"

namespace facerep::cli {

int cmd_sweep(int argc, char** argv) {
  auto options = make_options("facerep sweep", "few-shot transfer sweep: encoders x tasks x protocols x shots x seeds",
                              "CONFIG");
  add_config_options(options);
  options.add_options()("shard", "this process's share of the cells (0-based)",
                        cxxopts::value<int>()->default_value("0"))(
      "shards", "processes splitting the sweep (each runs cells i with i % shards == shard)",
      cxxopts::value<int>()->default_value("1"));
  auto args = parse_args(options, argc, argv);
  if (!args) return core::kExitOk;
  trainers::FewshotRunOptions run;
  run.shard = (*args)["shard"].as<int>();
  run.shards = (*args)["shards"].as<int>();
  if (run.shards < 1 || run.shard < 0 || run.shard >= run.shards)
    throw core::ConfigError("sweep: --shard must be in [0, --shards), got " + std::to_string(run.shard) + " of " +
                            std::to_string(run.shards));
  const auto config = trainers::load_fewshot_config(config_path(*args, options), set_overrides(*args));
  const trainers::FewshotRunResult r = trainers::run_fewshot(config, run);
  std::cout << r.markdown << "\nresults: " << r.out_dir << " (" << r.ran << " cells run, " << r.failed << " failed, "
            << r.skipped << " already done)\n";
  return core::kExitOk;
}

}  // namespace facerep::cli
