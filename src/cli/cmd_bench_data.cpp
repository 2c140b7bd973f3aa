// facerep bench data CONFIG: data-pipeline throughput as JSON (see data/bench_data.h).
#include <filesystem>
#include <iostream>

#include "cli/commands.h"
#include "cli/common.h"
#include "data/tools/bench_data.h"

namespace facerep::cli {

int cmd_bench_data(int argc, char** argv) {
  auto options = make_options("facerep bench data",
                              "images/s for decoding, the full augmentation pipeline at 1..N threads, "
                              "and a packed file",
                              "CONFIG");
  add_config_options(options);
  options.add_options()("threads", "largest worker count timed", cxxopts::value<int>()->default_value("2"))
      ("images", "images per timed run", cxxopts::value<int64_t>()->default_value("2048"))
      ("batch", "batch size", cxxopts::value<int64_t>()->default_value("64"))
      ("runs", "timed runs per figure (the median is reported)", cxxopts::value<int>()->default_value("3"))
      ("packed", "a packed .frp file to time with the same transforms", cxxopts::value<std::string>());
  auto args = parse_args(options, argc, argv);
  if (!args) return core::kExitOk;
  const trainers::ExperimentConfig config = load_config(*args, options);
  data::BenchDataOptions o;
  o.max_threads = (*args)["threads"].as<int>();
  o.images = (*args)["images"].as<int64_t>();
  o.batch_size = (*args)["batch"].as<int64_t>();
  o.repeats = (*args)["runs"].as<int>();
  if (args->count("packed")) o.packed = std::filesystem::absolute((*args)["packed"].as<std::string>()).string();  // relative to the shell, not the config
  data::SourceContext context;
  context.base_dir = config.base_dir;
  context.seed = config.run.seed;
  std::cout << data::run_bench_data(config.data, context, o) << std::flush;
  return core::kExitOk;
}

}  // namespace facerep::cli
