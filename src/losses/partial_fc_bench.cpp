#include "losses/partial_fc_bench.h"

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <sstream>

#include <torch/torch.h>

#include "core/error.h"
#include "dist/collectives.h"
#include "dist/communicator.h"
#include "losses/partial_fc.h"
#include "runtime/rng.h"

namespace facerep::losses {

namespace {
double mib(double bytes) { return bytes / (1024.0 * 1024.0); }

std::string one_decimal(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

double peak_rss_mib() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_maxrss) / 1024.0;  // Linux reports KiB
}
}  // namespace

std::string run_classifier_bench(const ClassifierBenchOptions& o) {
  dist::Communicator* comm = dist::current();
  const int world = dist::world_size(), rank = dist::rank();
  if (o.batch % world != 0)
    throw core::ConfigError("--batch: " + std::to_string(o.batch) + " does not split over " + std::to_string(world) +
                            " processes");
  ObjectiveContext ctx;
  ctx.num_classes = o.classes;
  ctx.embedding_dim = o.dim;
  PartialFCOptions po;
  po.sample_rate = o.sample_rate;
  torch::manual_seed(o.seed);
  PartialFC pfc(po, ctx, comm);

  const int64_t rows = o.batch / world;
  at::Generator g = runtime::make_cpu_generator(o.seed, 1 + static_cast<uint64_t>(rank));
  const at::Tensor x = at::randn({rows, o.dim}, g).requires_grad_(true);
  data::Batch batch;
  batch.images = at::zeros({rows, 1, 1, 1});
  batch.identity = at::randint(o.classes, {rows}, g, at::TensorOptions().dtype(at::kLong));
  for (int64_t i = 0; i < rows; ++i) batch.paths.push_back("bench:" + std::to_string(i));

  const auto t0 = std::chrono::steady_clock::now();
  const at::Tensor loss = pfc.loss(x, batch, g).total;
  loss.backward();
  const double step_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  const double weight_bytes = static_cast<double>(pfc.weight().numel()) * 4.0;
  const double kept = std::ceil(o.sample_rate * static_cast<double>(pfc.shard().count));
  // cosines, logits and softmax of the gathered batch against the kept centres, float32.
  const double logits_bytes = 3.0 * static_cast<double>(o.batch) * kept * 4.0;
  at::Tensor figures = at::tensor({static_cast<double>(pfc.shard().count), mib(weight_bytes), mib(logits_bytes),
                                   peak_rss_mib(), step_s},
                                  at::TensorOptions().dtype(at::kDouble));
  std::vector<at::Tensor> all{figures};
  if (comm) all = comm->all_gather(figures, "classifier bench figures");

  std::ostringstream out;
  out << "{\"classes\": " << o.classes << ", \"dim\": " << o.dim << ", \"global_batch\": " << o.batch
      << ", \"sample_rate\": " << o.sample_rate << ", \"world\": " << world << ", \"loss\": " << loss.item<double>()
      << ", \"ranks\": [";
  for (size_t r = 0; r < all.size(); ++r) {
    const auto f = all[r];
    const double w = f[1].item<double>();
    out << (r ? ", " : "") << "{\"rank\": " << r << ", \"centres\": " << f[0].item<int64_t>()
        << ", \"weights_mb\": " << one_decimal(w) << ", \"grads_mb\": " << one_decimal(w) << ", \"sgd_momentum_mb\": " << one_decimal(w)
        << ", \"adamw_moments_mb\": " << one_decimal(2 * w) << ", \"step_activations_mb\": " << one_decimal(f[2].item<double>())
        << ", \"peak_rss_mb\": " << one_decimal(f[3].item<double>()) << ", \"step_s\": " << one_decimal(f[4].item<double>()) << "}";
  }
  out << "]}\n";
  return out.str();
}

}  // namespace facerep::losses
