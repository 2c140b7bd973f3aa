// The shipped recipes validate, and the real pipeline (synthetic source, loader, MobileFaceNet,
// ArcFace) trains through the Trainer: the loss falls and a checkpoint loads back.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <random>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include <yaml-cpp/yaml.h>

#include "core/error.h"
#include "data/dataset.h"
#include "data/sample.h"
#include "data/transforms/transform.h"
#include "test_support.h"
#include "trainers/checkpoint_model.h"
#include "trainers/fewshot_config.h"
#include "trainers/trainer.h"

namespace facerep::trainers {
namespace {

void register_everything() {
}

// Trains a shipped recipe (path under configs/) with `overrides` into `dir`.
TrainResult train_recipe(const std::string& recipe, const std::vector<std::string>& overrides,
                         const facerep::testing::TempDir& dir) {
  register_everything();
  TrainerSetup setup;
  setup.run_dir = dir.str();
  setup.progress = false;
  Trainer t(load_experiment(facerep::testing::source_dir() + "/configs/" + recipe, overrides), std::move(setup));
  return t.run();
}

TEST(Recipes, EveryShippedConfigValidates) {
  register_everything();
  const std::filesystem::path root = std::filesystem::path(facerep::testing::source_dir()) / "configs";
  std::vector<std::string> files = {(root / "quickstart.yaml").string()};
  for (const char* folder : {"recognition", "pretrain", "iat"})
    for (const auto& e : std::filesystem::directory_iterator(root / folder))
      if (e.path().filename().string()[0] != '_') files.push_back(e.path().string());  // `_x.yaml`: a shared base
  ASSERT_GE(files.size(), 14u);
  for (const auto& f : files) {
    SCOPED_TRACE(f);
    const ExperimentConfig c = load_experiment(f, {});
    EXPECT_FALSE(c.model.empty());
    // The resolved YAML reads back as the same config.
    const std::string yaml = experiment_to_yaml(c);
    EXPECT_EQ(experiment_to_yaml(load_experiment_tree(core::ConfigTree::load_string(yaml, f))), yaml);
  }
}

TEST(Recipes, EveryShippedSweepConfigValidates) {
  const std::filesystem::path root = std::filesystem::path(facerep::testing::source_dir()) / "configs" / "fewshot";
  int sweeps = 0;
  for (const auto& e : std::filesystem::directory_iterator(root)) {
    if (e.path().filename().string()[0] == '_') continue;
    SCOPED_TRACE(e.path().string());
    const FewshotConfig c = load_fewshot_config(e.path().string(), {});
    // Pixels and eigenfaces have nothing to fine-tune: a fine-tuning sweep's baseline is the
    // untrained encoder.
    const bool finetune_only = c.protocols == std::vector<std::string>{"finetune"};
    EXPECT_GE(c.encoders.size(), finetune_only ? 2u : 4u) << "a sweep compares against its baselines";
    ++sweeps;
  }
  EXPECT_GE(sweeps, 3);
}

TEST(Recipes, EveryRecipeWithEvaluationsSelectsOnValidationDataNeverOnTestData) {
  register_everything();
  const std::filesystem::path root = std::filesystem::path(facerep::testing::source_dir()) / "configs";
  std::vector<std::string> files = {(root / "quickstart.yaml").string()};
  for (const char* folder : {"recognition", "pretrain", "real_faces"})
    for (const auto& e : std::filesystem::directory_iterator(root / folder))
      if (e.path().filename().string()[0] != '_') files.push_back(e.path().string());
  for (const auto& f : files) {
    SCOPED_TRACE(f);
    // The resolved config shows every evaluation's role, defaults included.
    const YAML::Node evals = YAML::Load(experiment_to_yaml(load_experiment(f, {})))["eval"];
    if (!evals || evals.size() == 0) continue;
    std::vector<std::string> validation, test;
    for (const auto& e : evals)
      (e["role"].as<std::string>() == "validation" ? validation : test).push_back(YAML::Dump(e["data"]["source"]));
    EXPECT_FALSE(validation.empty());
    EXPECT_FALSE(test.empty());
    for (const auto& v : validation)
      for (const auto& t : test) EXPECT_NE(v, t) << "a validation evaluation uses test data";
  }
}

TEST(Recipes, TinyArcFaceTrainsThroughTheRealPipeline) {
  facerep::testing::TempDir dir;
  const TrainResult r = train_recipe(
      "recognition/tiny_arcface.yaml",
      {"data.train.source.identities=8", "data.train.source.per_identity=8", "train.batch_size=16", "train.epochs=5",
       "train.steps=0", "eval=[]", "run.threads=1", "run.log_level=warn", "data.loader.workers=0",
       "schedule.warmup_steps=2", "optim.lr=0.05"},
      dir);
  ASSERT_EQ(r.steps, 20);  // 64 images / 16 = 4 per epoch × 5
  double first = 0, last = 0;
  for (int i = 0; i < 4; ++i) first += r.history[i].scalars.at("loss") / 4;
  for (int i = 16; i < 20; ++i) last += r.history[i].scalars.at("loss") / 4;
  EXPECT_LT(last, 0.8 * first) << "first epoch " << first << ", last epoch " << last;
  auto [model, config] = load_checkpoint_model(dir.file("checkpoints/last.ckpt"));
  EXPECT_EQ(config.model.type, "mobilefacenet");
  EXPECT_EQ(model->image_size(), 32);
}

TEST(Recipes, TinyMaeEvaluatesReconstructionWithGridsIntoOneEventFile) {
  facerep::testing::TempDir dir;
  const TrainResult r = train_recipe(
      "pretrain/tiny_mae.yaml",
      {"data.train.source.identities=4", "data.train.source.per_identity=4", "train.batch_size=8", "train.steps=4",
       "train.eval_every=2", "run.threads=1", "run.log_level=warn", "data.loader.workers=0",
       "eval=[{type: reconstruction, data: {source: {type: synthetic, identities: 2, per_identity: 5, size: 32, "
       "seed: 1000}}, batch_size: 4, max_images: 9, grid_samples: 3}]"},
      dir);
  ASSERT_EQ(r.evaluations.size(), 2u);  // at step 2 and at the end
  for (const auto& e : r.evaluations) {
    EXPECT_EQ(e.name, "reconstruction");
    EXPECT_EQ(e.metrics.at("images"), 9.0);  // batches of 4, 4, 1
    EXPECT_GT(e.metrics.at("loss"), 0.0);
    EXPECT_TRUE(e.primary.empty()) << "a diagnostic must not pick the best checkpoint";
  }
  for (const char* step : {"2", "4"}) {
    const std::filesystem::path png = dir.path() / "eval" / (std::string("reconstruction-") + step) / "reconstruction.png";
    ASSERT_TRUE(std::filesystem::exists(png)) << png;
    EXPECT_GT(std::filesystem::file_size(png), 100u);
  }
  // Training and evaluation scalars share one TensorBoard file.
  int event_files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path()))
    event_files += e.path().filename().string().rfind("events.out.tfevents", 0) == 0;
  EXPECT_EQ(event_files, 1);
}

