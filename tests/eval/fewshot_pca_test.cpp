#include <gtest/gtest.h>

#include <torch/torch.h>

#include "eval/fewshot/pca.h"

namespace facerep::eval::fewshot {
namespace {

TEST(FewShotPca, RecoversTheSpreadDirectionsOfHandMadeData) {
  // Points on a line along (3, 4)/5 with small noise along (-4, 3)/5, around mean (1, 2).
  torch::manual_seed(0);
  const at::Tensor t = torch::linspace(-5, 5, 50).unsqueeze(1);
  const at::Tensor noise = 0.01 * torch::randn({50, 1});
  const at::Tensor x = torch::tensor({1.f, 2.f}) + t * torch::tensor({0.6f, 0.8f}) + noise * torch::tensor({-0.8f, 0.6f});
  const Pca p = fit_pca(x, 2);
  EXPECT_TRUE(torch::allclose(p.mean, torch::tensor({1.f, 2.f}), 1e-2, 1e-2));
  EXPECT_TRUE(torch::allclose(p.components[0], torch::tensor({0.6f, 0.8f}), 1e-3, 1e-3));
  EXPECT_GT(p.variance[0].item<float>(), 1000 * p.variance[1].item<float>());
  // Orthonormal components; projecting and mapping back reproduces the data exactly at full rank.
  EXPECT_TRUE(torch::allclose(torch::matmul(p.components, p.components.t()), torch::eye(2), 1e-5, 1e-5));
  const at::Tensor back = torch::matmul(p.project(x), p.components) + p.mean;
  EXPECT_TRUE(torch::allclose(back, x, 1e-4, 1e-4));
  // Whitened coordinates have unit variance.
  EXPECT_NEAR(p.project(x, true).var(0)[0].item<float>(), 1.0f, 1e-3);
  // The first component explains the sample variance of t (the noise adds ~1e-4).
  EXPECT_NEAR(p.variance[0].item<float>(), t.var().item<float>(), 1e-2);
}

TEST(FewShotPca, ClampsDimsToTheDataAndIsDeterministic) {
  const at::Tensor x = torch::randn({4, 10});
  const Pca a = fit_pca(x, 64), b = fit_pca(x, 64);
  EXPECT_EQ(a.components.size(0), 3);  // N - 1
  EXPECT_TRUE(torch::equal(a.components, b.components));
  EXPECT_THROW(a.project(torch::zeros({2, 9})), std::exception);
}

}  // namespace
}  // namespace facerep::eval::fewshot
