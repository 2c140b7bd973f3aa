#pragma once
// Index-order samplers: sequential, shuffle (a new permutation each epoch), class_balanced
// (identities drawn uniformly, then an image of that identity; with replacement). All shard and
// batch through shard_and_batch() (see sampler.h).
#include <map>
#include <random>
#include <vector>

#include "data/samplers/sampler.h"

namespace facerep::data {

struct SequentialSamplerOptions {
  template <class V> void visit(V&) {}
};

class SequentialSampler : public Sampler {
 public:
  explicit SequentialSampler(const SamplerContext& ctx);
  BatchList epoch_batches(int64_t epoch) const override;
  int64_t batches_per_epoch() const override;

 private:
  SamplerContext ctx_;
};

struct ShuffleSamplerOptions {
  template <class V> void visit(V&) {}
};

class ShuffleSampler : public Sampler {
 public:
  explicit ShuffleSampler(const SamplerContext& ctx);
  BatchList epoch_batches(int64_t epoch) const override;
  int64_t batches_per_epoch() const override;

 private:
  SamplerContext ctx_;
};

struct ClassBalancedSamplerOptions {
  int64_t samples_per_epoch = 0;
  template <class V> void visit(V& v) {
    v("samples_per_epoch", samples_per_epoch, "draws per epoch over all ranks; 0 = dataset size").min(0);
  }
};

class ClassBalancedSampler : public Sampler {
 public:
  ClassBalancedSampler(const ClassBalancedSamplerOptions& o, const SamplerContext& ctx);
  BatchList epoch_batches(int64_t epoch) const override;
  int64_t batches_per_epoch() const override;

 private:
  SamplerContext ctx_;
  int64_t draws_;
  std::vector<std::vector<int64_t>> groups_;  // indices of each identity
};

// Indices of each identity, ordered by identity. Throws core::RuntimeError naming `sampler` and
// the sample when a sample has no identity (-1).
std::vector<std::vector<int64_t>> group_by_identity(const SamplerContext& ctx, const char* sampler);
// A permutation of 0..n-1 drawn from `rng` (Fisher-Yates).
std::vector<int64_t> random_permutation(int64_t n, std::mt19937_64& rng);

}  // namespace facerep::data
