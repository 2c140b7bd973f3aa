#include <gtest/gtest.h>

#include <algorithm>

#include <torch/torch.h>

#include "core/error.h"
#include "test_support.h"
#include "runtime/pretrained.h"
#include "runtime/state_dict_io.h"

namespace facerep::runtime {
namespace {

// fc (Linear 3->2) and bn (BatchNorm1d 2, with running statistics buffers).
struct Tiny : torch::nn::Module {
  Tiny() {
    fc = register_module("fc", torch::nn::Linear(3, 2));
    bn = register_module("bn", torch::nn::BatchNorm1d(2));
  }
  torch::nn::Linear fc{nullptr};
  torch::nn::BatchNorm1d bn{nullptr};
};

StateDict tiny_weights(const std::string& prefix = "") {
  return {{prefix + "fc.weight", torch::arange(6, torch::kFloat64).reshape({2, 3})},  // converted to float
          {prefix + "fc.bias", torch::tensor({0.5f, -0.5f})},
          {prefix + "bn.weight", torch::tensor({2.f, 3.f})},
          {prefix + "bn.bias", torch::tensor({0.f, 1.f})},
          {prefix + "bn.running_mean", torch::tensor({7.f, 8.f})},
          {prefix + "bn.running_var", torch::tensor({4.f, 9.f})},
          {prefix + "bn.num_batches_tracked", torch::tensor(int64_t{5})}};
}

using facerep::testing::runtime_error_message;

TEST(Pretrained, LoadsParametersAndBuffersByName) {
  Tiny m;
  const LoadReport r = load_into(m, tiny_weights());
  EXPECT_EQ(r.loaded.size(), 7u);
  EXPECT_TRUE(r.missing.empty() && r.unexpected.empty());
  EXPECT_TRUE(m.fc->weight.equal(torch::arange(6, torch::kFloat32).reshape({2, 3})));
  EXPECT_EQ(m.fc->weight.scalar_type(), at::kFloat);
  EXPECT_TRUE(m.bn->running_mean.equal(torch::tensor({7.f, 8.f})));
  EXPECT_EQ(m.bn->num_batches_tracked.item<int64_t>(), 5);
  // The loaded buffers drive eval-mode outputs: (x - mean) / sqrt(var + eps) * w + b.
  m.eval();
  const at::Tensor y = m.bn->forward(torch::tensor({{9.f, 11.f}}));
  EXPECT_NEAR(y[0][0].item<float>(), (9 - 7) / std::sqrt(4 + 1e-5) * 2 + 0, 1e-5);
  EXPECT_NEAR(y[0][1].item<float>(), (11 - 8) / std::sqrt(9 + 1e-5) * 3 + 1, 1e-5);
}

TEST(Pretrained, ShapeMismatchNamesKeyAndBothShapes) {
  Tiny m;
  StateDict w = tiny_weights();
  w[0].second = torch::zeros({5, 3});
  EXPECT_EQ(runtime_error_message([&] { load_into(m, w); }),
            "shape mismatch for 'fc.weight': checkpoint has [5, 3], model has [2, 3] (skip it or check the model options)");
  // A skipped key (the replaced head) is left alone and reported instead.
  const at::Tensor before = m.fc->weight.clone();
  LoadOptions o;
  o.skip = {"fc."};
  const LoadReport r = load_into(m, w, o);
  EXPECT_TRUE(m.fc->weight.equal(before));
  EXPECT_EQ(r.loaded.size(), 5u);
  EXPECT_EQ(r.skipped, (std::vector<std::string>{"fc.weight", "fc.bias"}));
  ASSERT_EQ(r.mismatched.size(), 1u);
  EXPECT_EQ(r.mismatched[0].key, "fc.weight");
  EXPECT_EQ(r.mismatched[0].checkpoint_shape, (std::vector<int64_t>{5, 3}));
  EXPECT_NE(r.summary().find("skipped shape mismatch fc.weight [5, 3] vs [2, 3]"), std::string::npos) << r.summary();
}

TEST(Pretrained, StrictListsMissingAndUnexpected) {
  Tiny m;
  StateDict w = tiny_weights();
  w.erase(w.begin() + 1);  // fc.bias
  w.emplace_back("head.weight", torch::zeros({1}));
  EXPECT_EQ(runtime_error_message([&] { load_into(m, w); }), "strict load failed: missing keys: fc.bias; unexpected keys: head.weight;");
  LoadOptions lenient;
  lenient.strict = false;
  const LoadReport r = load_into(m, w, lenient);
  EXPECT_EQ(r.missing, std::vector<std::string>{"fc.bias"});
  EXPECT_EQ(r.unexpected, std::vector<std::string>{"head.weight"});
  EXPECT_EQ(r.loaded.size(), 6u);
  EXPECT_NE(r.summary().find("missing 1: fc.bias; unexpected 1: head.weight"), std::string::npos) << r.summary();
}

TEST(Pretrained, PrefixesAreStrippedAndAdded) {
  Tiny m;
  LoadOptions strip;
  strip.strip_prefix = "backbone.";
  EXPECT_EQ(load_into(m, tiny_weights("backbone."), strip).loaded.size(), 7u);
  EXPECT_TRUE(m.fc->bias.equal(torch::tensor({0.5f, -0.5f})));

  struct Outer : torch::nn::Module {
    Outer() { inner = register_module("encoder", std::make_shared<Tiny>()); }
    std::shared_ptr<Tiny> inner;
  } outer;
  LoadOptions add;
  add.add_prefix = "encoder.";
  EXPECT_EQ(load_into(outer, tiny_weights(), add).loaded.size(), 7u);
  EXPECT_TRUE(outer.inner->bn->running_var.equal(torch::tensor({4.f, 9.f})));
  EXPECT_TRUE(is_skipped("head.weight", {"head"}));
  EXPECT_FALSE(is_skipped("header.weight", {"head"}));
}

TEST(Pretrained, LoadPretrainedStripsPrefixAndAdaptsOnlyWhatLoads) {
  facerep::testing::TempDir dir;
  StateDict w = tiny_weights("encoder.");
  w[0].second = torch::ones({3, 2}, torch::kFloat64);  // stored transposed: the adapter fixes it
  save_state_dict(w, dir.file("w.pt"));
  PretrainedOptions o;
  o.path = dir.file("w.pt");
  o.prefix = "encoder.";
  o.skip = {"bn.running_var"};
  std::vector<std::string> seen;
  Tiny m;
  const LoadReport r = load_pretrained(m, o, [&seen](StateDict& weights) {
    for (auto& [name, t] : weights) {
      seen.push_back(name);
      if (name == "fc.weight") t = t.t();
    }
    return std::string("fc.weight transposed");
  });
  EXPECT_EQ(seen.size(), 6u);  // bn.running_var is skipped, so never offered
  EXPECT_EQ(std::count(seen.begin(), seen.end(), "bn.running_var"), 0);
  EXPECT_EQ(r.loaded.size(), 6u);
  EXPECT_EQ(r.skipped, (std::vector<std::string>{"bn.running_var"}));
  EXPECT_TRUE(m.fc->weight.equal(torch::ones({2, 3})));
  EXPECT_TRUE(load_pretrained(m, PretrainedOptions{}).loaded.empty());  // no path: nothing
}

}  // namespace
}  // namespace facerep::runtime
