#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <torch/torch.h>

#include "core/error.h"
#include "runtime/checkpoint.h"
#include "runtime/module_state.h"
#include "runtime/precision.h"
#include "runtime/rng.h"
#include "test_support.h"

namespace facerep::runtime {
namespace {

runtime::Checkpoint sample_checkpoint() {
  Checkpoint c;
  c.config_yaml = "run: {name: x}\n";
  c.model = {{"fc.weight", at::arange(6, at::kFloat).reshape({2, 3})}, {"bn.num_batches_tracked", at::tensor(7)}};
  c.ema = {{"fc.weight", at::ones({2, 3})}};
  c.objective = {{"head.weight", at::full({4, 2}, 0.5)}};
  c.optimizer_type = "sgd";
  c.optimizer = {{"model.fc.weight/momentum", at::full({2, 3}, -1.0)}};
  c.counters = {{"step", 42}, {"epoch", 3}};
  c.values = {{"best_metric", 0.975}};
  c.texts = {{"best_metric_name", "eval/verification/accuracy"}};
  c.rng["cpu"] = default_cpu_generator_state();
  return c;
}

TEST(Checkpoint, RoundTripKeepsEverything) {
  facerep::testing::TempDir dir;
  const std::string path = dir.file("a.ckpt");
  const Checkpoint c = sample_checkpoint();
  save_checkpoint(c, path);
  const Checkpoint r = load_checkpoint(path);
  EXPECT_EQ(r.config_yaml, c.config_yaml);
  ASSERT_EQ(r.model.size(), 2u);
  EXPECT_EQ(r.model[0].first, "fc.weight");
  EXPECT_TRUE(at::equal(r.model[0].second, c.model[0].second));
  EXPECT_EQ(r.model[1].second.item<int64_t>(), 7);
  EXPECT_TRUE(at::equal(r.ema[0].second, c.ema[0].second));
  EXPECT_TRUE(at::equal(r.objective[0].second, c.objective[0].second));
  EXPECT_EQ(r.optimizer_type, "sgd");
  EXPECT_TRUE(at::equal(r.optimizer[0].second, c.optimizer[0].second));
  EXPECT_EQ(r.counter("step"), 42);
  EXPECT_EQ(r.counter("epoch"), 3);
  EXPECT_DOUBLE_EQ(r.value("best_metric", 0), 0.975);
  EXPECT_EQ(r.text("best_metric_name"), "eval/verification/accuracy");
  EXPECT_TRUE(at::equal(r.rng.at("cpu"), c.rng.at("cpu")));
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
}

TEST(Checkpoint, TruncatedFileIsRuntimeErrorNamingThePath) {
  facerep::testing::TempDir dir;
  const std::string path = dir.file("t.ckpt");
  save_checkpoint(sample_checkpoint(), path);
  std::filesystem::resize_file(path, std::filesystem::file_size(path) / 2);
  try {
    load_checkpoint(path);
    FAIL();
  } catch (const core::RuntimeError& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
  try {
    load_checkpoint(dir.file("missing.ckpt"));
    FAIL();
  } catch (const core::RuntimeError& e) {
    EXPECT_NE(std::string(e.what()).find("not found"), std::string::npos) << e.what();
  }
}

TEST(Checkpoint, LoadingIntoAnotherModelNamesTheMismatch) {
  torch::nn::Linear small(3, 2), big(4, 2);
  NamedTensors state = module_state(*small);
  try {
    load_module_state(*big, state, "checkpoint model");
    FAIL();
  } catch (const core::RuntimeError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("checkpoint model does not match"), std::string::npos) << m;
    EXPECT_NE(m.find("weight (expected [2,4], got [2,3])"), std::string::npos) << m;
  }
  state.emplace_back("extra", at::zeros({1}));
  try {
    load_module_state(*small, state, "m");
    FAIL();
  } catch (const core::RuntimeError& e) {
    EXPECT_NE(std::string(e.what()).find("unexpected extra"), std::string::npos) << e.what();
  }
}

TEST(Rng, GeneratorStateRestoresTheSequence) {
  at::Generator g = make_cpu_generator(5, 1);
  const at::Tensor s = generator_state(g);
  const at::Tensor a = at::randn({4}, g);
  set_generator_state(g, s);
  EXPECT_TRUE(at::equal(a, at::randn({4}, g)));
  EXPECT_FALSE(at::equal(at::randn({4}, make_cpu_generator(5, 1)), at::randn({4}, make_cpu_generator(5, 2))));
  std::mt19937_64 e(3);
  const std::string st = mt_state(e);
  const auto x = e();
  set_mt_state(e, st);
  EXPECT_EQ(e(), x);
}

TEST(LossScaler, BacksOffOnOverflowAndGrows) {
  LossScaler s(true, 1024.0, /*growth_interval=*/2);
  at::Tensor p = at::ones({2}).requires_grad_();
  p.mutable_grad() = at::tensor({2048.0f, 1024.0f});
  EXPECT_TRUE(s.unscale({p}));
  EXPECT_TRUE(at::equal(p.grad(), at::tensor({2.0f, 1.0f})));
  s.update(true);
  s.update(true);
  EXPECT_DOUBLE_EQ(s.current_scale(), 2048.0);
  p.mutable_grad() = at::tensor({INFINITY, 1.0f});
  EXPECT_FALSE(s.unscale({p}));
  s.update(false);
  EXPECT_DOUBLE_EQ(s.current_scale(), 1024.0);
  EXPECT_EQ(effective_precision(Precision::kBf16, c10::Device(c10::kCPU)), Precision::kFp32);
}

}  // namespace
}  // namespace facerep::runtime
