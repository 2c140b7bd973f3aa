// The finetune few-shot protocol on a tiny ViT and synthetic faces: layer-wise lr decay, which
// blocks train, learning above chance, independent and reproducible fits, every task's outputs.
#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include <torch/torch.h>

#include "core/error.h"
#include "data/dataset.h"
#include "data/inference.h"
#include "eval/embed.h"
#include "eval/fewshot/cell.h"
#include "eval/fewshot/features.h"
#include "runtime/module_state.h"
#include "test_support.h"
#include "trainers/fewshot_config.h"
#include "trainers/fewshot_finetune.h"

namespace facerep::trainers {
namespace {

namespace fsh = eval::fewshot;

// 3 blocks of width 32 on 32x32 faces cut in 8x8 patches: milliseconds per step.
std::shared_ptr<models::Backbone> tiny_vit(uint64_t seed = 0) {
  torch::manual_seed(seed);
  return models::model_registry().build(core::component_from_yaml(
      "model", "{type: vit, depth: 3, width: 32, heads: 2, patch: 8, image_size: 32, pool: mean}", "model"));
}

// `nuisance` scales the per-image pose, lighting, blur and noise.
std::shared_ptr<data::Dataset> synthetic_faces(int identities, int per_identity, double nuisance = 1.0) {
  const auto options = facerep::testing::read_options<data::DatasetOptions>(
      "source: {type: synthetic, identities: " + std::to_string(identities) + ", per_identity: " +
      std::to_string(per_identity) + ", size: 32, seed: 11, nuisance: " + std::to_string(nuisance) + "}\n");
  return data::build_inference_dataset(options, data::inference_preprocessing({}, 32), {});
}

// Spelled out, so the tests do not move with the defaults.
FinetuneOptions quick(int blocks = -1, int steps = 20, int batch_size = 8) {
  FinetuneOptions o;
  o.blocks = blocks;
  o.steps = steps;
  o.batch_size = batch_size;
  o.lr = 1e-3;
  o.weight_decay = 0.05;
  o.layer_decay = 0.75;
  o.warmup = 0.1;
  return o;
}

fsh::ProtocolRequest identity_request(uint64_t seed, int64_t classes) {
  fsh::ProtocolRequest r;
  r.task = "identity";
  r.probe = fsh::ProbeTask::kClassification;
  r.classes = classes;
  r.seed = seed;
  return r;
}

std::vector<int64_t> range(int64_t from, int64_t to) {
  std::vector<int64_t> v;
  for (int64_t i = from; i < to; ++i) v.push_back(i);
  return v;
}

// Rows 0..n-1 of a dataset of identities x per_identity images hold identity row / per_identity.
at::Tensor identities_of(const std::vector<int64_t>& rows, int per_identity) {
  std::vector<int64_t> ids;
  for (int64_t r : rows) ids.push_back(r / per_identity);
  return torch::tensor(ids, torch::kLong);
}

std::map<std::string, at::Tensor> snapshot(const models::Backbone& model) {
  std::map<std::string, at::Tensor> out;
  for (const auto& p : model.named_parameters(true)) out[p.key()] = p.value().detach().clone();
  return out;
}

TEST(FewShotFinetune, LayerDecayScalesEveryViTLayerByItsDepth) {
  const auto vit = tiny_vit();
  const auto head = std::make_shared<torch::nn::LinearImpl>(32, 4);
  FinetuneOptions o;
  o.layer_decay = 0.5;
  std::map<std::string, double> scale;
  for (const auto& g : finetune_param_groups(vit, head, o))
    for (const auto& name : g.param_names) scale[name] = g.lr_scale;
  EXPECT_EQ(scale.size(), vit->parameters().size() + 2) << "every encoder parameter and the head's two train";
  // lr scale = decay^(L + 1 - layer_id), L = 3 blocks: embeddings 0, block i i + 1, final norm 4.
  const std::map<std::string, double> by_hand{
      {"model.patch_embed.proj.weight", 0.0625}, {"model.cls_token", 0.0625},
      {"model.blocks.0.attn.qkv.weight", 0.125}, {"model.blocks.1.norm2.bias", 0.25},
      {"model.blocks.2.mlp.fc2.weight", 0.5},    {"model.norm.weight", 1.0},
      {"objective.weight", 1.0},                 {"objective.bias", 1.0}};
  for (const auto& [name, s] : by_hand) EXPECT_DOUBLE_EQ(scale.at(name), s) << name;
  for (const auto& [name, s] : scale)
    if (name.rfind("model.", 0) == 0)
      EXPECT_DOUBLE_EQ(s, std::pow(0.5, 4 - vit->layer_id(name.substr(6)))) << name;
}

TEST(FewShotFinetune, BlocksSelectsTheLastBlocksForTheOptimizer) {
  const auto vit = tiny_vit();
  const auto head = std::make_shared<torch::nn::LinearImpl>(32, 4);
  std::vector<std::string> names;
  for (const auto& g : finetune_param_groups(vit, head, quick(/*blocks=*/1)))
    names.insert(names.end(), g.param_names.begin(), g.param_names.end());
  for (const auto& name : names)
    EXPECT_TRUE(name.rfind("model.blocks.2.", 0) == 0 || name.rfind("model.norm.", 0) == 0 ||
                name.rfind("objective.", 0) == 0)
        << name << " should be frozen";
  EXPECT_FALSE(vit->named_parameters()["blocks.1.mlp.fc1.weight"].requires_grad());
  EXPECT_TRUE(vit->named_parameters()["blocks.2.mlp.fc1.weight"].requires_grad());
  for (const auto& g : finetune_param_groups(vit, head, quick(/*blocks=*/0)))
    for (const auto& name : g.param_names) EXPECT_EQ(name.rfind("objective.", 0), 0u) << name;
}

TEST(FewShotFinetune, AFitChangesExactlyTheLastBlocks) {
  const auto faces = synthetic_faces(3, 4);
  for (int blocks : {1, 0}) {
    SCOPED_TRACE("blocks " + std::to_string(blocks));
    const auto vit = tiny_vit();
    const std::map<std::string, at::Tensor> before = snapshot(*vit);
    FinetuneProtocol protocol(vit, faces, c10::Device(c10::kCPU), quick(blocks, 6), 16);
    const std::vector<int64_t> train = range(0, 12);
    protocol.fit_predict(identity_request(0, 3), train, identities_of(train, 4), {0, 5});
    for (const auto& [name, after] : snapshot(*vit)) {
      if (finetune_trains(*vit, name, blocks))
        EXPECT_FALSE(torch::equal(before.at(name), after)) << name << " should have trained";
      else
        EXPECT_TRUE(torch::equal(before.at(name), after)) << name << " should be frozen";
    }
  }
}

TEST(FewShotFinetune, LearnsSeparableIdentitiesWellAboveChance) {
  // 4 people in mild pose and lighting changes, 5 images each to learn from, 3 each to test.
  const auto faces = synthetic_faces(4, 10, 0.3);
  const auto vit = tiny_vit();
  const fsh::FeatureSet set = fsh::extract_features(*vit, *faces, 16, c10::Device(c10::kCPU));
  const fsh::PoolTestSplit split = fsh::split_pool_test(set, 0.3, 0);
  FinetuneProtocol protocol(vit, faces, c10::Device(c10::kCPU), quick(-1, 60, 32), 16);
  fsh::CellOptions o;
  o.task = "identity";
  o.protocol = "finetune";
  o.amount = 5;
  const fsh::CellResult r = fsh::run_cell(o, set, split, &protocol);
  EXPECT_EQ(r.train_rows, 20);
  EXPECT_GE(r.metrics.at("accuracy"), 0.6) << "chance is 0.25";
}

TEST(FewShotFinetune, EveryFitStartsFromTheSameWeightsAndTheSameSeedGivesTheSameOutputs) {
  const auto faces = synthetic_faces(3, 4);
  const std::vector<int64_t> train{0, 1, 4, 5, 8, 9}, query{2, 3, 6, 7, 10, 11};
  const at::Tensor y = identities_of(train, 4);
  FinetuneProtocol first(tiny_vit(), faces, c10::Device(c10::kCPU), quick(), 16);
  const at::Tensor a = first.fit_predict(identity_request(0, 3), train, y, query);
  const at::Tensor b = first.fit_predict(identity_request(1, 3), train, y, query);
  const at::Tensor a_again = first.fit_predict(identity_request(0, 3), train, y, query);
  EXPECT_TRUE(torch::equal(a, a_again)) << "the seed-1 fit in between leaked into the next";
  EXPECT_FALSE(torch::equal(a, b)) << "the seed chooses the head's initialisation and the batches";
  // A fresh protocol on the same initial weights, seed 1 first: the same answer as after seed 0.
  FinetuneProtocol second(tiny_vit(), faces, c10::Device(c10::kCPU), quick(), 16);
  EXPECT_TRUE(torch::equal(second.fit_predict(identity_request(1, 3), train, y, query), b));
  EXPECT_EQ(a.sizes(), (std::vector<int64_t>{6, 3}));
  EXPECT_TRUE(torch::allclose(a.sum(1), torch::ones({6}))) << "class probabilities";
}

TEST(FewShotFinetune, MultiLabelGivesProbabilitiesAndRegressionUndoesTheStandardisation) {
  const auto faces = synthetic_faces(3, 4);
  const auto vit = tiny_vit();
  const fsh::FeatureSet set = fsh::extract_features(*vit, *faces, 16, c10::Device(c10::kCPU));
  FinetuneProtocol protocol(vit, faces, c10::Device(c10::kCPU), quick(-1, 10), 16);
  const std::vector<int64_t> train = range(0, 9), query = range(9, 12);
  const auto rows = torch::tensor(train, torch::kLong);

  fsh::ProtocolRequest units;
  units.task = "aus";
  units.probe = fsh::ProbeTask::kMultiLabel;
  const at::Tensor aus = (set.aus.index_select(0, rows) >= 0.5).to(torch::kFloat);
  const at::Tensor p = protocol.fit_predict(units, train, aus, query);
  EXPECT_EQ(p.sizes(), (std::vector<int64_t>{3, aus.size(1)}));
  EXPECT_TRUE((p >= 0).all().item<bool>() && (p <= 1).all().item<bool>());

  // Targets far from 0 with a small spread: only undone standardisation lands the answers there.
  fsh::ProtocolRequest values;
  values.task = "values";
  values.probe = fsh::ProbeTask::kRegression;
  const at::Tensor y = 1000.0 + 10.0 * set.landmarks.index_select(0, rows).reshape({9, -1});
  const at::Tensor v = protocol.fit_predict(values, train, y, query);
  EXPECT_EQ(v.sizes(), (std::vector<int64_t>{3, y.size(1)}));
  EXPECT_LT((v - y.mean(0)).abs().max().item<float>(), 20.0f);
}

TEST(FewShotFinetune, VerificationReturnsTheFineTunedEmbeddingsOfTheQueries) {
  const auto faces = synthetic_faces(3, 4);
  const auto vit = tiny_vit();
  FinetuneProtocol protocol(vit, faces, c10::Device(c10::kCPU), quick(-1, 5), 16);
  fsh::ProtocolRequest r;
  r.task = "verification";
  r.seed = 3;
  const std::vector<int64_t> train = range(4, 12), query{0, 1, 2};
  // Identities 1 and 2 only: the classifier numbers the identities present.
  const at::Tensor e = protocol.fit_predict(r, train, identities_of(train, 4), query);
  ASSERT_EQ(e.sizes(), (std::vector<int64_t>{3, 32}));
  at::Tensor direct;
  eval::for_each_batch(*faces, query, 8, [&](const data::Batch& b) {
    torch::NoGradGuard no_grad;
    vit->eval();
    direct = vit->forward(b.images);
  });
  EXPECT_TRUE(torch::allclose(e, direct, 1e-5, 1e-6)) << "the fine-tuned encoder's embeddings";
  EXPECT_THROW(protocol.fit_predict(r, {0, 1}, torch::tensor({5, 5}, torch::kLong), query), core::ConfigError);
}

TEST(FewShotFinetune, ConfigKeysAreCheckedAndNamed) {
  const std::string head =
      "encoders: [{type: model, name: p, model: {type: pixels, image_size: 16}}]\n"
      "data: {source: {type: synthetic, identities: 2, per_identity: 2, size: 16}}\n"
      "protocols: [linear, finetune]\n";
  const FewshotConfig ok = facerep::testing::read_options<FewshotConfig>(head + "finetune: {steps: 5, blocks: 2}\n");
  EXPECT_EQ(ok.finetune.steps, 5);
  EXPECT_EQ(ok.finetune.blocks, 2);
  for (const auto& [yaml, key] : std::vector<std::pair<std::string, std::string>>{
           {"finetune: {layer_decay: 1.5}\n", "finetune.layer_decay"},
           {"finetune: {blocks: -2}\n", "finetune.blocks"},
           {"finetune: {warmup: 1}\n", "finetune.warmup"},
           {"finetune: {step: 5}\n", "finetune.steps"}}) {
    try {
      facerep::testing::read_options<FewshotConfig>(head + yaml);
      ADD_FAILURE() << yaml << " was accepted";
    } catch (const core::ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find(key), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace facerep::trainers
