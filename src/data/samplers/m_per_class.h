#pragma once
// m_per_class: every batch holds P = batch_size / m distinct identities with m images each, the
// layout batch-hard triplet mining needs. Identities are visited in a fresh random order each
// pass, and each identity's images in a fresh random order each pass over them, so over an
// epoch every identity and image is used about equally; an identity with fewer than m images
// repeats some (sampling with replacement). Batches are always full. The epoch has
// N / batch_size global batches (rounded up without drop_last), dealt round-robin to ranks
// (rank r takes r, r + world_size, ...; the count is rounded up to a multiple of world_size by
// generating a few more batches).
#include "data/samplers/sampler.h"

namespace facerep::data {

struct MPerClassSamplerOptions {
  int m = 4;
  template <class V> void visit(V& v) { v("m", m, "images per identity in each batch").min(1); }
};

class MPerClassSampler : public Sampler {
 public:
  // Throws core::ConfigError when batch_size is not divisible by m, or the source has fewer
  // than batch_size / m identities.
  MPerClassSampler(const MPerClassSamplerOptions& o, const SamplerContext& ctx);
  BatchList epoch_batches(int64_t epoch) const override;
  int64_t batches_per_epoch() const override;

 private:
  SamplerContext ctx_;
  int m_;
  int64_t identities_per_batch_;
  std::vector<std::vector<int64_t>> groups_;
};

}  // namespace facerep::data
