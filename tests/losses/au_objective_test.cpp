#include <cmath>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/error.h"
#include "losses/au/au_objective.h"
#include "losses/au/lambda_schedule.h"
#include "losses/register.h"
#include "losses/test_backbone.h"
#include "test_support.h"

namespace facerep::losses {
namespace {

ObjectiveContext au_context(int64_t dim, int64_t aus, int64_t classes) {
  ObjectiveContext c;
  c.embedding_dim = dim;
  c.num_aus = aus;
  c.num_classes = classes;
  c.data_description = "synthetic (seed 0): 3 identities x 2 images, 16x16";
  return c;
}

std::shared_ptr<Objective> build_au(const std::string& yaml, const ObjectiveContext& ctx) {
  register_components();
  return objective_registry().build(testing::read_component(yaml, "objective", "objective"), ctx);
}

// Two samples, two units, two subjects.
data::Batch au_batch() {
  data::Batch b;
  b.images = torch::zeros({2, 1, 2, 2});
  b.aus = torch::tensor({{1.f, 0.f}, {0.f, 1.f}});
  b.aus_mask = torch::ones({2}, torch::kBool);
  b.identity = torch::tensor({0, 1}, torch::kLong);
  b.paths = {"a", "b"};
  return b;
}

double sig(double x) { return 1.0 / (1.0 + std::exp(-x)); }

TEST(AuObjective, LossIsHandBceWithPosWeightPlusIdentityCrossEntropy) {
  auto obj = build_au("objective: {type: au, pos_weight: [2.0, 0.5]}\n", au_context(2, 2, 2));
  auto& au = dynamic_cast<AuObjective&>(*obj);
  torch::NoGradGuard g;
  // AU head = identity map, no bias; identity head: zero weights → uniform logits, CE = ln 2.
  for (auto& item : au.named_parameters()) {
    if (item.key() == "au_head.weight") item.value().copy_(torch::eye(2));
    else item.value().zero_();
  }
  const at::Tensor f = torch::tensor({{1.0f, -2.0f}, {0.5f, 3.0f}});
  const LossOutput out = au.loss(f, au_batch(), 0.0);
  // BCE with pos_weight p_u: −[p_u·y·log σ(x) + (1−y)·log(1−σ(x))], mean over the 4 entries.
  const double expect = -(2.0 * std::log(sig(1.0)) + std::log(1 - sig(-2.0)) + std::log(1 - sig(0.5)) +
                          0.5 * std::log(sig(3.0))) / 4;
  ASSERT_EQ(out.terms.size(), 2u);
  EXPECT_EQ(out.terms[0].first, "au");
  EXPECT_NEAR(out.terms[0].second.item<double>(), expect, 1e-6);
  EXPECT_EQ(out.terms[1].first, "identity");
  EXPECT_NEAR(out.terms[1].second.item<double>(), std::log(2.0), 1e-6);
  EXPECT_NEAR(out.total.item<double>(), expect + std::log(2.0), 1e-6);
  EXPECT_EQ(out.metrics.at("lambda").item<double>(), 0.0);
  EXPECT_DOUBLE_EQ(au.num_aus(), 2);
}

TEST(AuObjective, IdentityGradientReachesTheFeatureReversedByLambdaOrNotAtAllAtZero) {
  auto obj = build_au("objective: {type: au}\n", au_context(3, 2, 2));
  auto& au = dynamic_cast<AuObjective&>(*obj);
  const at::Tensor f0 = torch::tensor({{0.2f, -0.4f, 1.0f}, {0.7f, 0.1f, -0.3f}});
  // Gradient of the AU term alone and of the whole loss at λ = 0 and 0.5.
  auto grad = [&](double lambda, bool identity) {
    at::Tensor f = f0.clone().requires_grad_(true);
    const LossOutput out = au.loss(f, au_batch(), lambda);
    (identity ? out.total : out.terms[0].second).backward();
    return f.grad().clone();
  };
  const at::Tensor g_au = grad(0, false);
  EXPECT_TRUE(torch::allclose(grad(0, true), g_au)) << "λ = 0: the identity head sees a detached feature";
  // The identity head's gradient to the feature through a reversal at λ = 1: −dCE/df.
  at::Tensor fi = f0.clone().requires_grad_(true);
  at::Tensor logits;
  for (auto& item : au.named_children())
    if (item.key() == "identity_head") logits = item.value()->as<IdentityAdversaryImpl>()->forward(fi, 1.0);
  torch::nn::functional::cross_entropy(logits, au_batch().identity).backward();
  const at::Tensor g_id_reversed = fi.grad().clone();  // = −1 × dCE/df
  EXPECT_GT(g_id_reversed.abs().max().item<double>(), 1e-4);
  EXPECT_TRUE(torch::allclose(grad(0.5, true), g_au + 0.5 * g_id_reversed, 1e-5, 1e-6));
  // The identity head itself gets its full gradient whatever λ is.
  obj->zero_grad();
  au.loss(f0, au_batch(), 0.0).total.backward();
  auto head_weight = [&] {
    for (auto& item : au.named_parameters())
      if (item.key().rfind("identity_head.", 0) == 0 && item.value().dim() == 2) return item.value();
    return at::Tensor();
  };
  const at::Tensor head_grad = head_weight().grad().clone();
  obj->zero_grad();
  au.loss(f0, au_batch(), 3.0).total.backward();
  EXPECT_TRUE(torch::allclose(head_weight().grad(), head_grad));
}

TEST(AuObjective, DannScheduleRampsFromZeroAndConstantStaysPut) {
  EXPECT_DOUBLE_EQ(adversary_lambda("constant", 0.3, 10, 7, 100), 0.3);
  EXPECT_DOUBLE_EQ(adversary_lambda("dann", 0.3, 10, 0, 100), 0.0);
  // p = 0.25: 2/(1+e^−2.5) − 1 = 0.848...; at the end 2/(1+e^−10) − 1.
  EXPECT_NEAR(adversary_lambda("dann", 1.0, 10, 25, 100), 2 / (1 + std::exp(-2.5)) - 1, 1e-12);
  EXPECT_NEAR(adversary_lambda("dann", 0.5, 10, 100, 100), 0.5 * (2 / (1 + std::exp(-10.0)) - 1), 1e-12);
  EXPECT_NEAR(adversary_lambda("dann", 2.0, 4, 50, 100), 2.0 * std::tanh(1.0), 1e-12);  // 2/(1+e^−x)−1 = tanh(x/2)
  auto obj = build_au("objective: {type: au, iat: {lambda: 0.5, schedule: dann, gamma: 10}}\n", au_context(2, 2, 2));
  EXPECT_NEAR(dynamic_cast<AuObjective&>(*obj).lambda_at(50, 100), 0.5 * std::tanh(2.5), 1e-12);
}

TEST(AuObjective, ConfigErrorsNameTheKey) {
  EXPECT_NE(testing::config_error_message([] { build_au("objective: {type: au, iat: {lambda: -0.1}}\n", au_context(2, 2, 2)); })
                .find("objective.iat.lambda"),
            std::string::npos);
  const std::string pw = testing::config_error_message(
      [] { build_au("objective: {type: au, pos_weight: [1.0, 2.0, 3.0]}\n", au_context(2, 2, 2)); });
  EXPECT_NE(pw.find("objective.pos_weight: 3 values for 2 action units"), std::string::npos) << pw;
  const std::string no_aus = testing::config_error_message([] { build_au("objective: {type: au}\n", au_context(2, -1, 2)); });
  EXPECT_NE(no_aus.find("data.train.source: objective 'au' needs action-unit labels, but synthetic (seed 0)"),
            std::string::npos)
      << no_aus;
  const std::string no_ids = testing::config_error_message(
      [] { build_au("objective: {type: au, iat: {lambda: 0.1}}\n", au_context(2, 2, -1)); });
  EXPECT_NE(no_ids.find("iat.lambda > 0 needs identity labels"), std::string::npos) << no_ids;
  // λ = 0 without identities: AU training alone, no adversary.
  auto plain = build_au("objective: {type: au}\n", au_context(2, 2, -1));
  EXPECT_FALSE(dynamic_cast<AuObjective&>(*plain).has_adversary());
  EXPECT_NE(plain->au_predictor(), nullptr);
}

}  // namespace
}  // namespace facerep::losses
