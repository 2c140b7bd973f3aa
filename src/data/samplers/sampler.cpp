#include "data/samplers/sampler.h"

#include "core/error.h"

namespace facerep::data {

SamplerRegistry& sampler_registry() {
  static SamplerRegistry registry("sampler");
  return registry;
}

void check_sampler_context(const SamplerContext& ctx) {
  if (ctx.world_size < 1 || ctx.rank < 0 || ctx.rank >= ctx.world_size)
    throw core::ConfigError("sampler: rank " + std::to_string(ctx.rank) + " outside world of size " +
                            std::to_string(ctx.world_size));
  if (ctx.batch_size < 1)
    throw core::ConfigError("sampler: batch size must be >= 1, got " + std::to_string(ctx.batch_size));
  if (ctx.dataset_size < 1) throw core::RuntimeError("sampler: the dataset is empty");
}

namespace {
int64_t per_rank(int64_t n, int world) { return (n + world - 1) / world; }
}  // namespace

int64_t sharded_batch_count(int64_t n, const SamplerContext& ctx) {
  const int64_t mine = per_rank(n, ctx.world_size);
  return ctx.drop_last ? mine / ctx.batch_size : (mine + ctx.batch_size - 1) / ctx.batch_size;
}

BatchList shard_and_batch(const std::vector<int64_t>& order, const SamplerContext& ctx) {
  const int64_t n = static_cast<int64_t>(order.size());
  const int64_t world = ctx.world_size;
  const int64_t padded = per_rank(n, ctx.world_size) * world;
  const int64_t global_batch = ctx.batch_size * world;
  BatchList batches;
  const int64_t count = sharded_batch_count(n, ctx);
  for (int64_t b = 0; b < count; ++b) {
    const int64_t begin = b * global_batch;
    const int64_t share = std::min(global_batch, padded - begin) / world;  // padded is a multiple of world
    std::vector<int64_t> batch;
    batch.reserve(share);
    for (int64_t k = 0; k < share; ++k) batch.push_back(order[(begin + ctx.rank * share + k) % n]);
    batches.push_back(std::move(batch));
  }
  return batches;
}

}  // namespace facerep::data
