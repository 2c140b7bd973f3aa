// The loss of a model loaded from a PyTorch MAE state dict equals what PyTorch computes:
// scripts/mae_reference.py builds the same tiny MAE with a fixed seed and saves its weights
// ({"model": state_dict}, as MAE checkpoints), the input, the mask noise and its loss.
#include <gtest/gtest.h>

#include <torch/torch.h>

#include "losses/masking/masker.h"
#include "losses/mae_objective.h"
#include "models/vit.h"
#include "runtime/pretrained.h"
#include "runtime/state_dict_io.h"
#include "test_support.h"

namespace facerep::losses {
namespace {

bool python_torch_available() {
  std::string out;
  return testing::run_command("/usr/bin/python3 -c 'import torch'", &out) == 0;
}

at::Tensor entry(const c10::IValue& dict, const std::string& key) {
  return dict.toGenericDict().at(key).toTensor();
}

struct LoadedMae {
  std::shared_ptr<models::VisionTransformer> vit;
  std::shared_ptr<MaeObjective> objective;
};

LoadedMae load_reference(const std::string& dir, bool norm_pix) {
  models::VitOptions vo;
  vo.depth = 2, vo.width = 32, vo.heads = 4, vo.patch = 8, vo.image_size = 32;
  LoadedMae m;
  m.vit = std::make_shared<models::VisionTransformer>(vo);
  MaeOptions mo;
  mo.norm_pix_loss = norm_pix;
  mo.decoder.width = 16, mo.decoder.depth = 1, mo.decoder.heads = 2;
  losses::register_maskers();
  mo.mask = core::component_from_yaml("masker", "{type: random}", "objective.mask");
  ObjectiveContext ctx;
  ctx.model = m.vit;
  m.objective = std::make_shared<MaeObjective>(mo, ctx);
  runtime::StateDict encoder, decoder;
  split_mae_state(runtime::load_state_dict(dir + "/mae.pth"), &encoder, &decoder);
  runtime::load_into(*m.vit, encoder);       // strict: every name must match
  runtime::load_into(*m.objective, decoder);  // decoder names at the objective's top level
  return m;
}

// One Python run per test binary: importing torch costs seconds.
class MaePytorch : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!python_torch_available()) return;
    dir_ = new testing::TempDir();
    const std::string cmd = "/usr/bin/python3 " + testing::source_dir() +
                            "/scripts/mae_reference.py fixture --out " + dir_->str();
    ok_ = testing::run_command(cmd, &output_) == 0;
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  void SetUp() override {
    if (!dir_) GTEST_SKIP() << "python3 with torch not available";
    ASSERT_TRUE(ok_) << output_;
  }
  static std::string file(const std::string& name) { return dir_->file(name); }

  void expect_same_loss(bool norm_pix) {
    const c10::IValue fx = runtime::load_ivalue(file("fixture.pth"));
    const at::Tensor images = entry(fx, "images"), noise = entry(fx, "noise");
    LoadedMae m = load_reference(dir_->str(), norm_pix);
    m.vit->eval();
    const losses::PatchMask mask = losses::mask_from_noise(noise, losses::mae_len_keep(16, 0.75));
    EXPECT_TRUE(torch::equal(mask.mask, entry(fx, "mask")));
    torch::NoGradGuard no_grad;
    MaeReconstruction r = m.objective->reconstruct(*m.vit, images, mask);
    const double expected = entry(fx, norm_pix ? "loss_norm_pix" : "loss_raw").item<double>();
    EXPECT_NEAR(r.loss.item<double>(), expected, 1e-5);
    EXPECT_TRUE(torch::allclose(r.pred, entry(fx, "pred"), 1e-4, 1e-5))
        << (r.pred - entry(fx, "pred")).abs().max().item<double>();
  }

  static testing::TempDir* dir_;
  static bool ok_;
  static std::string output_;
};
testing::TempDir* MaePytorch::dir_ = nullptr;
bool MaePytorch::ok_ = false;
std::string MaePytorch::output_;

TEST_F(MaePytorch, LoadedStateDictGivesPytorchLossWithNormPix) { expect_same_loss(true); }
TEST_F(MaePytorch, LoadedStateDictGivesPytorchLossOnRawPixels) { expect_same_loss(false); }

TEST_F(MaePytorch, EncoderLoadsThroughModelPretrainedSkippingDecoder) {
  // Fine-tuning: `model: {type: vit, pretrained: mae.pth}` with a new head. Decoder keys are
  // unexpected (reported, not loaded); the head keeps its initial values.
  models::VitOptions vo;
  vo.depth = 2, vo.width = 32, vo.heads = 4, vo.patch = 8, vo.image_size = 32;
  vo.embedding_size = 8;
  vo.pretrained.path = file("mae.pth");
  vo.pretrained.skip = {"head."};
  models::VisionTransformer vit(vo);
  const runtime::LoadReport report = models::load_pretrained(vit, vo.pretrained);
  runtime::StateDict encoder, decoder;
  split_mae_state(runtime::load_state_dict(file("mae.pth")), &encoder, &decoder);
  EXPECT_EQ(report.loaded.size(), encoder.size());
  EXPECT_EQ(report.unexpected.size(), decoder.size());
  EXPECT_TRUE(torch::equal(vit.named_parameters()["blocks.1.mlp.fc2.weight"],
                           runtime::find_tensor(encoder, "blocks.1.mlp.fc2.weight")));
}

}  // namespace
}  // namespace facerep::losses
