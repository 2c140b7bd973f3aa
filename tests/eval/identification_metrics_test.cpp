#include <cmath>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/error.h"
#include "eval/identification_metrics.h"

namespace facerep::eval {
namespace {

TEST(IdentificationMetrics, RanksByBestGalleryImagePerIdentity) {
  // Gallery: identity 7 at angle 0° and 90°, identity 8 at 45°, identity 9 at 180°.
  auto at = [](double deg) { return std::vector<float>{float(std::cos(deg * M_PI / 180)), float(std::sin(deg * M_PI / 180))}; };
  std::vector<float> g;
  for (double d : {0.0, 90.0, 45.0, 180.0}) for (float v : at(d)) g.push_back(v);
  const at::Tensor gallery = torch::tensor(g).view({4, 2});
  std::vector<float> p;
  for (double d : {80.0, 30.0, 170.0}) for (float v : at(d)) p.push_back(v);
  const at::Tensor probes = torch::tensor(p).view({3, 2}) * 3.0;  // scale must not matter
  // Probe 80° (id 8): 7 via 90° is nearer (10°) than 8 (35°) → rank 2.
  // Probe 30° (id 7): 8 at 15° beats 7's best (0°, 30°) → rank 2.  Probe 170° (id 9): rank 1.
  const auto ranks = identity_ranks(gallery, {7, 7, 8, 9}, probes, {8, 7, 9});
  EXPECT_EQ(ranks, (std::vector<int64_t>{2, 2, 1}));
  EXPECT_NEAR(rank_k_rate(ranks, 1), 1.0 / 3.0, 1e-12);
  EXPECT_NEAR(rank_k_rate(ranks, 2), 1.0, 1e-12);
  EXPECT_EQ(identity_ranks(gallery, {7, 7, 8, 9}, probes.slice(0, 0, 1), {5})[0], 0);  // not in gallery
}

TEST(IdentificationMetrics, ConfidenceIntervalFormula) {
  // mean 0.7; population std = sqrt((0.04 + 0 + 0.04 + 0) / 4); CI = 1.96·std/√4.
  const MeanCi m = mean_ci95({0.5, 0.7, 0.9, 0.7});
  EXPECT_NEAR(m.mean, 0.7, 1e-12);
  EXPECT_NEAR(m.std, std::sqrt(0.02), 1e-12);
  EXPECT_NEAR(m.ci95, 1.96 * std::sqrt(0.02) / 2.0, 1e-12);
}

// Identity i lives near direction i of a 6-d space; `noise` blurs them.
void clusters(double noise, at::Tensor* x, std::vector<int64_t>* labels) {
  torch::manual_seed(0);
  labels->clear();
  for (int64_t id = 0; id < 6; ++id)
    for (int k = 0; k < 8; ++k) labels->push_back(id);
  const at::Tensor ids = torch::tensor(*labels);
  *x = torch::one_hot(ids, 6).to(torch::kFloat) + torch::randn({48, 6}) * noise;
}

TEST(IdentificationMetrics, EpisodesAreSeededAndScoreSeparableDataPerfectly) {
  at::Tensor x;
  std::vector<int64_t> labels;
  clusters(0.05, &x, &labels);
  EpisodeOptions o;
  o.ways = 5, o.shots = 1, o.queries = 3, o.episodes = 20;
  for (double a : kshot_episodes(x, labels, o).accuracies) EXPECT_DOUBLE_EQ(a, 1.0);
  clusters(1.0, &x, &labels);
  const auto a1 = kshot_episodes(x, labels, o).accuracies;
  EXPECT_EQ(a1, kshot_episodes(x, labels, o).accuracies);
  o.seed = 5;
  EXPECT_NE(a1, kshot_episodes(x, labels, o).accuracies);
  const MeanCi m = mean_ci95(a1);
  EXPECT_GT(m.mean, 0.2);  // chance is 1/5, and the noisy clusters still carry signal
  EXPECT_LT(m.mean, 1.0);
  o.ways = 7;
  EXPECT_THROW(kshot_episodes(x, labels, o), core::RuntimeError);
  o.ways = 1;
  EXPECT_THROW(kshot_episodes(x, labels, o), core::RuntimeError);
}

TEST(IdentificationMetrics, AllWayEpisodesUseEveryIdentityAndEveryOtherSample) {
  at::Tensor x;
  std::vector<int64_t> labels;
  clusters(0.05, &x, &labels);  // 6 identities x 8 samples
  labels.resize(47);            // the last identity keeps 7
  x = x.slice(0, 0, 47);
  EpisodeOptions o;
  o.ways = 0, o.shots = 2, o.queries = 0, o.episodes = 5;
  const Episodes all = kshot_episodes(x, labels, o);
  EXPECT_EQ(all.ways, 6);
  ASSERT_EQ(all.accuracies.size(), 5u);
  for (double a : all.accuracies) EXPECT_DOUBLE_EQ(a, 1.0);
  // Every query counts once: one wrong label among the 35 queries (47 - 6 x 2 support) shows as 1/35
  // in every episode where it is a query, never as more.
  clusters(0.05, &x, &labels);
  labels.resize(47);
  x = x.slice(0, 0, 47).clone();
  x[0] = x[8].clone();  // a sample of identity 0 that looks like identity 1
  o.episodes = 50;
  for (double a : kshot_episodes(x, labels, o).accuracies) EXPECT_TRUE(a == 1.0 || std::abs(a - 34.0 / 35) < 1e-9) << a;
  // Identities without shots + 1 samples drop out of all-way episodes; fewer than two left is an error.
  o.shots = 7;
  EXPECT_EQ(kshot_episodes(x, labels, o).ways, 5);
  o.shots = 8;
  EXPECT_THROW(kshot_episodes(x, labels, o), core::RuntimeError);
}

}  // namespace
}  // namespace facerep::eval
