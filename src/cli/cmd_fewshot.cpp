// facerep fewshot CONFIG --encoder NAME --task T --protocol P --amount K --seed S
// One cell of a few-shot sweep config, run exactly as `facerep sweep` runs it (same features
// cache, same log: a cell computed here counts as done for the sweep).
#include <iostream>

#include "cli/commands.h"
#include "cli/common.h"
#include "core/error.h"
#include "trainers/fewshot_runner.h"

namespace facerep::cli {

int cmd_fewshot(int argc, char** argv) {
  auto options = make_options("facerep fewshot", "one few-shot cell: encoder x task x protocol x shots x seed",
                              "CONFIG");
  add_config_options(options);
  options.add_options()("encoder", "encoder name (default: every encoder)", cxxopts::value<std::string>())(
      "task", "identity | attributes | aus | landmarks | values | parsing | verification (default: the config's first)",
      cxxopts::value<std::string>())(
      "protocol", "linear | knn | centroid | finetune (default: the config's first)", cxxopts::value<std::string>())(
      "amount", "shots per identity or fraction (default: the config's first)", cxxopts::value<double>())(
      "seed", "seed (default: the config's first)", cxxopts::value<int>());
  auto args = parse_args(options, argc, argv);
  if (!args) return core::kExitOk;
  auto config = trainers::load_fewshot_config(config_path(*args, options), set_overrides(*args));
  // Narrow the grid to one cell; the rest of the config (and so the cell's hash) is unchanged.
  if (args->count("task")) config.tasks = {(*args)["task"].as<std::string>()};
  if (args->count("protocol")) config.protocols = {(*args)["protocol"].as<std::string>()};
  config.tasks.resize(1), config.protocols.resize(1), config.seeds = {args->count("seed") ? (*args)["seed"].as<int>()
                                                                                          : config.seeds.front()};
  auto& amounts = config.shots.empty() ? config.fractions : config.shots;
  amounts = {args->count("amount") ? (*args)["amount"].as<double>() : amounts.front()};
  trainers::FewshotRunOptions run;
  if (args->count("encoder")) run.encoder = (*args)["encoder"].as<std::string>();
  const trainers::FewshotRunResult r = trainers::run_fewshot(config, run);
  std::cout << r.markdown << "\nresults: " << r.out_dir << "\n";
  return r.failed > 0 ? core::kExitRuntime : core::kExitOk;
}

}  // namespace facerep::cli
