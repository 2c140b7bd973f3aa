#pragma once
// Samplers (`data.loader.sampler: {type: ...}`) decide which dataset indices form each batch of an
// epoch, for one rank of `world_size`. The list for an epoch is a pure function of
// (seed, epoch, rank, world_size), so the loader can resume at any batch and every rank agrees
// on the global order without talking to the others.
//
// Sharding: the global order is padded by wrapping around to a multiple of world_size (as
// PyTorch's DistributedSampler does) and cut into global batches of batch_size × world_size
// indices; rank r takes the r-th contiguous slice of each (a short last global batch is split
// evenly). So the ranks' batches of step k, concatenated in rank order, are exactly the batch
// one process with batch_size × world_size would take at step k: a job's sample sequence does not
// depend on how many processes share it. When N is not divisible by world_size, the first few
// indices of the order appear twice in the epoch.
#include <cstdint>
#include <memory>
#include <vector>

#include "core/registry.h"
#include "data/sources/source.h"

namespace facerep::data {

struct SamplerContext {
  const Source* source = nullptr;  // identities for class-aware samplers
  int64_t dataset_size = 0;
  int64_t batch_size = 1;
  bool drop_last = true;
  uint64_t seed = 0;
  int rank = 0;
  int world_size = 1;
};

using BatchList = std::vector<std::vector<int64_t>>;

class Sampler {
 public:
  virtual ~Sampler() = default;
  // This rank's batches of `epoch`, in order.
  virtual BatchList epoch_batches(int64_t epoch) const = 0;
  // The same for every epoch.
  virtual int64_t batches_per_epoch() const = 0;
};

using SamplerRegistry = core::Registry<Sampler, const SamplerContext&>;
SamplerRegistry& sampler_registry();

// Checks the context (rank in range, positive sizes); throws core::ConfigError.
void check_sampler_context(const SamplerContext& ctx);

// This rank's share of a global index order (padded by wrapping; the rank's contiguous slice of
// every global batch of ctx.batch_size × ctx.world_size), batches of ctx.batch_size; a last
// short batch is dropped when ctx.drop_last.
BatchList shard_and_batch(const std::vector<int64_t>& order, const SamplerContext& ctx);
// The number of batches shard_and_batch() yields for an order of `n` indices.
int64_t sharded_batch_count(int64_t n, const SamplerContext& ctx);

}  // namespace facerep::data
