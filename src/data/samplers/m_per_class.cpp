#include "data/samplers/m_per_class.h"

#include <algorithm>

#include "core/error.h"
#include "data/samplers/basic.h"
#include "data/transforms/transform.h"

namespace facerep::data {

namespace {

// Yields the items of a list in random order, reshuffling after each pass.
class CyclicShuffle {
 public:
  CyclicShuffle(int64_t n, std::mt19937_64* rng) : n_(n), rng_(rng) {}
  int64_t next() {
    if (pos_ == static_cast<int64_t>(order_.size())) {
      order_ = random_permutation(n_, *rng_);
      pos_ = 0;
    }
    return order_[pos_++];
  }

 private:
  int64_t n_;
  std::mt19937_64* rng_;
  std::vector<int64_t> order_;
  int64_t pos_ = 0;
};

}  // namespace

MPerClassSampler::MPerClassSampler(const MPerClassSamplerOptions& o, const SamplerContext& ctx)
    : ctx_(ctx), m_(o.m) {
  check_sampler_context(ctx_);
  if (ctx_.batch_size % m_ != 0)
    throw core::ConfigError("m_per_class: batch size " + std::to_string(ctx_.batch_size) +
                            " is not divisible by m = " + std::to_string(m_));
  identities_per_batch_ = ctx_.batch_size / m_;
  groups_ = group_by_identity(ctx_, "m_per_class");
  if (static_cast<int64_t>(groups_.size()) < identities_per_batch_)
    throw core::ConfigError("m_per_class: a batch of " + std::to_string(ctx_.batch_size) + " with m = " +
                            std::to_string(m_) + " needs " + std::to_string(identities_per_batch_) +
                            " identities, the source has " + std::to_string(groups_.size()));
}

int64_t MPerClassSampler::batches_per_epoch() const {
  const int64_t n = ctx_.dataset_size, b = ctx_.batch_size;
  const int64_t global = std::max<int64_t>(1, ctx_.drop_last ? n / b : (n + b - 1) / b);
  return (global + ctx_.world_size - 1) / ctx_.world_size;
}

BatchList MPerClassSampler::epoch_batches(int64_t epoch) const {
  std::mt19937_64 rng = sample_rng(ctx_.seed, epoch, -1, 2);
  CyclicShuffle identity_order(static_cast<int64_t>(groups_.size()), &rng);
  std::vector<CyclicShuffle> image_order;
  for (const auto& g : groups_) image_order.emplace_back(static_cast<int64_t>(g.size()), &rng);

  const int64_t per_rank = batches_per_epoch();
  const int64_t global = per_rank * ctx_.world_size;
  BatchList mine;
  std::vector<int64_t> chosen;
  for (int64_t b = 0; b < global; ++b) {
    chosen.clear();
    // Draw distinct identities; a repeat can only come from a reshuffle mid-batch.
    while (static_cast<int64_t>(chosen.size()) < identities_per_batch_) {
      const int64_t id = identity_order.next();
      if (std::find(chosen.begin(), chosen.end(), id) == chosen.end()) chosen.push_back(id);
    }
    std::vector<int64_t> batch;
    batch.reserve(ctx_.batch_size);
    for (int64_t id : chosen)
      for (int k = 0; k < m_; ++k) batch.push_back(groups_[id][image_order[id].next()]);
    if (b % ctx_.world_size == ctx_.rank) mine.push_back(std::move(batch));
  }
  return mine;
}

}  // namespace facerep::data
