#include <gtest/gtest.h>

#include <torch/torch.h>

#include "core/error.h"
#include "runtime/python_torch.h"
#include "runtime/state_dict_io.h"
#include "trainers/adamw.h"
#include "trainers/optimizer.h"
#include "trainers/sgd.h"
#include "trainer_fakes.h"

namespace facerep::trainers {
namespace {

using facerep::testing::TempDir;
using facerep::testing::run_python;

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

TEST(Sgd, NesterovMatchesHandComputation) {
  at::Tensor p = at::tensor({1.0f}).requires_grad_();
  Sgd opt(group_of({p}, 0.0), 0.1, 0.9, true);
  // buf = g = 1; p -= 0.1·(g + 0.9·buf) = 0.19
  p.mutable_grad() = at::tensor({1.0f});
  opt.step();
  EXPECT_NEAR(p.item<float>(), 0.81, 1e-6);
  // buf = 0.9·1 + 1 = 1.9; p -= 0.1·(1 + 0.9·1.9) = 0.271
  p.mutable_grad() = at::tensor({1.0f});
  opt.step();
  EXPECT_NEAR(p.item<float>(), 0.539, 1e-6);
}

TEST(AdamW, DecoupledWeightDecayMatchesHandComputation) {
  at::Tensor p = at::tensor({1.0}, at::kDouble).requires_grad_();
  AdamW opt(group_of({p}, 0.1), 0.1, 0.9, 0.999, 1e-8);
  // Step 1: p = 1·(1 − 0.1·0.1) = 0.99 first (decay is decoupled from the moments); m = 0.05,
  // v = 0.00025; update = 0.1/(1 − 0.9) · m / (sqrt(v)/sqrt(1 − 0.999) + eps) = 0.05/(0.5 + 1e-8).
  // (An L2 penalty folded into g would give exactly 0.9.)
  p.mutable_grad() = at::tensor({0.5}, at::kDouble);
  opt.step();
  const double p1 = 0.99 - 0.05 / (0.5 + 1e-8);
  EXPECT_NEAR(p.item<double>(), p1, 1e-12);
  // Step 2 with g = −0.25: m = 0.045 − 0.025 = 0.02, v = 0.999·0.00025 + 0.001·0.0625 = 0.00031225.
  p.mutable_grad() = at::tensor({-0.25}, at::kDouble);
  opt.step();
  const double denom = std::sqrt(0.00031225) / std::sqrt(1 - 0.999 * 0.999) + 1e-8;
  EXPECT_NEAR(p.item<double>(), p1 * 0.99 - 0.1 / (1 - 0.81) * 0.02 / denom, 1e-12);
}

// Two groups (weight decay 0.05 at lr scale 1; none at lr scale 0.5), the lr changed every step
// as a schedule does: each run of ours must equal Python's torch.optim on the same numbers.
const char* kPythonOptimizers = R"PY(
import sys, torch
d = torch.load(sys.argv[1])
steps, n = int(d['steps'].item()), 3
for kind in ('sgd', 'nesterov', 'adamw'):
    params = [d['init.%d' % i].clone().requires_grad_() for i in range(n)]
    groups = [{'params': params[:2], 'weight_decay': 0.05}, {'params': params[2:], 'weight_decay': 0.0}]
    if kind == 'adamw':
        opt = torch.optim.AdamW(groups, lr=1.0, betas=(0.9, 0.95), eps=1e-8, foreach=False)
    else:
        opt = torch.optim.SGD(groups, lr=1.0, momentum=0.9, nesterov=kind == 'nesterov', foreach=False)
    for k in range(steps):
        for g, scale in zip(opt.param_groups, (1.0, 0.5)):
            g['lr'] = d['lr.%d' % k].item() * scale
        for i, p in enumerate(params):
            p.grad = d['grad.%d.%d' % (k, i)].clone()
        opt.step()
    out = {}
    for i, p in enumerate(params):
        out['p%d' % i] = p.detach()
        for slot, t in opt.state[p].items():
            out['p%d/%s' % (i, slot)] = torch.as_tensor(t).detach()
    torch.save(out, sys.argv[2] + '/' + kind + '.pt')
)PY";

TEST(Optimizer, MatchesPythonTorchOptimWithGroupsAndPerStepLr) {
  FACEREP_SKIP_WITHOUT_PYTHON_TORCH();
  TempDir dir;
  const int steps = 5;
  const std::vector<at::Tensor> init = {at::randn({3, 4}), at::randn({5}), at::randn({2, 2})};
  runtime::StateDict inputs = {{"steps", at::tensor(int64_t{steps})}};
  for (size_t i = 0; i < init.size(); ++i) inputs.emplace_back("init." + std::to_string(i), init[i]);
  for (int k = 0; k < steps; ++k) {
    inputs.emplace_back("lr." + std::to_string(k), at::tensor(0.1 / (k + 1), at::kDouble));
    for (size_t i = 0; i < init.size(); ++i)
      inputs.emplace_back("grad." + std::to_string(k) + "." + std::to_string(i), at::randn(init[i].sizes()));
  }
  runtime::save_state_dict(inputs, dir.file("inputs.pt"));
  std::string out;
  ASSERT_EQ(run_python(dir, kPythonOptimizers, dir.file("inputs.pt") + " " + dir.str(), &out), 0) << out;

  for (const std::string kind : {"sgd", "nesterov", "adamw"}) {
    std::vector<at::Tensor> p;
    for (const auto& t : init) p.push_back(t.clone().requires_grad_());
    std::vector<ParamGroup> groups = group_of({p[0], p[1]}, 0.05);
    ParamGroup second = group_of({p[2]}, 0.0)[0];
    second.param_names = {"p2"};
    second.lr_scale = 0.5;
    groups.push_back(second);
    std::shared_ptr<Optimizer> opt;
    if (kind == "adamw") opt = std::make_shared<AdamW>(groups, 1.0, 0.9, 0.95, 1e-8);
    else opt = std::make_shared<Sgd>(groups, 1.0, 0.9, kind == "nesterov");
    for (int k = 0; k < steps; ++k) {
      opt->set_lr(0.1 / (k + 1));
      for (size_t i = 0; i < p.size(); ++i)
        p[i].mutable_grad() = runtime::find_tensor(inputs, "grad." + std::to_string(k) + "." + std::to_string(i)).clone();
      opt->step();
    }
    const runtime::StateDict ref = runtime::load_state_dict(dir.file(kind + ".pt"));
    for (size_t i = 0; i < p.size(); ++i) {
      const at::Tensor expected = runtime::find_tensor(ref, "p" + std::to_string(i));
      EXPECT_TRUE(at::equal(p[i], expected)) << kind << " p" << i << ": max diff " << (p[i] - expected).abs().max();
    }
    // Optimizer state too, slot by slot (Python's names for ours).
    const std::map<std::string, std::string> python_slot = {
        {"momentum", "momentum_buffer"}, {"step", "step"}, {"exp_avg", "exp_avg"}, {"exp_avg_sq", "exp_avg_sq"}};
    const NamedTensors state = opt->state();
    EXPECT_EQ(state.size(), kind == "adamw" ? 9u : 3u) << kind;
    for (const auto& [name, t] : state) {
      const size_t slash = name.find('/');
      const at::Tensor expected =
          runtime::find_tensor(ref, name.substr(0, slash + 1) + python_slot.at(name.substr(slash + 1)));
      ASSERT_TRUE(expected.defined()) << kind << " " << name;
      EXPECT_TRUE(at::equal(t.to(at::kDouble), expected.to(at::kDouble))) << kind << " " << name;
    }
  }
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
    // The checkpoint format: "<param name>/<slot>", AdamW's step a 0-d int64 tensor.
    EXPECT_EQ(state[0].first, std::string(type) == "sgd" ? "p0/momentum" : "p0/step") << type;
    if (std::string(type) == "adamw") {
      EXPECT_EQ(state[0].second.scalar_type(), at::kLong);
      EXPECT_EQ(state[0].second.dim(), 0);
      EXPECT_EQ(state[0].second.item<int64_t>(), 3);
    }
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
  // A parameter's state comes whole or not at all.
  AdamW adamw(group_of({a}, 0.0), 0.1, 0.9, 0.999, 1e-8);
  EXPECT_NE(facerep::testing::runtime_error_message([&] { adamw.load_state({{"p0/exp_avg", at::zeros({4})}}); })
                .find("no entry 'p0/step'"),
            std::string::npos);
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
