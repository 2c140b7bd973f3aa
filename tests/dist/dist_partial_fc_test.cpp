// The sharded margin classifier equals the unsharded one: in one process, and over 2 and 3 thread
// ranks (Gloo), loss, embedding gradients and centre gradients (the shards concatenated) match
// MarginSoftmax on the whole batch and the whole weight matrix.
#include <cmath>
#include <mutex>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/error.h"
#include "dist/communicator.h"
#include "losses/margin_softmax.h"
#include "losses/partial_fc.h"
#include "local_group.h"
#include "runtime/rng.h"

namespace facerep::losses {
namespace {

constexpr int64_t kPfcRows = 12, kPfcDim = 8, kPfcClasses = 7;

data::Batch pfc_batch(const at::Tensor& labels) {
  data::Batch b;
  b.images = torch::zeros({labels.size(0), 1, 2, 2});
  b.identity = labels;
  for (int64_t i = 0; i < labels.size(0); ++i) b.paths.push_back("img" + std::to_string(i) + ".jpg");
  return b;
}

ObjectiveContext pfc_context() {
  ObjectiveContext ctx;
  ctx.num_classes = kPfcClasses;
  ctx.embedding_dim = kPfcDim;
  return ctx;
}

// The whole problem and the unsharded classifier's answer.
struct PfcReference {
  at::Tensor embeddings, labels, weight;
  double loss = 0.0;
  at::Tensor embedding_grad, weight_grad;
};

PfcReference pfc_reference() {
  PfcReference r;
  torch::manual_seed(7);
  r.embeddings = torch::randn({kPfcRows, kPfcDim});
  r.labels = torch::tensor(std::vector<int64_t>{0, 3, 6, 1, 3, 5, 2, 2, 4, 6, 0, 1}, torch::kLong);
  r.weight = torch::randn({kPfcClasses, kPfcDim});
  ArcFaceOptions o;
  o.scale = 16.0;  // s = 64 saturates the softmax of so few classes; 16 keeps every gradient visible
  MarginSoftmax full(o, pfc_context(), "arcface");
  {
    torch::NoGradGuard g;
    full.named_parameters()["weight"].copy_(r.weight);
  }
  at::Tensor x = r.embeddings.clone().requires_grad_(true);
  const at::Tensor loss = full.loss(x, pfc_batch(r.labels)).total;
  loss.backward();
  r.loss = loss.item<double>();
  r.embedding_grad = x.grad();
  r.weight_grad = full.weight().grad();
  return r;
}

PartialFCOptions pfc_options(double sample_rate = 1.0) {
  PartialFCOptions o;
  o.scale = 16.0;
  o.sample_rate = sample_rate;
  return o;
}

void expect_close(const at::Tensor& got, const at::Tensor& want, const std::string& what) {
  EXPECT_TRUE(at::allclose(got, want, 1e-4, 1e-6)) << what << ": largest difference "
                                                   << (got - want).abs().max().item<double>();
}

TEST(PartialFC, ClassShardsCoverEveryClassOnce) {
  for (int world : {1, 2, 3, 8})
    for (int64_t classes : {8, 9, 1000001}) {
      int64_t next = 0;
      for (int r = 0; r < world; ++r) {
        const ClassShard s = class_shard(classes, world, r);
        EXPECT_EQ(s.begin, next);
        EXPECT_GE(s.count, classes / world);
        EXPECT_LE(s.count, classes / world + 1);
        next = s.begin + s.count;
      }
      EXPECT_EQ(next, classes);
    }
}

TEST(PartialFC, OneProcessEqualsTheUnshardedClassifier) {
  const PfcReference ref = pfc_reference();
  PartialFC pfc(pfc_options(), pfc_context(), nullptr);
  {
    torch::NoGradGuard g;
    pfc.named_parameters()["weight"].copy_(ref.weight);
  }
  at::Tensor x = ref.embeddings.clone().requires_grad_(true);
  const at::Tensor loss = pfc.loss(x, pfc_batch(ref.labels), runtime::make_cpu_generator(1)).total;
  loss.backward();
  EXPECT_NEAR(loss.item<double>(), ref.loss, 1e-5 * std::abs(ref.loss));
  expect_close(x.grad(), ref.embedding_grad, "embedding gradient");
  expect_close(pfc.weight().grad(), ref.weight_grad, "centre gradient");
}

void check_sharded_equals_unsharded(int world) {
  const PfcReference ref = pfc_reference();
  std::mutex mutex;
  std::vector<at::Tensor> embedding_grads(static_cast<size_t>(world)), weight_grads(static_cast<size_t>(world));
  std::vector<double> losses(static_cast<size_t>(world));
  testing::run_local_group(world, [&](dist::Communicator& comm) {
    const int r = comm.rank();
    PartialFC pfc(pfc_options(), pfc_context(), &comm);
    const ClassShard s = pfc.shard();
    {
      torch::NoGradGuard g;
      pfc.named_parameters()["weight"].copy_(ref.weight.narrow(0, s.begin, s.count));
    }
    const int64_t rows = kPfcRows / world;
    at::Tensor x = ref.embeddings.narrow(0, r * rows, rows).clone().requires_grad_(true);
    const at::Tensor loss =
        pfc.loss(x, pfc_batch(ref.labels.narrow(0, r * rows, rows)), runtime::make_cpu_generator(1, r)).total;
    loss.backward();
    std::lock_guard<std::mutex> lock(mutex);
    losses[static_cast<size_t>(r)] = loss.item<double>();
    // The embedding gradient carries the factor W that the trainer's averaging divides out.
    embedding_grads[static_cast<size_t>(r)] = x.grad() / static_cast<double>(world);
    weight_grads[static_cast<size_t>(r)] = pfc.weight().grad();
  });
  for (int r = 0; r < world; ++r) EXPECT_NEAR(losses[static_cast<size_t>(r)], ref.loss, 1e-5 * std::abs(ref.loss)) << "rank " << r;
  expect_close(at::cat(embedding_grads, 0), ref.embedding_grad, "embedding gradient");
  expect_close(at::cat(weight_grads, 0), ref.weight_grad, "centre gradient");
}

TEST(PartialFC, TwoThreadRanksEqualTheUnshardedClassifier) { check_sharded_equals_unsharded(2); }
TEST(PartialFC, ThreeThreadRanksEqualTheUnshardedClassifier) { check_sharded_equals_unsharded(3); }

TEST(PartialFC, SamplingKeepsThePositivesAndIsDeterministic) {
  ObjectiveContext ctx = pfc_context();
  ctx.num_classes = 40;
  PartialFC pfc(pfc_options(0.25), ctx, nullptr);
  const at::Tensor labels = torch::tensor(std::vector<int64_t>{3, 3, 17, 39}, torch::kLong);
  torch::manual_seed(3);
  const at::Tensor e = torch::randn({4, kPfcDim});
  auto run = [&](uint64_t seed) {
    pfc.zero_grad();
    const at::Tensor loss = pfc.loss(e, pfc_batch(labels), runtime::make_cpu_generator(seed)).total;
    loss.backward();
    // Rows of centres in the step's softmax: exactly those with a gradient.
    return pfc.weight().grad().abs().sum(1).gt(0).nonzero().squeeze(1);
  };
  const at::Tensor rows = run(5);
  EXPECT_EQ(rows.numel(), 10);  // ceil(0.25 · 40)
  for (int64_t c : {3, 17, 39}) EXPECT_TRUE(rows.eq(c).any().item<bool>()) << "positive " << c;
  EXPECT_TRUE(at::equal(run(5), rows));
  EXPECT_FALSE(at::equal(run(6), rows));
}

TEST(PartialFC, TooFewClassesForTheRanksIsAConfigError) {
  testing::run_local_group(2, [](dist::Communicator& comm) {
    ObjectiveContext ctx = pfc_context();
    ctx.num_classes = 1;
    EXPECT_THROW(PartialFC(pfc_options(), ctx, &comm), core::ConfigError);
  });
}

}  // namespace
}  // namespace facerep::losses
