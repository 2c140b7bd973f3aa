#include "data/samplers/basic.h"

#include <numeric>

#include "core/error.h"
#include "data/transforms/transform.h"

namespace facerep::data {

namespace {
// Sampler streams are keyed apart from augmentation streams (which use index >= 0).
constexpr int64_t kSamplerStream = -1;
}  // namespace

std::vector<int64_t> random_permutation(int64_t n, std::mt19937_64& rng) {
  std::vector<int64_t> perm(n);
  std::iota(perm.begin(), perm.end(), 0);
  for (int64_t i = n - 1; i > 0; --i) std::swap(perm[i], perm[uniform_int(rng, 0, i)]);
  return perm;
}

std::vector<std::vector<int64_t>> group_by_identity(const SamplerContext& ctx, const char* sampler) {
  if (!ctx.source) throw core::RuntimeError(std::string(sampler) + ": needs a source with identities");
  std::map<int64_t, std::vector<int64_t>> by_identity;
  for (int64_t i = 0; i < ctx.dataset_size; ++i) {
    const int64_t id = ctx.source->identity_of(i);
    if (id < 0)
      throw core::RuntimeError(std::string(sampler) + ": sample " + std::to_string(i) +
                               " has no identity label (" + ctx.source->describe() + ")");
    by_identity[id].push_back(i);
  }
  std::vector<std::vector<int64_t>> groups;
  for (auto& kv : by_identity) groups.push_back(std::move(kv.second));
  return groups;
}

SequentialSampler::SequentialSampler(const SamplerContext& ctx) : ctx_(ctx) { check_sampler_context(ctx_); }

BatchList SequentialSampler::epoch_batches(int64_t) const {
  std::vector<int64_t> order(ctx_.dataset_size);
  std::iota(order.begin(), order.end(), 0);
  return shard_and_batch(order, ctx_);
}

int64_t SequentialSampler::batches_per_epoch() const { return sharded_batch_count(ctx_.dataset_size, ctx_); }

ShuffleSampler::ShuffleSampler(const SamplerContext& ctx) : ctx_(ctx) { check_sampler_context(ctx_); }

BatchList ShuffleSampler::epoch_batches(int64_t epoch) const {
  std::mt19937_64 rng = sample_rng(ctx_.seed, epoch, kSamplerStream, 0);
  return shard_and_batch(random_permutation(ctx_.dataset_size, rng), ctx_);
}

int64_t ShuffleSampler::batches_per_epoch() const { return sharded_batch_count(ctx_.dataset_size, ctx_); }

ClassBalancedSampler::ClassBalancedSampler(const ClassBalancedSamplerOptions& o, const SamplerContext& ctx)
    : ctx_(ctx), draws_(o.samples_per_epoch > 0 ? o.samples_per_epoch : ctx.dataset_size) {
  check_sampler_context(ctx_);
  groups_ = group_by_identity(ctx_, "class_balanced");
}

BatchList ClassBalancedSampler::epoch_batches(int64_t epoch) const {
  std::mt19937_64 rng = sample_rng(ctx_.seed, epoch, kSamplerStream, 1);
  std::vector<int64_t> order;
  order.reserve(draws_);
  const int64_t classes = static_cast<int64_t>(groups_.size());
  for (int64_t k = 0; k < draws_; ++k) {
    const auto& group = groups_[uniform_int(rng, 0, classes - 1)];
    order.push_back(group[uniform_int(rng, 0, static_cast<int64_t>(group.size()) - 1)]);
  }
  return shard_and_batch(order, ctx_);
}

int64_t ClassBalancedSampler::batches_per_epoch() const { return sharded_batch_count(draws_, ctx_); }

}  // namespace facerep::data
