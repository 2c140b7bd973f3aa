#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/config_tree.h"
#include "core/error.h"
#include "losses/margin_softmax.h"
#include "losses/symmetry.h"
#include "losses/test_backbone.h"
#include "losses/weighted_sum.h"
#include "test_support.h"

namespace facerep::losses {
namespace {

// Returns a fixed loss and one metric; counts after_step calls.
class ConstantObjective : public Objective {
 public:
  explicit ConstantObjective(double v) : v_(v) {}
  LossOutput compute(models::Backbone&, const data::Batch&, StepContext&) override {
    LossOutput o;
    o.total = torch::tensor(v_);
    o.terms.emplace_back("part", o.total);
    o.metrics["value"] = losses::host_metric(v_);
    return o;
  }
  void after_step(models::Backbone&, const StepContext&) override { ++steps; }
  DataNeeds needs() const override {
    DataNeeds n;
    n.views = static_cast<int>(v_);
    return n;
  }
  int steps = 0;

 private:
  double v_;
};

TEST(WeightedSum, AddsWeightedTotalsAndPrefixesTerms) {
  auto a = std::make_shared<ConstantObjective>(2.0);
  auto b = std::make_shared<ConstantObjective>(3.0);
  WeightedSum sum({a, b}, {"first", "second"}, {1.0, 0.1});
  testing::LinearBackbone model(1, 2, 2);
  StepContext ctx;
  const LossOutput out = sum.compute(model, data::Batch{}, ctx);
  EXPECT_NEAR(out.total.item<double>(), 2.0 + 0.3, 1e-6);
  ASSERT_EQ(out.terms.size(), 2u);
  EXPECT_EQ(out.terms[0].first, "first/part");
  EXPECT_EQ(out.terms[1].first, "second/part");
  EXPECT_DOUBLE_EQ(out.metrics.at("second/value").item<double>(), 3.0);
  sum.after_step(model, ctx);
  EXPECT_EQ(a->steps, 1);
  EXPECT_EQ(sum.needs().views, 3);
}

TEST(WeightedSum, BuiltFromConfigMatchesItsPartsAndOwnsTheirParameters) {
  const core::ComponentSpec spec = testing::read_component(
      "objective:\n  type: sum\n  terms: [{type: arcface, scale: 8}, {type: symface}]\n  weights: [1.0, 0.1]\n",
      "objective", "objective", "x.yaml");
  ObjectiveContext ctx;
  ctx.num_classes = 3;
  ctx.embedding_dim = 4;
  torch::manual_seed(0);
  auto obj = objective_registry().build(spec, ctx);
  const auto params = obj->named_parameters();
  ASSERT_TRUE(params.contains("term0.weight"));
  EXPECT_TRUE(obj->needs().identity);

  testing::LinearBackbone model(1, 4, 4);
  data::Batch b;
  b.images = torch::randn({3, 1, 4, 4});
  b.identity = torch::tensor({0, 1, 2}, torch::kLong);
  StepContext sc;
  const LossOutput out = obj->compute(model, b, sc);
  // The same parts computed on their own.
  ArcFaceOptions ao;
  ao.scale = 8;
  MarginSoftmax arc(ao, ctx, "arcface");
  arc.weight().data().copy_(params["term0.weight"]);
  const double expected = arc.compute(model, b, sc).total.item<double>() +
                          0.1 * SymmetryObjective(SymmetryOptions{}).compute(model, b, sc).total.item<double>();
  EXPECT_NEAR(out.total.item<double>(), expected, 1e-5);
  EXPECT_EQ(out.terms[0].first, "arcface/arcface");
  EXPECT_EQ(out.terms[1].first, "symface/symmetry");
  EXPECT_TRUE(out.metrics.count("arcface/accuracy"));
}

TEST(WeightedSum, WeightCountMismatchIsAConfigError) {
  try {
    testing::read_component("objective:\n  type: sum\n  terms: [{type: arcface}, {type: symface}]\n  weights: [1.0]\n",
                            "objective", "objective", "x.yaml");
    FAIL() << "expected ConfigError";
  } catch (const core::ConfigError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("x.yaml"), std::string::npos) << msg;
    EXPECT_NE(msg.find("objective.weights"), std::string::npos) << msg;
    EXPECT_NE(msg.find("1 entries but there are 2 terms"), std::string::npos) << msg;
  }
}

}  // namespace
}  // namespace facerep::losses
