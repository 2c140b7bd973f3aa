#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <iostream>

#include "cli/commands.h"
#include "cli/common.h"
#include "core/error.h"
#include "dist/job.h"
#include "runtime/compat.h"
#include "trainers/trainer.h"

namespace facerep::cli {

namespace {
double quantile(std::vector<double> v, double q) {
  if (v.empty()) return 0.0;
  std::sort(v.begin(), v.end());
  const double pos = q * static_cast<double>(v.size() - 1);
  const size_t lo = static_cast<size_t>(pos);
  const size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (v[hi] - v[lo]) * (pos - static_cast<double>(lo));
}

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.6g", v);
  return buf;
}
// Peak memory the CUDA caching allocator handed out over the run; null on CPU (and with a CPU
// build of LibTorch, which lacks the allocator's statistics).
std::string peak_device_mb(const c10::Device& device) {
  if (!device.is_cuda()) return "null";
  const double mb = runtime::compat::cuda_peak_allocated_mb(device.index() < 0 ? 0 : device.index());
  return mb < 0 ? "null" : num(mb);
}

void print_figures(const trainers::ExperimentConfig& config, const trainers::Trainer& trainer,
                   const trainers::TrainResult& r, int64_t warmup, int world) {
  std::vector<double> step_s, compute_s, data_s, comm_s, comm_fraction, ips;
  // With train.host_sync: log_interval (the CUDA default) a step's time is the time to queue it,
  // and the waits land on the sync steps: only the whole span says how fast training goes.
  double span_s = 0.0, span_images = 0.0;
  for (size_t i = static_cast<size_t>(warmup); i < r.history.size(); ++i) {
    const auto& h = r.history[i];
    span_s += h.seconds;
    span_images += static_cast<double>(h.images);
    step_s.push_back(h.seconds);
    compute_s.push_back(h.seconds - h.data_seconds);
    data_s.push_back(h.data_seconds);
    comm_s.push_back(h.comm_seconds);
    comm_fraction.push_back(h.seconds > 0 ? h.comm_seconds / h.seconds : 0.0);
    ips.push_back(static_cast<double>(h.images) / h.seconds);
  }
  struct rusage ru {};
  getrusage(RUSAGE_SELF, &ru);
  std::cout << "{\"config\": \"" << config.source_file << "\", \"model\": \"" << config.model.type
            << "\", \"objective\": \"" << config.objective.type << "\", \"device\": \"" << trainer.device().str()
            << "\", \"batch_size\": " << config.train.batch_size << ", \"processes\": " << world
            << ", \"steps\": " << step_s.size() << ", \"warmup\": " << warmup
            << ", \"images_per_s_median\": " << num(quantile(ips, 0.5))
            << ", \"images_per_s_span\": " << num(span_s > 0 ? span_images / span_s : 0.0)
            << ", \"step_s_median\": " << num(quantile(step_s, 0.5))
            << ", \"step_s_p90\": " << num(quantile(step_s, 0.9))
            << ", \"compute_s_median\": " << num(quantile(compute_s, 0.5))
            << ", \"data_wait_s_median\": " << num(quantile(data_s, 0.5))
            << ", \"allreduce_wait_s_median\": " << num(quantile(comm_s, 0.5))
            << ", \"allreduce_wait_fraction_median\": " << num(quantile(comm_fraction, 0.5))
            << ", \"peak_rss_mb\": " << num(static_cast<double>(ru.ru_maxrss) / 1024.0)
            << ", \"peak_device_mb\": " << peak_device_mb(trainer.device())
            << ", \"final_loss\": " << num(r.history.empty() || !r.history.back().scalars.count("loss") ? 0.0 : r.history.back().scalars.at("loss")) << "}\n";
}
}  // namespace

int cmd_bench_train(int argc, char** argv) {
  auto options = make_options("facerep bench train",
                              "time training steps of a config (prints JSON; writes no run folder)", "CONFIG");
  add_config_options(options);
  options.add_options()("steps", "timed steps", cxxopts::value<int64_t>()->default_value("10"))(
      "warmup", "untimed steps first", cxxopts::value<int64_t>()->default_value("2"));
  auto args = parse_args(options, argc, argv);
  if (!args) return core::kExitOk;
  trainers::ExperimentConfig config = load_config(*args, options);
  const int64_t steps = (*args)["steps"].as<int64_t>();
  const int64_t warmup = (*args)["warmup"].as<int64_t>();
  if (steps < 1) throw core::ConfigError("--steps: must be >= 1");
  if (warmup < 0) throw core::ConfigError("--warmup: must be >= 0");
  config.train.steps = steps + warmup;
  config.train.checkpoint_every = 0;
  config.train.log_every = std::max<int>(1, static_cast<int>(steps + warmup));
  config.eval.clear();  // steps only

  // Under a launcher (torchrun, srun, mpirun) every rank trains; rank 0 prints the figures, with
  // the time each step waited for the gradient all-reduce after backward (the communication
  // backward did not hide) as a fraction of the step.
  dist::Job job(config.run);
  return job.run([&] {
    trainers::TrainerSetup setup;
    setup.progress = false;
    trainers::Trainer trainer(config, std::move(setup));
    const trainers::TrainResult r = trainer.run();
    if (job.is_main()) print_figures(config, trainer, r, warmup, job.world_size());
    return core::kExitOk;
  });
}

}  // namespace facerep::cli