TEST(Recipes, ReconstructionEvaluationNeedsAMaskedAutoencoder) {
  facerep::testing::TempDir dir;
  try {
    train_recipe("recognition/tiny_arcface.yaml",
                 {"data.train.source.identities=4", "data.train.source.per_identity=4", "train.batch_size=8",
                  "train.steps=1", "run.threads=1", "run.log_level=warn", "data.loader.workers=0",
                  "eval=[{type: reconstruction, data: {source: {type: synthetic, identities: 2, per_identity: 2, size: "
                  "32}}}]"},
                 dir);
    FAIL() << "expected a ConfigError";
  } catch (const core::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("this objective cannot reconstruct"), std::string::npos) << e.what();
  }
}


// The real-face FSFM recipes give each of the four databases in ../shared/data its own region
// template: every database matches an entry (none falls to from: landmarks and stops), and the
// eyes land where that database frames them (Yale B's tight crops high, ORL's lower).
TEST(Recipes, RealFaceFsfmRegionTemplatesFitEachDatabase) {
  const std::string shared = facerep::testing::shared_data_dir();
  if (shared.empty()) GTEST_SKIP() << "no ../shared/data";
  register_everything();
  const std::filesystem::path root = std::filesystem::path(facerep::testing::source_dir()) / "configs/real_faces";
  for (const char* recipe : {"tiny_fsfm.yaml", "tiny_fsfm_64.yaml"}) {
    SCOPED_TRACE(recipe);
    const ExperimentConfig config = load_experiment((root / recipe).string(), {});
    const auto transforms = data::build_transforms(config.data.train.transforms);
    std::map<std::string, double> eye_height;  // database -> mean row of its eye pixels / height
    for (const char* db : {"orl", "extended_yaleb", "georgia_tech", "umist"}) {
      std::string file;
      for (const auto& e : std::filesystem::recursive_directory_iterator(std::filesystem::path(shared) / db))
        if (e.is_regular_file() && (file.empty() || e.path().string() < file)) file = e.path().string();
      ASSERT_FALSE(file.empty()) << db;
      data::Sample s;
      s.path = file;
      s.image = cv::imread(file, cv::IMREAD_COLOR);
      ASSERT_FALSE(s.image.empty()) << file;
      std::mt19937_64 rng(0);
      for (const auto& t : transforms)
        if (!t->augments()) t->apply(s, rng);  // resize and face_regions; the flip is left out
      ASSERT_FALSE(s.region_map.empty()) << file;
      const cv::Mat eyes = (s.region_map == static_cast<int>(data::Region::kRightEye)) |
                           (s.region_map == static_cast<int>(data::Region::kLeftEye));
      ASSERT_GT(cv::countNonZero(eyes), 0) << file;
      cv::Mat rows;
      cv::findNonZero(eyes, rows);
      double sum = 0;
      for (int i = 0; i < rows.rows; ++i) sum += rows.at<cv::Point>(i).y;
      eye_height[db] = sum / rows.rows / s.region_map.rows;
    }
    EXPECT_NEAR(eye_height["extended_yaleb"], 0.24, 0.05);
    EXPECT_NEAR(eye_height["orl"], 0.45, 0.05);
    EXPECT_NEAR(eye_height["georgia_tech"], 0.47, 0.05);
    EXPECT_NEAR(eye_height["umist"], 0.42, 0.05);
  }
}

}  // namespace
}  // namespace facerep::trainers
