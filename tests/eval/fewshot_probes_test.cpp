#include <cmath>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/error.h"
#include "eval/fewshot/metrics.h"
#include "eval/fewshot/probes.h"

namespace facerep::eval::fewshot {
namespace {

// `per_class` points around each of 3 centres 10·e_c in 8 dimensions (noise std 0.5).
void gaussian_clusters(int64_t per_class, uint64_t seed, at::Tensor* x, at::Tensor* y) {
  torch::manual_seed(seed);
  const at::Tensor labels = torch::arange(3).repeat_interleave(per_class);
  *x = torch::one_hot(labels, 8).to(torch::kFloat) * 10.0 + 0.5 * torch::randn({3 * per_class, 8});
  *y = labels;
}

TEST(FewShotProbes, LinearProbeSeparatesFarClusters) {
  at::Tensor x_train, y_train, x_test, y_test;
  gaussian_clusters(5, 1, &x_train, &y_train);
  gaussian_clusters(30, 2, &x_test, &y_test);
  LinearProbe probe;
  ProbeFitReport report;
  {
    c10::InferenceMode evaluating;  // as evaluators call it: fitting must still work
    report = probe.fit(x_train, y_train);
  }
  EXPECT_TRUE(report.validated);
  EXPECT_EQ(report.validation_rows, 3);  // one of each class's 5
  EXPECT_EQ(report.candidates.size(), 6u);
  EXPECT_EQ(report.validation_losses.size(), 6u);
  const at::Tensor probabilities = probe.predict(x_test);
  EXPECT_EQ(probabilities.sizes(), (c10::IntArrayRef{90, 3}));
  EXPECT_GE(accuracy(probabilities, y_test), 0.99);

  // Deterministic: the same fit twice gives the same choice and the same outputs.
  LinearProbe again;
  EXPECT_EQ(again.fit(x_train, y_train).weight_decay, report.weight_decay);
  EXPECT_TRUE(torch::equal(again.predict(x_test), probabilities));
}

TEST(FewShotProbes, OneShotFallsBackToTheDefaultWeightDecay) {
  at::Tensor x, y;
  gaussian_clusters(1, 3, &x, &y);
  LinearProbeOptions o;
  o.default_weight_decay = 1e-3;
  LinearProbe probe(o);
  const ProbeFitReport report = probe.fit(x, y);
  EXPECT_FALSE(report.validated);
  EXPECT_EQ(report.validation_rows, 0);
  EXPECT_EQ(report.weight_decay, 1e-3);
  EXPECT_NEAR(accuracy(probe.predict(x), y), 1.0, 1e-12);
}

TEST(FewShotProbes, RidgeRecoversLinearCoefficients) {
  torch::manual_seed(4);
  const at::Tensor x = torch::randn({60, 3}) * torch::tensor({1.0, 5.0, 0.2}) + 2.0;
  const at::Tensor coefficients = torch::tensor({2.0, -1.0, 0.5});
  const at::Tensor y = x.matmul(coefficients) + 3.0;
  LinearProbeOptions o;
  o.task = ProbeTask::kRegression;
  LinearProbe probe(o);
  const ProbeFitReport report = probe.fit(x, y);
  EXPECT_EQ(report.weight_decay, 1e-6);  // noise-free: the least decay fits the validation best
  EXPECT_TRUE(torch::allclose(probe.weight().squeeze(1), coefficients, 0, 1e-3)) << probe.weight();
  EXPECT_NEAR(probe.bias().item<double>(), 3.0, 1e-2);
  const at::Tensor x_new = torch::randn({10, 3});
  EXPECT_EQ(probe.predict(x_new).dim(), 1);  // [N] targets → [M] predictions
  EXPECT_TRUE(torch::allclose(probe.predict(x_new), x_new.matmul(coefficients) + 3.0, 0, 1e-2));
  EXPECT_GT(regression_metrics(probe.predict(x), y).r2, 0.9999);
}

TEST(FewShotProbes, TinyNoisyDataChoosesLargerDecay) {
  // Targets pure noise, and about as many features (34) as training rows (32 of 40): a weakly
  // regularised fit nearly interpolates the noise and predicts held-out rows far worse than the mean.
  torch::manual_seed(5);
  const at::Tensor x = torch::randn({40, 34}), y = torch::randn({40});
  LinearProbeOptions o;
  o.task = ProbeTask::kRegression;
  o.weight_decays = {1e-6, 1e-3, 1.0, 100.0};
  LinearProbe probe(o);
  const ProbeFitReport report = probe.fit(x, y);
  EXPECT_TRUE(report.validated);
  EXPECT_GE(report.weight_decay, 1.0);
  EXPECT_LT(report.validation_losses.back(), report.validation_losses.front());
  LinearProbe again(o);
  EXPECT_EQ(again.fit(x, y).validation_losses, report.validation_losses);  // deterministic
}

TEST(FewShotProbes, MultiLabelProbeLearnsIndependentUnits) {
  // Unit u is on when feature u is positive (kept away from 0 so the units are separable).
  torch::manual_seed(6);
  const at::Tensor x = torch::randn({80, 4});
  x.slice(1, 0, 2).add_(x.slice(1, 0, 2).sign() * 0.5);
  const at::Tensor labels = x.slice(1, 0, 2).gt(0).to(torch::kFloat);
  LinearProbeOptions o;
  o.task = ProbeTask::kMultiLabel;
  LinearProbe probe(o);
  probe.fit(x.slice(0, 0, 60), labels.slice(0, 0, 60));
  const at::Tensor scores = probe.predict(x.slice(0, 60));
  EXPECT_EQ(scores.sizes(), (c10::IntArrayRef{20, 2}));
  EXPECT_GE(mean_f1(scores, labels.slice(0, 60)), 0.95);
  EXPECT_GE(multilabel_accuracy(scores, labels.slice(0, 60)), 0.95);
}

TEST(FewShotProbes, KnnOneNeighbourIsTheNearest) {
  // Directions 0°, 90°, 180°, 270° labelled 0..3; scale must not matter (cosine).
  const at::Tensor train = torch::tensor({1.0, 0.0, 0.0, 3.0, -2.0, 0.0, 0.0, -1.0}).view({4, 2});
  const at::Tensor queries = torch::tensor({5.0, 1.0, -1.0, 4.0, -1.0, -0.2, 0.1, -9.0}).view({4, 2});
  KnnOptions o;
  o.k = 1;
  const at::Tensor votes = knn_predict(train, torch::tensor({0, 1, 2, 3}), queries, o);
  EXPECT_EQ(votes.sizes(), (c10::IntArrayRef{4, 4}));
  EXPECT_TRUE(torch::equal(votes.argmax(1), torch::tensor({0, 1, 2, 3}, torch::kLong)));
}

TEST(FewShotProbes, KnnTinyTemperatureIsMajorityOfTheMostSimilar) {
  // Three rows at 0° (labels 0, 1, 1) and three at 10° (all 0). A query at 0° with k = 6: a tiny
  // temperature leaves only the 0° rows, whose majority is 1; a large one weighs all six alike
  // and class 0 wins 4 to 2.
  const double c = std::cos(10 * M_PI / 180), s = std::sin(10 * M_PI / 180);
  const at::Tensor train =
      torch::tensor({1.0, 0.0, 1.0, 0.0, 1.0, 0.0, c, s, c, s, c, s}, torch::kDouble).view({6, 2});
  const at::Tensor labels = torch::tensor({0, 1, 1, 0, 0, 0});
  const at::Tensor query = torch::tensor({1.0, 0.0}).view({1, 2});
  KnnOptions o;
  o.k = 6;
  o.temperature = 1e-5;
  const at::Tensor sharp = knn_predict(train, labels, query, o);
  EXPECT_NEAR(sharp[0][1].item<double>(), 2.0 / 3.0, 1e-5);
  EXPECT_EQ(sharp.argmax(1).item<int64_t>(), 1);
  o.temperature = 100.0;
  EXPECT_EQ(knn_predict(train, labels, query, o).argmax(1).item<int64_t>(), 0);
  o.temperature = 0;
  EXPECT_THROW(knn_predict(train, labels, query, o), core::ConfigError);
}

TEST(FewShotProbes, KnnAveragesMultiLabelAndRegressionTargets) {
  // The query is equally similar to both rows: equal weights.
  const at::Tensor train = torch::tensor({1.0, 0.0, 0.0, 1.0}).view({2, 2});
  const at::Tensor query = torch::tensor({1.0, 1.0}).view({1, 2});
  KnnOptions o;
  o.k = 5;  // clamped to the 2 rows
  o.task = ProbeTask::kRegression;
  const at::Tensor value = knn_predict(train, torch::tensor({2.0, 4.0}), query, o);
  EXPECT_EQ(value.dim(), 1);
  EXPECT_NEAR(value[0].item<double>(), 3.0, 1e-5);
  o.task = ProbeTask::kMultiLabel;
  const at::Tensor units = knn_predict(train, torch::tensor({1.0, 0.0, 0.0, 1.0}).view({2, 2}), query, o);
  EXPECT_TRUE(torch::allclose(units, torch::full({1, 2}, 0.5), 0, 1e-5));
}

}  // namespace
}  // namespace facerep::eval::fewshot
