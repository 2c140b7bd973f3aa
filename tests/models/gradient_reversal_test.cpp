#include <gtest/gtest.h>
#include <torch/torch.h>

#include "losses/test_backbone.h"
#include "models/gradient_reversal.h"

namespace facerep::models {
namespace {

TEST(GradientReversal, ForwardIsIdentityBackwardIsMinusLambdaTimesUpstream) {
  const at::Tensor x = torch::tensor({0.5, -1.0, 2.0}, torch::kDouble).requires_grad_(true);
  const at::Tensor w = torch::tensor({3.0, 4.0, -2.0}, torch::kDouble);
  const at::Tensor y = reverse_gradient(x, 0.25);
  EXPECT_TRUE(torch::equal(y, x.detach()));
  // loss = Σ w·GRL(x): d loss/dx = −0.25·w by hand.
  (w * y).sum().backward();
  EXPECT_TRUE(torch::allclose(x.grad(), torch::tensor({-0.75, -1.0, 0.5}, torch::kDouble)));
}

TEST(GradientReversal, GradientIsTheFiniteDifferenceOfTheUnreversedFunctionTimesMinusLambda) {
  // f(x) = Σ sin(x)·x² composed after the reversal: autograd gives −λ·f'(x); the central
  // difference of f (the forward is the identity) gives f'(x).
  const double lambda = 1.7;
  const auto f = [](const at::Tensor& x) { return (torch::sin(x) * x * x).sum(); };
  const at::Tensor x0 = torch::tensor({0.3, -1.2, 0.9, 2.1}, torch::kDouble);
  const double err = facerep::testing::max_grad_error(
      [&](const at::Tensor& x) { return x.requires_grad() ? f(reverse_gradient(x, lambda)) / -lambda : f(x); }, x0);
  EXPECT_LT(err, 1e-6);
  // λ = 0 blocks the gradient entirely.
  const at::Tensor x = x0.clone().requires_grad_(true);
  f(reverse_gradient(x, 0.0)).backward();
  EXPECT_EQ(x.grad().abs().max().item<double>(), 0.0);
}

}  // namespace
}  // namespace facerep::models
