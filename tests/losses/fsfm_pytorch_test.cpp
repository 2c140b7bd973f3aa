// FSFM's loss terms and gradients equal those of the authors' computation in PyTorch:
// scripts/fsfm_reference.py builds a tiny online and target network with the authors' parameter
// names, runs one forward/backward on fixed images, masks and region masks, and saves weights,
// inputs, the three terms, the total and every online gradient. We load the same state dicts by
// name and compare. Skips without python3-torch.
#include <gtest/gtest.h>

#include <algorithm>

#include <torch/torch.h>

#include "losses/fsfm_objective.h"
#include "losses/masking/masker.h"
#include "losses/test_backbone.h"
#include "runtime/module_state.h"
#include "runtime/pretrained.h"
#include "models/backbone.h"
#include "runtime/python_torch.h"
#include "runtime/state_dict_io.h"
#include "test_support.h"

namespace facerep::losses {
namespace {

at::Tensor fsfm_fixture_entry(const c10::IValue& dict, const std::string& key) {
  return dict.toGenericDict().at(key).toTensor();
}

// The encoder's entries of an authors' checkpoint (what models_vit keeps for fine-tuning).
bool is_encoder_key(const std::string& k) {
  for (const char* prefix : {"patch_embed.", "blocks.", "norm."})
    if (k.rfind(prefix, 0) == 0) return true;
  return k == "cls_token" || k == "pos_embed";
}

struct LoadedFsfm {
  std::shared_ptr<models::VisionTransformer> vit;
  std::shared_ptr<FsfmObjective> objective;
  runtime::LoadReport online_report;
};

LoadedFsfm load_fsfm_reference(const std::string& dir) {
  LoadedFsfm m;
  m.vit = testing::tiny_vit();
  const core::ComponentSpec spec = testing::read_component(
      "objective: {type: fsfm, decoder: {width: 16, depth: 1, heads: 2}, rep_decoder_heads: 8,"
      " projector_hidden: 64, predictor_hidden: 64, projection_dim: 16}\n",
      "objective", "objective", "f.yaml");
  ObjectiveContext ctx;
  ctx.model = m.vit;
  m.objective = std::dynamic_pointer_cast<FsfmObjective>(objective_registry().build(spec, ctx));
  runtime::StateDict enc, rest, target_enc, target_rest;
  for (const auto& kv : runtime::load_state_dict(dir + "/online.pth")) (is_encoder_key(kv.first) ? enc : rest).push_back(kv);
  for (const auto& kv : runtime::load_state_dict(dir + "/target.pth"))
    (is_encoder_key(kv.first) ? target_enc : target_rest).push_back(kv);
  runtime::load_into(*m.vit, enc);  // strict: every encoder name matches
  runtime::LoadOptions loose;
  loose.strict = false;
  m.online_report = runtime::load_into(*m.objective, rest, loose);
  loose.add_prefix = "target_encoder.";
  runtime::load_into(*m.objective, target_enc, loose);
  loose.add_prefix = "target.";
  runtime::load_into(*m.objective, target_rest, loose);
  return m;
}

class FsfmPytorch : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (testing::python_with_torch().empty()) return;
    dir_ = new testing::TempDir();
    const std::string cmd = testing::python_with_torch() + " " + testing::source_dir() +
                            "/scripts/fsfm_reference.py fixture --out " + dir_->str();
    ok_ = testing::run_command(cmd, &output_) == 0;
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  void SetUp() override {
    FACEREP_SKIP_WITHOUT_PYTHON_TORCH();
    ASSERT_TRUE(ok_) << output_;
    fx_ = runtime::load_ivalue(dir_->file("fixture.pth"));
    m_ = load_fsfm_reference(dir_->str());
  }
  at::Tensor fx(const std::string& key) const { return fsfm_fixture_entry(fx_, key); }

