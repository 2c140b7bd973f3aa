#pragma once
// Closed-set identification and few-shot episodes on embeddings (cosine similarity).
#include <cstdint>
#include <vector>

#include <ATen/core/Tensor.h>

namespace facerep::eval {

// Rank of each probe's true identity among the gallery identities, ranked by each identity's
// best cosine similarity to the probe (1 = best). 0 when the identity has no gallery image.
std::vector<int64_t> identity_ranks(const at::Tensor& gallery, const std::vector<int64_t>& gallery_ids,
                                    const at::Tensor& probes, const std::vector<int64_t>& probe_ids);
// Fraction of ranks in [1, k].
double rank_k_rate(const std::vector<int64_t>& ranks, int64_t k);

// Mean and 95% confidence half-width, 1.96·std/√n with the population std (as most few-shot
// papers report it).
struct MeanCi {
  double mean = 0, ci95 = 0, std = 0;
};
MeanCi mean_ci95(const std::vector<double>& values);

struct EpisodeOptions {
  // ways 0: every identity with enough samples (all-way); queries 0: every sample an identity has
  // beyond its support.
  int64_t ways = 5, shots = 1, queries = 15, episodes = 100;
  uint64_t seed = 0;
};
struct Episodes {
  std::vector<double> accuracies;  // per episode: correct queries / queries
  int64_t ways = 0;                // identities per episode, ways 0 resolved
};
// N-way k-shot episodes: per episode, `ways` identities with at least shots + queries samples
// (shots + 1 with queries 0) are drawn, their samples shuffled into support and query; queries are
// assigned to the nearest (cosine) normalised support centroid.
// Throws core::RuntimeError when fewer than `ways` (or, all-way, two) identities have enough samples.
Episodes kshot_episodes(const at::Tensor& embeddings, const std::vector<int64_t>& labels, const EpisodeOptions& o);

}  // namespace facerep::eval
