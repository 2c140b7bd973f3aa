// The shipped recipes validate, and the real pipeline (synthetic source, loader, MobileFaceNet,
// ArcFace) trains through the Trainer: the loss falls and a checkpoint loads back.
#include <gtest/gtest.h>

#include <filesystem>

#include "data/register.h"
#include "eval/register.h"
#include "losses/register.h"
#include "models/register.h"
#include "test_support.h"
#include "trainers/checkpoint_model.h"
#include "trainers/register.h"
#include "trainers/trainer.h"

namespace facerep::trainers {
namespace {

void register_everything() {
  data::register_components();
  models::register_components();
  losses::register_components();
  eval::register_components();
  trainers::register_components();
}

TEST(Recipes, EveryRecognitionConfigValidates) {
  register_everything();
  const std::filesystem::path root = std::filesystem::path(facerep::testing::source_dir()) / "configs";
  std::vector<std::string> files = {(root / "quickstart.yaml").string()};
  for (const auto& e : std::filesystem::directory_iterator(root / "recognition")) files.push_back(e.path().string());
  ASSERT_GE(files.size(), 9u);
  for (const auto& f : files) {
    SCOPED_TRACE(f);
    const ExperimentConfig c = load_experiment(f, {});
    EXPECT_FALSE(c.model.empty());
    // The resolved YAML reads back as the same config.
    const std::string yaml = experiment_to_yaml(c);
    EXPECT_EQ(experiment_to_yaml(load_experiment_tree(core::ConfigTree::load_string(yaml, f))), yaml);
  }
}

TEST(Recipes, TinyArcFaceTrainsThroughTheRealPipeline) {
  register_everything();
  facerep::testing::TempDir dir;
  const std::string cfg = facerep::testing::source_dir() + "/configs/recognition/tiny_arcface.yaml";
  ExperimentConfig c = load_experiment(
      cfg, {"data.train.source.identities=8", "data.train.source.per_identity=8", "train.batch_size=16",
            "train.epochs=5", "train.steps=0", "eval=[]", "run.threads=1", "run.log_level=warn",
            "data.loader.workers=0", "schedule.warmup_steps=2", "optim.lr=0.05"});
  TrainerSetup setup;
  setup.run_dir = dir.str();
  setup.progress = false;
  Trainer t(c, std::move(setup));
  const TrainResult r = t.run();
  ASSERT_EQ(r.steps, 20);  // 64 images / 16 = 4 per epoch × 5
  double first = 0, last = 0;
  for (int i = 0; i < 4; ++i) first += r.history[i].scalars.at("loss") / 4;
  for (int i = 16; i < 20; ++i) last += r.history[i].scalars.at("loss") / 4;
  EXPECT_LT(last, 0.8 * first) << "first epoch " << first << ", last epoch " << last;
  auto [model, config] = load_checkpoint_model(dir.file("checkpoints/last.ckpt"));
  EXPECT_EQ(config.model.type, "mobilefacenet");
  EXPECT_EQ(model->image_size(), 32);
}

}  // namespace
}  // namespace facerep::trainers
