#include <gtest/gtest.h>

#include <torch/torch.h>

#include "core/error.h"
#include "trainers/adamw.h"
#include "trainers/optimizer.h"
#include "trainers/sgd.h"
#include "trainer_fakes.h"

namespace facerep::trainers {
namespace {

// One parameter group holding clones of `init`, with the given weight decay.
std::vector<ParamGroup> group_of(const std::vector<at::Tensor>& params, double wd) {
  ParamGroup g;
  g.name = "g";
  g.weight_decay = wd;
  for (size_t i = 0; i < params.size(); ++i) {
    g.params.push_back(params[i]);
    g.param_names.push_back("p" + std::to_string(i));
  }
  return {g};
}

// Deterministic gradients for step k.
void set_grads(const std::vector<at::Tensor>& params, int k) {
  for (size_t i = 0; i < params.size(); ++i)
    params[i].mutable_grad() = at::sin(at::arange(params[i].numel(), at::kFloat).reshape(params[i].sizes()) *
                                       (0.3 + k) + static_cast<double>(i));
}

TEST(Sgd, OneStepMatchesHandComputation) {
  at::Tensor p = at::tensor({1.0f, -2.0f}).requires_grad_();
  Sgd opt(group_of({p}, 0.1), 0.5, 0.9, false);
  p.mutable_grad() = at::tensor({0.5f, 1.0f});
  opt.step();
  // d = g + wd·p = [0.6, 0.8]; buf = d; p -= 0.5·d
  EXPECT_NEAR(p[0].item<float>(), 1.0 - 0.5 * 0.6, 1e-6);
  EXPECT_NEAR(p[1].item<float>(), -2.0 - 0.5 * 0.8, 1e-6);
  // Second step: d = [0.5 + 0.1·0.7, 1 + 0.1·(-2.4)] = [0.57, 0.76]; buf = 0.9·[0.6,0.8] + d
  p.mutable_grad() = at::tensor({0.5f, 1.0f});
  opt.step();
  EXPECT_NEAR(p[0].item<float>(), 0.7 - 0.5 * (0.54 + 0.57), 1e-6);
  EXPECT_NEAR(p[1].item<float>(), -2.4 - 0.5 * (0.72 + 0.76), 1e-6);
}

void expect_matches_torch(bool nesterov) {
  at::Tensor a = at::randn({3, 4}).requires_grad_(), b = at::randn({5}).requires_grad_();
  at::Tensor ta = a.detach().clone().requires_grad_(), tb = b.detach().clone().requires_grad_();
  Sgd ours(group_of({a, b}, 5e-4), 0.1, 0.9, nesterov);
  torch::optim::SGD ref({ta, tb}, torch::optim::SGDOptions(0.1).momentum(0.9).nesterov(nesterov).weight_decay(5e-4));
  for (int k = 0; k < 4; ++k) {
    set_grads({a, b}, k);
    set_grads({ta, tb}, k);
    ours.step();
    ref.step();
  }
  EXPECT_TRUE(at::allclose(a, ta, 1e-6, 1e-7));
  EXPECT_TRUE(at::allclose(b, tb, 1e-6, 1e-7));
}

TEST(Sgd, MatchesTorchOptimSgd) { expect_matches_torch(false); }
TEST(Sgd, NesterovMatchesTorchOptimSgd) { expect_matches_torch(true); }

TEST(AdamW, MatchesTorchOptimAdamW) {
  at::Tensor a = at::randn({3, 4}).requires_grad_(), b = at::randn({5}).requires_grad_();
  at::Tensor ta = a.detach().clone().requires_grad_(), tb = b.detach().clone().requires_grad_();
  AdamW ours(group_of({a, b}, 0.05), 1e-2, 0.9, 0.95, 1e-8);
  torch::optim::AdamW ref({ta, tb}, torch::optim::AdamWOptions(1e-2).betas({0.9, 0.95}).weight_decay(0.05).eps(1e-8));
  for (int k = 0; k < 5; ++k) {
    set_grads({a, b}, k);
    set_grads({ta, tb}, k);
    ours.step();
    ref.step();
  }
  EXPECT_TRUE(at::allclose(a, ta, 1e-5, 1e-6)) << (a - ta).abs().max();
  EXPECT_TRUE(at::allclose(b, tb, 1e-5, 1e-6));
}

TEST(AdamW, FirstStepIsSignedLr) {
  // With bias correction the first update is lr·g/(|g| + eps') ≈ lr·sign(g) (no weight decay).
  at::Tensor p = at::zeros({3}).requires_grad_();
  AdamW opt(group_of({p}, 0.0), 0.01, 0.9, 0.999, 1e-8);
  p.mutable_grad() = at::tensor({2.0f, -0.5f, 1e-3f});
  opt.step();
  EXPECT_NEAR(p[0].item<float>(), -0.01, 1e-6);
  EXPECT_NEAR(p[1].item<float>(), 0.01, 1e-6);
  EXPECT_NEAR(p[2].item<float>(), -0.01, 1e-6);
}

TEST(Optimizer, StateRoundTripContinuesIdentically) {
  for (const char* type : {"sgd", "adamw"}) {
    at::Tensor a = at::randn({4, 2}).requires_grad_();
    at::Tensor a2 = a.detach().clone().requires_grad_();
    std::shared_ptr<Optimizer> o1, o2;
    if (std::string(type) == "sgd") {
      o1 = std::make_shared<Sgd>(group_of({a}, 1e-3), 0.1, 0.9, true);
      o2 = std::make_shared<Sgd>(group_of({a2}, 1e-3), 0.1, 0.9, true);
    } else {
      o1 = std::make_shared<AdamW>(group_of({a}, 1e-3), 0.1, 0.9, 0.99, 1e-8);
      o2 = std::make_shared<AdamW>(group_of({a2}, 1e-3), 0.1, 0.9, 0.99, 1e-8);
    }
    for (int k = 0; k < 3; ++k) {
      set_grads({a}, k);
      o1->step();
    }
    {
      torch::NoGradGuard g;
      a2.copy_(a);
    }
    const NamedTensors state = o1->state();
    ASSERT_FALSE(state.empty()) << type;
    o2->load_state(state);
    for (int k = 3; k < 6; ++k) {
      set_grads({a}, k);
      set_grads({a2}, k);
      o1->step();
      o2->step();
    }
    EXPECT_TRUE(at::equal(a, a2)) << type;
  }
}

TEST(Optimizer, LoadStateRejectsOtherShapesAndNames) {
  at::Tensor a = at::randn({4}).requires_grad_();
  Sgd opt(group_of({a}, 0.0), 0.1, 0.9, false);
  try {
    opt.load_state({{"p0/momentum", at::zeros({5})}});
    FAIL();
  } catch (const core::RuntimeError& e) {
    EXPECT_NE(std::string(e.what()).find("p0/momentum"), std::string::npos) << e.what();
  }
  try {
    opt.load_state({{"other/momentum", at::zeros({4})}});
    FAIL();
  } catch (const core::RuntimeError& e) {
    EXPECT_NE(std::string(e.what()).find("other/momentum"), std::string::npos) << e.what();
  }
}

TEST(ParamGroups, NoDecayForBiasesNormsAndNamedParams) {
  testing::register_fakes();
  auto model = models::model_registry().build_default("test_linear");
  auto objective = std::make_shared<torch::nn::Module>();
  objective->register_parameter("scale", at::ones({1}));
  objective->register_parameter("weight", at::ones({3, 2}));
  OptimizerInputs in{model, objective, 256};
  const auto groups = build_param_groups(in, 5e-4, 1.0);
  ASSERT_EQ(groups.size(), 2u);
  std::map<std::string, double> wd;
  for (const auto& g : groups)
    for (const auto& n : g.param_names) wd[n] = g.weight_decay;
  EXPECT_EQ(wd.at("model.fc1.weight"), 5e-4);
  EXPECT_EQ(wd.at("model.fc1.bias"), 0.0);
  EXPECT_EQ(wd.at("model.fc2.bias"), 0.0);
  EXPECT_EQ(wd.at("objective.weight"), 5e-4);  // classifier weights decay and are optimised
  EXPECT_EQ(wd.at("objective.scale"), 0.0);    // 1-D
  EXPECT_EQ(wd.size(), 6u);
}

TEST(ParamGroups, LayerDecayScalesByDepth) {
  testing::register_fakes();
  auto model = models::model_registry().build_default("test_linear");  // 2 layers: fc1 = 1, fc2 = 2
  OptimizerInputs in{model, nullptr, 256};
  const auto groups = build_param_groups(in, 0.05, 0.5);
  std::map<std::string, double> scale;
  for (const auto& g : groups)
    for (const auto& n : g.param_names) scale[n] = g.lr_scale;
  // scale = 0.5^(num_layers + 1 − layer_id)
  EXPECT_DOUBLE_EQ(scale.at("model.fc1.weight"), 0.25);
  EXPECT_DOUBLE_EQ(scale.at("model.fc1.bias"), 0.25);
  EXPECT_DOUBLE_EQ(scale.at("model.fc2.weight"), 0.5);
  EXPECT_EQ(groups.size(), 4u);  // {decay, no decay} × {layer 1, layer 2}
}

TEST(Optimizer, RegistryBuildsWithLinearLrScaling) {
  testing::register_fakes();
  auto model = models::model_registry().build_default("test_linear");
  core::ConfigTree t = core::ConfigTree::load_string(std::string(testing::kFakeComponents) + "optim: {type: adamw, lr: 1.0e-3, lr_scale: linear, betas: [0.9, 0.95]}\n", "o.yaml");
  ExperimentConfig c = load_experiment_tree(t);
  auto opt = optimizer_registry().build(c.optim, OptimizerInputs{model, nullptr, 1024});
  EXPECT_STREQ(opt->type(), "adamw");
  EXPECT_DOUBLE_EQ(opt->base_lr(), 1e-3 * 1024 / 256);
  opt->set_lr(0.5);
  EXPECT_DOUBLE_EQ(opt->group_lr(0), 0.5);
}

TEST(Optimizer, BadBetasIsConfigError) {
  testing::register_fakes();
  core::ConfigTree t = core::ConfigTree::load_string(std::string(testing::kFakeComponents) + "optim: {type: adamw, betas: [0.9]}\n", "o.yaml");
  try {
    load_experiment_tree(t);
    FAIL();
  } catch (const core::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("optim.betas"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace facerep::trainers
