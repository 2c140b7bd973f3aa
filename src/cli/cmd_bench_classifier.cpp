// facerep bench classifier: per-rank memory of the sharded classifier (losses/partial_fc_bench.h).
#include <iostream>

#include "cli/commands.h"
#include "cli/common.h"
#include "core/error.h"
#include "core/run_options.h"
#include "dist/job.h"
#include "losses/partial_fc_bench.h"

namespace facerep::cli {

int cmd_bench_classifier(int argc, char** argv) {
  auto options = make_options("facerep bench classifier",
                              "memory per rank of one partial_fc step at a class count (prints JSON; also under a "
                              "launcher, one process per rank, CPU/Gloo)",
                              "");
  options.add_options()("classes", "identities", cxxopts::value<int64_t>()->default_value("100000"))(
      "dim", "embedding size", cxxopts::value<int64_t>()->default_value("512"))(
      "batch", "global batch", cxxopts::value<int64_t>()->default_value("128"))(
      "sample-rate", "partial_fc sample_rate", cxxopts::value<double>()->default_value("1.0"));
  auto args = parse_args(options, argc, argv);
  if (!args) return core::kExitOk;
  losses::ClassifierBenchOptions o;
  o.classes = (*args)["classes"].as<int64_t>();
  o.dim = (*args)["dim"].as<int64_t>();
  o.batch = (*args)["batch"].as<int64_t>();
  o.sample_rate = (*args)["sample-rate"].as<double>();
  if (o.classes < 1 || o.dim < 1 || o.batch < 1) throw core::ConfigError("--classes, --dim, --batch: must be >= 1");
  if (!(o.sample_rate > 0.0 && o.sample_rate <= 1.0)) throw core::ConfigError("--sample-rate: must be in (0, 1]");
  core::RunOptions run;
  run.device = "cpu";
  dist::Job job(run);
  return job.run([&] {
    const std::string json = losses::run_classifier_bench(o);
    if (job.is_main()) std::cout << json << std::flush;
    return core::kExitOk;
  });
}

}  // namespace facerep::cli
