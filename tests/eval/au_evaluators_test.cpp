#include <filesystem>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/error.h"
#include "data/inference.h"
#include "data/sources/synthetic.h"
#include "eval/au/identity_leakage.h"
#include "eval/evaluator.h"
#include "eval/register.h"
#include "losses/au/au_predictor.h"
#include "losses/objective.h"
#include "losses/test_backbone.h"
#include "test_support.h"

namespace facerep::eval {
namespace {

// An AU head that ignores the image: fixed logits per unit, the same for every sample.
class ConstantAuObjective : public losses::Objective, public losses::AuPredictor {
 public:
  explicit ConstantAuObjective(std::vector<float> logits) : logits_(std::move(logits)) {}
  losses::LossOutput compute(models::Backbone&, const data::Batch&, losses::StepContext&) override { return {}; }
  losses::AuPredictor* au_predictor() override { return this; }
  at::Tensor au_logits(models::Backbone&, const at::Tensor& images) override {
    return torch::tensor(logits_).unsqueeze(0).expand({images.size(0), num_aus()});
  }
  int64_t num_aus() const override { return static_cast<int64_t>(logits_.size()); }

 private:
  std::vector<float> logits_;
};

std::shared_ptr<Evaluator> build_au_eval(const std::string& yaml) {
  register_components();
  return evaluator_registry().build(testing::read_component(yaml, "eval", "evaluator", "eval.yaml"));
}

EvalContext au_eval_context(losses::Objective* objective, const std::string& out_dir = "") {
  EvalContext ctx;
  ctx.out_dir = out_dir;
  ctx.preprocessing = data::inference_preprocessing({}, 16);
  ctx.objective = objective;
  return ctx;
}

// Positives per unit and sample count of a synthetic source, read from the source itself.
std::pair<std::vector<double>, double> au_positives(int identities, int per_identity, int seed) {
  data::SyntheticSourceOptions o;
  o.identities = identities, o.per_identity = per_identity, o.size = 16, o.seed = seed;
  data::SyntheticSource src(o, {});
  std::vector<double> pos(5, 0.0);
  for (int64_t i = 0; i < src.size(); ++i) {
    const auto aus = src.get(i).aus;
    for (size_t u = 0; u < aus.size(); ++u) pos[u] += aus[u];
  }
  return {pos, static_cast<double>(src.size())};
}

TEST(AusEvaluator, F1PerUnitMatchesHandCountsAndTunedThresholdsComeFromThresholdData) {
  testing::TempDir dir;
  auto ev = build_au_eval(
      "eval: {type: aus, data: {source: {type: synthetic, identities: 4, per_identity: 5, size: 16, seed: 7}},\n"
      "       threshold_data: {source: {type: synthetic, identities: 3, per_identity: 5, size: 16, seed: 9}}}\n");
  // Unit 0 always predicted on, the others always off.
  ConstantAuObjective objective({10.f, -10.f, -10.f, -10.f, -10.f});
  testing::LinearBackbone model(3, 16, 4);
  const EvalResult r = ev->evaluate(model, au_eval_context(&objective, dir.str()));
  const auto [pos, n] = au_positives(4, 5, 7);
  ASSERT_GT(pos[0], 0);
  // All predicted positive: F1 = 2TP / (2TP + FP) = 2P / (P + N); never predicted: F1 = 0.
  EXPECT_NEAR(r.metrics.at("f1_0"), 2 * pos[0] / (pos[0] + n), 1e-12);
  for (int u = 1; u < 5; ++u) EXPECT_EQ(r.metrics.at("f1_" + std::to_string(u)), 0.0);
  EXPECT_NEAR(r.metrics.at("f1"), 2 * pos[0] / (pos[0] + n) / 5, 1e-12);
  // Tuned on constant scores, every unit with a positive in the threshold data gets the threshold
  // equal to its score (predict all positive there, F1 > 0 beats 0), applied to this data.
  const auto [tpos, tn] = au_positives(3, 5, 9);
  double tuned = 0;
  for (int u = 0; u < 5; ++u)
    if (tpos[u] > 0) tuned += 2 * pos[u] / (pos[u] + n);
  EXPECT_NEAR(r.metrics.at("f1_tuned"), tuned / 5, 1e-12);
  EXPECT_GT(r.metrics.at("f1_tuned"), r.metrics.at("f1"));
  EXPECT_EQ(r.primary, "f1");
  EXPECT_TRUE(std::filesystem::exists(dir.file("results.md")));
}

TEST(AusEvaluator, NeedsAnAuHeadAndAuLabels) {
  auto ev = build_au_eval("eval: {type: aus, data: {source: {type: synthetic, identities: 2, per_identity: 2, size: 16}}}\n");
  testing::LinearBackbone model(3, 16, 4);
  EXPECT_NE(testing::config_error_message([&] { ev->evaluate(model, au_eval_context(nullptr)); }).find("objective 'au'"),
            std::string::npos);
  ConstantAuObjective three({1.f, 1.f, 1.f});
  const std::string units = testing::config_error_message([&] { ev->evaluate(model, au_eval_context(&three)); });
  EXPECT_NE(units.find("eval aus: data.source: synthetic"), std::string::npos) << units;
  EXPECT_NE(units.find("5 action units per sample, the model's AU head 3"), std::string::npos) << units;
}

TEST(IdentityLeakage, HighWhenFeaturesCarryIdentityChanceWhenNot) {
  // 6 subjects x 8 images. Carrying: a subject-specific direction plus small noise. Not: noise alone.
  torch::manual_seed(3);
  std::vector<int64_t> ids;
  for (int s = 0; s < 6; ++s)
    for (int k = 0; k < 8; ++k) ids.push_back(s);
  const at::Tensor centres = torch::randn({6, 10}) * 3;
  const at::Tensor noise = torch::randn({48, 10});
  const at::Tensor carrying = centres.index_select(0, torch::tensor(ids)) + 0.3 * noise;
  const LeakageScore hi = identity_leakage(carrying, ids, 0.5, 1, "test");
  EXPECT_EQ(hi.subjects, 6);
  EXPECT_EQ(hi.fit_rows, 24);
  EXPECT_EQ(hi.probe_rows, 24);
  EXPECT_DOUBLE_EQ(hi.chance, 1.0 / 6);
  EXPECT_GT(hi.accuracy, 0.95);
  const LeakageScore lo = identity_leakage(noise, ids, 0.5, 1, "test");
  EXPECT_LT(lo.accuracy, 0.45);
  // The split is seeded: the same seed gives the same score.
  EXPECT_EQ(identity_leakage(noise, ids, 0.5, 1, "test").accuracy, lo.accuracy);
}

TEST(IdentityLeakage, SubjectsNeedTwoImagesAndIdentities) {
  const at::Tensor f = torch::randn({5, 3});
  EXPECT_NE(testing::config_error_message([&] { identity_leakage(f, {0, 0, 1, 1, 2}, 0.5, 0, "eval x: data.source"); })
                .find("eval x: data.source: subject 2 has 1 image"),
            std::string::npos);
  EXPECT_NE(testing::config_error_message([&] { identity_leakage(f, {0, 0, 1, 1, -1}, 0.5, 0, "w"); })
                .find("needs identity labels"),
            std::string::npos);
  // Through the evaluator on real synthetic faces: a random linear map of raw pixels leaks
  // identity far above chance (pixels are identity-rich).
  auto ev = build_au_eval(
      "eval: {type: identity_leakage, data: {source: {type: synthetic, identities: 4, per_identity: 6, size: 16}}}\n");
  torch::manual_seed(0);
  testing::LinearBackbone model(3, 16, 32);
  const EvalResult r = ev->evaluate(model, au_eval_context(nullptr));
  EXPECT_EQ(r.metrics.at("subjects"), 4);
  EXPECT_EQ(r.metrics.at("images"), 24);
  EXPECT_DOUBLE_EQ(r.metrics.at("chance"), 0.25);
  EXPECT_GT(r.metrics.at("accuracy"), 0.6);
  EXPECT_EQ(r.primary, "accuracy");
}

}  // namespace
}  // namespace facerep::eval
