// Samplers: sharding covers every index once per epoch, m_per_class batch layout, balance.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "core/config_tree.h"
#include "core/error.h"
#include "data/samplers/sampler.h"
#include "pipeline_test_source.h"

namespace facerep::data {
namespace {

using testing::PipelineTestSource;

struct SamplerSpec {
  core::ComponentSpec sampler;
  template <class V> void visit(V& v) { v.component("sampler", sampler, "sampler", "s"); }
};

std::shared_ptr<Sampler> make(const std::string& type, const SamplerContext& ctx) {
  return sampler_registry().build_default(type, ctx);
}

SamplerContext context(int64_t n, int64_t batch, bool drop_last, int rank = 0, int world = 1,
                       const Source* source = nullptr) {
  SamplerContext c;
  c.source = source;
  c.dataset_size = n;
  c.batch_size = batch;
  c.drop_last = drop_last;
  c.seed = 9;
  c.rank = rank;
  c.world_size = world;
  return c;
}

std::map<int64_t, int> count_over_ranks(const std::string& type, int64_t n, int64_t batch, int world,
                                        int64_t epoch, const Source* source = nullptr) {
  std::map<int64_t, int> counts;
  int64_t per_rank_batches = -1;
  for (int rank = 0; rank < world; ++rank) {
    auto s = make(type, context(n, batch, false, rank, world, source));
    const BatchList batches = s->epoch_batches(epoch);
    EXPECT_EQ(static_cast<int64_t>(batches.size()), s->batches_per_epoch());
    if (per_rank_batches >= 0) EXPECT_EQ(static_cast<int64_t>(batches.size()), per_rank_batches);
    per_rank_batches = static_cast<int64_t>(batches.size());
    for (const auto& b : batches)
      for (int64_t i : b) counts[i]++;
  }
  return counts;
}

// Rank r takes the r-th contiguous slice of every global batch, so the ranks' batches of a step,
// concatenated in rank order, are the batch one process with the whole global batch takes: the
// sample sequence of a job does not depend on how many processes share it.
TEST(PipelineSampler, RanksSplitEachGlobalBatchIntoContiguousSlices) {
  for (const bool drop_last : {true, false}) {
    for (const std::string type : {"shuffle", "sequential", "class_balanced"}) {
      PipelineTestSource source(30, 5);
      const BatchList whole = make(type, context(30, 8, drop_last, 0, 1, &source))->epoch_batches(3);
      std::vector<BatchList> ranks;
      for (int r = 0; r < 2; ++r)
        ranks.push_back(make(type, context(30, 4, drop_last, r, 2, &source))->epoch_batches(3));
      ASSERT_EQ(ranks[0].size(), whole.size()) << type;
      for (size_t b = 0; b < whole.size(); ++b) {
        std::vector<int64_t> joined = ranks[0][b];
        joined.insert(joined.end(), ranks[1][b].begin(), ranks[1][b].end());
        EXPECT_EQ(joined, whole[b]) << type << " batch " << b << " drop_last " << drop_last;
      }
    }
  }
}

TEST(PipelineSampler, ShardsCoverEveryIndexExactlyOnceWhenDivisible) {
  for (const std::string type : {"shuffle", "sequential"}) {
    const auto counts = count_over_ranks(type, 24, 4, 3, 2);
    ASSERT_EQ(counts.size(), 24u) << type;
    for (const auto& [index, n] : counts) EXPECT_EQ(n, 1) << type << " index " << index;
  }
}

TEST(PipelineSampler, UnevenShardsPadByWrappingLikeDistributedSampler) {
  // 10 indices over 3 ranks: 4 each, the first 2 of the epoch's order repeat.
  const auto counts = count_over_ranks("shuffle", 10, 3, 3, 0);
  ASSERT_EQ(counts.size(), 10u);
  int total = 0, twice = 0;
  for (const auto& [index, n] : counts) {
    total += n;
    twice += n == 2;
    EXPECT_LE(n, 2);
  }
  EXPECT_EQ(total, 12);
  EXPECT_EQ(twice, 2);
  const auto seq = make("sequential", context(10, 3, false, 1, 3))->epoch_batches(0);
  // Global batches of 9 over the order padded to 12: rank 1 takes positions 3-5 of the first and
  // position 10 (of 9-11, a third each) of the second, which wraps to index 0.
  EXPECT_EQ(seq, (BatchList{{3, 4, 5}, {0}}));
}

TEST(PipelineSampler, ShuffleIsAFreshDeterministicPermutationPerEpoch) {
  auto s = make("shuffle", context(50, 10, true));
  EXPECT_EQ(s->epoch_batches(3), s->epoch_batches(3));
  EXPECT_NE(s->epoch_batches(3), s->epoch_batches(4));
  EXPECT_EQ(s->batches_per_epoch(), 5);
}

TEST(PipelineSampler, DropLastDropsTheShortBatch) {
  EXPECT_EQ(make("sequential", context(10, 4, true))->epoch_batches(0), (BatchList{{0, 1, 2, 3}, {4, 5, 6, 7}}));
  EXPECT_EQ(make("sequential", context(10, 4, false))->epoch_batches(0).back(), (std::vector<int64_t>{8, 9}));
}

TEST(PipelineSampler, MPerClassBatchesHoldPDistinctIdentitiesTimesM) {
  // 7 identities; identity k has the indices i with i % 7 == k (3 or 4 images, fewer than m for some).
  PipelineTestSource source(26, 7);
  core::ConfigTree tree = core::ConfigTree::load_string("sampler: {type: m_per_class, m: 4}\n", "s.yaml");
  const SamplerSpec o = core::read_options<SamplerSpec>(tree, tree.root(), "");
  std::map<int64_t, int> seen;
  for (int rank = 0; rank < 2; ++rank) {
    auto s = sampler_registry().build(o.sampler, context(26, 8, true, rank, 2, &source));
    const BatchList batches = s->epoch_batches(1);
    EXPECT_EQ(batches.size(), 2u);  // 26 / 8 = 3 global batches, rounded up to 4 over 2 ranks
    EXPECT_EQ(batches, s->epoch_batches(1));
    for (const auto& b : batches) {
      ASSERT_EQ(b.size(), 8u);
      std::map<int64_t, int> per_identity;
      for (int64_t i : b) per_identity[source.identity_of(i)]++, seen[i]++;
      ASSERT_EQ(per_identity.size(), 2u);
      for (const auto& [id, n] : per_identity) EXPECT_EQ(n, 4) << "identity " << id;
      // Blocks of m: the first 4 share an identity, then the next 4.
      EXPECT_EQ(source.identity_of(b[0]), source.identity_of(b[3]));
    }
  }
  EXPECT_GE(seen.size(), 20u);  // 32 draws spread over most of the 26 images
}

TEST(PipelineSampler, MPerClassRejectsIndivisibleBatchAndTooFewIdentities) {
  PipelineTestSource source(20, 2);
  const core::ComponentSpec spec = core::component_from_yaml("sampler", "{type: m_per_class}", "sampler");
  try {
    sampler_registry().build(spec, context(20, 6, true, 0, 1, &source));
    FAIL();
  } catch (const core::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("batch size 6 is not divisible by m = 4"), std::string::npos) << e.what();
  }
  try {
    sampler_registry().build(spec, context(20, 12, true, 0, 1, &source));
    FAIL();
  } catch (const core::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("needs 3 identities, the source has 2"), std::string::npos) << e.what();
  }
  PipelineTestSource unlabelled(20, 0);
  EXPECT_THROW(sampler_registry().build(spec, context(20, 8, true, 0, 1, &unlabelled)), core::RuntimeError);
}

TEST(PipelineSampler, ClassBalancedDrawsIdentitiesUniformlyDespiteImbalance) {
  // identity 0: indices 0..89, identity 1: 90..99 (a custom identity_of).
  class Skewed : public PipelineTestSource {
   public:
    Skewed() : PipelineTestSource(100, 2) {}
    int64_t identity_of(int64_t i) const override { return i < 90 ? 0 : 1; }
  } source;
  auto s = make("class_balanced", context(100, 10, true, 0, 1, &source));
  int minority = 0, total = 0;
  for (int64_t epoch = 0; epoch < 4; ++epoch)
    for (const auto& b : s->epoch_batches(epoch))
      for (int64_t i : b) minority += i >= 90, ++total;
  EXPECT_EQ(total, 400);
  EXPECT_NEAR(minority / 400.0, 0.5, 0.08);  // vs 0.1 under uniform sampling of images
}

TEST(PipelineSampler, RejectsRankOutsideWorld) {
  EXPECT_THROW(make("shuffle", context(10, 2, true, 2, 2)), core::ConfigError);
}

}  // namespace
}  // namespace facerep::data
