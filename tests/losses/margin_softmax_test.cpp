#include <cmath>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/config_tree.h"
#include "core/error.h"
#include "losses/margin_softmax.h"
#include "losses/test_backbone.h"
#include "test_support.h"

namespace facerep::losses {
namespace {

data::Batch batch_with_labels(std::vector<int64_t> labels) {
  data::Batch b;
  b.images = torch::zeros({static_cast<int64_t>(labels.size()), 1, 2, 2});
  b.identity = torch::tensor(labels, torch::kLong);
  for (size_t i = 0; i < labels.size(); ++i) b.paths.push_back("img" + std::to_string(i) + ".jpg");
  return b;
}

double target(double c, const MarginOptions& o) {
  return margin_target_logit(torch::tensor({c}, torch::kDouble), o).item<double>();
}

TEST(MarginSoftmax, PresetFormulasMatchHandValues) {
  const double t = std::acos(0.6);
  EXPECT_NEAR(target(0.6, ArcFaceOptions{}), std::cos(t + 0.5), 1e-9);
  EXPECT_NEAR(target(0.6, CosFaceOptions{}), 0.6 - 0.35, 1e-9);
  EXPECT_NEAR(target(0.6, SphereFaceOptions{}), std::cos(1.35 * t), 1e-9);
  MarginOptions combined;
  combined.m1 = 1.2, combined.m2 = 0.3, combined.m3 = 0.1;
  EXPECT_NEAR(target(0.6, combined), std::cos(1.2 * t + 0.3) - 0.1, 1e-9);
  // Defaults as documented.
  EXPECT_DOUBLE_EQ(ArcFaceOptions{}.scale, 64.0);
  EXPECT_DOUBLE_EQ(CosFaceOptions{}.m2, 0.0);
}

TEST(MarginSoftmax, LogitsScaleAndMarginOnlyTheTarget) {
  const at::Tensor cos = torch::tensor({{0.6, 0.2, -0.1}, {0.3, 0.8, 0.0}}, torch::kDouble);
  const at::Tensor labels = torch::tensor({0, 2}, torch::kLong);
  const at::Tensor logits = margin_logits(cos, labels, ArcFaceOptions{});
  EXPECT_NEAR(logits[0][0].item<double>(), 64 * std::cos(std::acos(0.6) + 0.5), 1e-9);
  EXPECT_NEAR(logits[0][1].item<double>(), 64 * 0.2, 1e-9);
  EXPECT_NEAR(logits[1][1].item<double>(), 64 * 0.8, 1e-9);
  EXPECT_NEAR(logits[1][2].item<double>(), 64 * std::cos(M_PI / 2 + 0.5), 1e-9);
}

TEST(MarginSoftmax, FallbackBeyondPiIsContinuousAndMonotone) {
  const ArcFaceOptions o;
  // θ = acos(−0.95) ≈ 161.8° > 180° − 28.6°: shifted cosine cosθ − (1 + cos(π − 0.5)).
  EXPECT_NEAR(target(-0.95, o), -0.95 - (1 - std::cos(0.5)), 1e-9);
  const double c_t = std::cos(M_PI - 0.5);  // threshold cosine
  EXPECT_NEAR(target(c_t + 1e-7, o), target(c_t - 1e-7, o), 1e-5);
  EXPECT_NEAR(target(c_t, o), -1.0, 1e-5);
  const at::Tensor grid = torch::linspace(-1, 1, 2001, torch::kDouble);
  const at::Tensor v = margin_target_logit(grid, o);
  EXPECT_TRUE((v.slice(0, 1) - v.slice(0, 0, -1)).ge(-1e-12).all().item<bool>());
  SphereFaceOptions s;
  const at::Tensor vs = margin_target_logit(grid, s);
  EXPECT_TRUE((vs.slice(0, 1) - vs.slice(0, 0, -1)).ge(-1e-12).all().item<bool>());
  // Never easier than no margin.
  EXPECT_TRUE((v <= grid + 1e-12).all().item<bool>());
}

TEST(MarginSoftmax, EasyMarginLeavesNegativeCosinesAlone) {
  ArcFaceOptions o;
  o.easy_margin = true;
  EXPECT_NEAR(target(-0.2, o), -0.2, 1e-12);
  EXPECT_NEAR(target(0.6, o), std::cos(std::acos(0.6) + 0.5), 1e-9);
}

TEST(MarginSoftmax, LossIsCrossEntropyOfMarginLogits) {
  torch::manual_seed(0);
  ObjectiveContext ctx;
  ctx.num_classes = 3;
  ctx.embedding_dim = 2;
  ArcFaceOptions o;
  o.scale = 2.0;
  MarginSoftmax obj(o, ctx, "arcface");
  obj.weight().data().copy_(torch::tensor({{1.0f, 0.0f}, {0.0f, 1.0f}, {-1.0f, 0.0f}}));
  // Embedding at 60° from class 0: cos = (0.5, 0.866, −0.5).
  const at::Tensor emb = torch::tensor({{0.5f, std::sqrt(3.0f) / 2}});
  const LossOutput out = obj.loss(emb, batch_with_labels({0}));
  const double z0 = 2 * std::cos(M_PI / 3 + 0.5), z1 = 2 * std::sqrt(3.0) / 2, z2 = 2 * -0.5;
  const double expected = -z0 + std::log(std::exp(z0) + std::exp(z1) + std::exp(z2));
  EXPECT_NEAR(out.total.item<double>(), expected, 1e-5);
  EXPECT_DOUBLE_EQ(out.metrics.at("accuracy").item<double>(), 0.0);  // class 1 is nearer
  ASSERT_EQ(out.terms.size(), 1u);
  EXPECT_EQ(out.terms[0].first, "arcface");
}

TEST(MarginSoftmax, GradientsMatchFiniteDifferences) {
  torch::manual_seed(1);
  ObjectiveContext ctx;
  ctx.num_classes = 4;
  ctx.embedding_dim = 3;
  MarginOptions o;
  o.scale = 4.0, o.m1 = 1.2, o.m2 = 0.3, o.m3 = 0.1;
  MarginSoftmax obj(o, ctx, "margin");
  obj.to(torch::kDouble);
  const data::Batch b = batch_with_labels({0, 3, 1, 3, 2});
  const at::Tensor emb = torch::randn({5, 3}, torch::kDouble);
  EXPECT_LT(testing::max_grad_error([&](const at::Tensor& x) { return obj.loss(x, b).total; }, emb), 1e-6);
  const at::Tensor w0 = obj.weight().detach().clone();
  // Gradient with respect to the class weights (the parameter the objective owns).
  const double err = testing::max_grad_error(
      [&](const at::Tensor& w) {
        const at::Tensor cos = torch::nn::functional::linear(
            torch::nn::functional::normalize(emb, torch::nn::functional::NormalizeFuncOptions().dim(1)),
            torch::nn::functional::normalize(w, torch::nn::functional::NormalizeFuncOptions().dim(1)));
        return torch::nn::functional::cross_entropy(margin_logits(cos, b.identity, o), b.identity);
      },
      w0);
  EXPECT_LT(err, 1e-6);
}

TEST(MarginSoftmax, BadLabelsAndShapesNameTheSamples) {
  ObjectiveContext ctx;
  ctx.num_classes = 3;
  ctx.embedding_dim = 2;
  MarginSoftmax obj(ArcFaceOptions{}, ctx, "arcface");
  try {
    obj.loss(torch::randn({2, 2}), batch_with_labels({1, 7}));
    FAIL() << "expected RuntimeError";
  } catch (const core::RuntimeError& e) {
    EXPECT_NE(std::string(e.what()).find("img1.jpg"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("7 outside [0, 3)"), std::string::npos) << e.what();
  }
  try {
    obj.loss(torch::randn({2, 5}), batch_with_labels({1, 0}));
    FAIL() << "expected RuntimeError";
  } catch (const core::RuntimeError& e) {
    EXPECT_NE(std::string(e.what()).find("[2, 5]"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("img0.jpg"), std::string::npos) << e.what();
  }
  ObjectiveContext no_ids = ctx;
  no_ids.num_classes = -1;
  EXPECT_THROW(MarginSoftmax(ArcFaceOptions{}, no_ids, "arcface"), core::ConfigError);
}

TEST(MarginSoftmax, RegistryAppliesPresetDefaultsAndOverrides) {
  const core::ComponentSpec spec =
      testing::read_component("objective: {type: cosface, scale: 30}\n", "objective", "objective", "x.yaml");
  const auto& o = std::any_cast<const CosFaceOptions&>(spec.options);
  EXPECT_DOUBLE_EQ(o.scale, 30.0);
  EXPECT_DOUBLE_EQ(o.m3, 0.35);
  ObjectiveContext ctx;
  ctx.num_classes = 5;
  ctx.embedding_dim = 8;
  auto obj = objective_registry().build(spec, ctx);
  EXPECT_TRUE(obj->needs().identity);
  EXPECT_EQ(obj->named_parameters()["weight"].sizes(), (std::vector<int64_t>{5, 8}));
}

// Four Gaussian clusters in 16-d "pixel" space, a linear backbone and ArcFace: training accuracy
// on fresh samples must rise well above chance (25%).
TEST(MarginSoftmax, ArcFaceLearnsSeparableClusters) {
  torch::manual_seed(3);
  const int64_t classes = 4, per_batch = 32;
  const at::Tensor centres = torch::randn({classes, 16}) * 2.0;
  auto sample = [&](int64_t n, at::Tensor* labels) {
    *labels = torch::randint(0, classes, {n}, torch::kLong);
    return (centres.index_select(0, *labels) + torch::randn({n, 16}) * 0.5).view({n, 1, 4, 4});
  };
  auto model = std::make_shared<testing::LinearBackbone>(1, 4, 8);
  ObjectiveContext ctx;
  ctx.num_classes = classes;
  ctx.embedding_dim = 8;
  ArcFaceOptions o;
  o.scale = 16.0;
  MarginSoftmax obj(o, ctx, "arcface");
  std::vector<at::Tensor> params = model->parameters();
  for (const auto& p : obj.parameters()) params.push_back(p);
  torch::optim::SGD sgd(params, torch::optim::SGDOptions(0.1).momentum(0.9));
  StepContext sc;
  double first_loss = 0, last_loss = 0;
  for (int step = 0; step < 300; ++step) {
    data::Batch b;
    at::Tensor labels;
    b.images = sample(per_batch, &labels);
    b.identity = labels;
    const LossOutput out = obj.compute(*model, b, sc);
    if (step == 0) first_loss = out.total.item<double>();
    last_loss = out.total.item<double>();
    sgd.zero_grad();
    out.total.backward();
    sgd.step();
  }
  data::Batch test;
  at::Tensor labels;
  test.images = sample(400, &labels);
  test.identity = labels;
  torch::NoGradGuard g;
  const double acc = obj.loss(model->forward(test.images), test).metrics.at("accuracy").item<double>();
  RecordProperty("held_out_accuracy", std::to_string(acc));
  RecordProperty("loss_first_last", std::to_string(first_loss) + " " + std::to_string(last_loss));
  EXPECT_GT(acc, 0.9);
  EXPECT_LT(last_loss, first_loss * 0.5);
}

}  // namespace
}  // namespace facerep::losses