  LossOutput run_step() {
    data::Batch batch;
    batch.images = fx("images");
    PatchMask mask = mask_from_noise(fx("img_mask"), 4);
    EXPECT_TRUE(torch::equal(mask.mask, fx("img_mask")));
    mask.region = fx("region_mask") > 0;
    StepContext ctx;
    ctx.total_steps = 10;
    return m_.objective->compute_masked(*m_.vit, batch, mask, ctx);
  }

  static testing::TempDir* dir_;
  static bool ok_;
  static std::string output_;
  c10::IValue fx_;
  LoadedFsfm m_;
};
testing::TempDir* FsfmPytorch::dir_ = nullptr;
bool FsfmPytorch::ok_ = false;
std::string FsfmPytorch::output_;

TEST_F(FsfmPytorch, AuthorsOnlineStateDictLoadsWholly) {
  EXPECT_TRUE(m_.online_report.unexpected.empty()) << m_.online_report.summary();
  for (const std::string& k : m_.online_report.missing)
    EXPECT_TRUE(k.rfind("target", 0) == 0 || k == "instance_skipped") << k;
}

TEST_F(FsfmPytorch, LossTermsMatch) {
  const LossOutput out = run_step();
  ASSERT_EQ(out.terms.size(), 3u);
  for (const auto& [name, value] : out.terms)
    EXPECT_NEAR(value.item<double>(), fx(name).item<double>(), 1e-5) << name;
  EXPECT_NEAR(out.total.item<double>(), fx("total").item<double>(), 1e-5);
}

TEST_F(FsfmPytorch, GradientsMatch) {
  LossOutput out = run_step();
  out.total.backward();
  auto vit_params = m_.vit->named_parameters();
  auto objective_params = m_.objective->named_parameters();
  int compared = 0;
  for (const auto& kv : fx_.toGenericDict()) {
    const std::string key = kv.key().toStringRef();
    if (key.rfind("grad.", 0) != 0) continue;
    const std::string name = key.substr(5);
    const at::Tensor* p = vit_params.find(name);
    if (!p) p = objective_params.find(name);
    ASSERT_TRUE(p != nullptr) << name;
    ASSERT_TRUE(p->grad().defined()) << name;
    const at::Tensor expected = kv.value().toTensor();
    EXPECT_TRUE(torch::allclose(p->grad(), expected, 1e-3, 1e-6))
        << name << ": max difference " << (p->grad() - expected).abs().max().item<double>();
    ++compared;
  }
  EXPECT_EQ(compared, 90);  // encoder, both decoders, projector, predictor, the mask token
}

TEST_F(FsfmPytorch, ReleasedCheckpointLoadsIntoTheVitForFineTuning) {
  // `model: {type: vit, pretrained: checkpoint-400.pth, pool: mean}`: the weights under "model"
  // (optimizer, scaler and the argparse Namespace beside them are not read); the encoder's keys
  // load, the pre-training heads are reported as unexpected, nothing is missing.
  models::VitOptions vo;
  vo.depth = 2, vo.width = 32, vo.heads = 4, vo.patch = 8, vo.image_size = 32, vo.pool = "mean";
  vo.pretrained.path = dir_->file("checkpoint-400.pth");
  models::VisionTransformer vit(vo);
  const runtime::LoadReport report = models::load_pretrained(vit, vo.pretrained);
  EXPECT_TRUE(report.missing.empty()) << report.summary();
  EXPECT_EQ(report.loaded.size(), runtime::module_state(vit).size());
  for (const char* head : {"mask_token", "rep_decoder_embed.weight", "projector.projection_head.1.weight",
                           "predictor.projection_head.3.bias", "decoder_pred.weight"})
    EXPECT_NE(std::find(report.unexpected.begin(), report.unexpected.end(), head), report.unexpected.end()) << head;
  const runtime::StateDict released = runtime::load_state_dict(vo.pretrained.path);
  EXPECT_TRUE(torch::equal(vit.named_parameters()["blocks.1.mlp.fc2.weight"],
                           runtime::find_tensor(released, "blocks.1.mlp.fc2.weight")));
}

}  // namespace
}  // namespace facerep::losses
