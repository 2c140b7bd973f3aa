// `facerep cv` end to end on tiny synthetic subjects: 2 folds x 2 variants, each trained for a
// few steps, tested on best.ckpt, reported; a rerun skips finished folds and resumes the rest.
#include <gtest/gtest.h>

#include <filesystem>

#include <yaml-cpp/yaml.h>

#include "test_support.h"

namespace facerep::cli {
namespace {
namespace fs = std::filesystem;

std::string tiny_cv_config(const std::string& root) {
  return "run: {name: cvt, root: " + root + ", threads: 1}\n"
         "model: {type: mobilefacenet, embedding_size: 16, image_size: 32, scale: 1, blocks: [1, 1, 1, 1]}\n"
         "objective: {type: arcface}\n"
         "optim: {type: sgd, lr: 0.01}\n"
         "data:\n"
         "  train:\n"
         "    source: {type: subject_fold, source: {type: synthetic, identities: 8, per_identity: 4, size: 32},"
         " folds: 2, validation_fraction: 0.5}\n"
         "  loader: {workers: 0}\n"
         "train: {steps: 2, batch_size: 4, log_every: 1}\n"
         "eval:\n"
         "  - {type: verification, name: test_pairs, data: {source: {type: subject_fold, part: test}},"
         " pairs: generate, num_pairs: 24, folds: 2}\n"
         "  - {type: verification, name: val_pairs, role: validation,"
         " data: {source: {type: subject_fold, part: validation}}, pairs: generate, num_pairs: 12, folds: 2}\n"
         "cv:\n"
         "  variants:\n"
         "    - {name: a}\n"
         "    - {name: b, set: ['optim.lr=0.001']}\n";
}

TEST(CvCli, TrainsEveryVariantAndFoldTestsBestAndSkipsOnRerun) {
  testing::TempDir dir;
  testing::write_file(dir.file("cv.yaml"), tiny_cv_config(dir.file("runs")));
  std::string out;
  ASSERT_EQ(testing::run_facerep("cv " + dir.file("cv.yaml"), &out), 0) << out;
  const std::string cv_md = testing::find_file(dir.file("runs"), "cv.md");
  ASSERT_FALSE(cv_md.empty()) << out;
  const fs::path cv = fs::path(cv_md).parent_path();
  EXPECT_EQ(cv.filename(), "cv");

  for (const char* variant : {"a", "b"}) {
    for (int fold = 0; fold < 2; ++fold) {
      const fs::path run = cv / variant / ("fold-" + std::to_string(fold));
      EXPECT_TRUE(fs::exists(run / "checkpoints" / "best.ckpt")) << run;
      const YAML::Node r = YAML::LoadFile((run / "cv_result.json").string());
      EXPECT_EQ(r["variant"].as<std::string>(), variant);
      EXPECT_EQ(r["fold"].as<int>(), fold);
      EXPECT_EQ(r["checkpoint"].as<std::string>(), "best.ckpt");
      EXPECT_TRUE(r["metrics"]["test_pairs/accuracy"]) << run;
      EXPECT_FALSE(r["metrics"]["val_pairs/accuracy"]) << "validation results are not test results";
      // The fold's resolved config: its fold, the variant's override, the inherited test split.
      const YAML::Node c = YAML::LoadFile((run / "config.yaml").string());
      EXPECT_EQ(c["data"]["train"]["source"]["fold"].as<int>(), fold);
      EXPECT_EQ(c["eval"][0]["data"]["source"]["fold"].as<int>(), fold);
      EXPECT_EQ(c["eval"][0]["data"]["source"]["source"]["identities"].as<int>(), 8);
      EXPECT_DOUBLE_EQ(c["optim"]["lr"].as<double>(), std::string(variant) == "b" ? 0.001 : 0.01);
    }
  }
  const YAML::Node js = YAML::LoadFile((cv / "cv.json").string());
  EXPECT_EQ(js["runs"].size(), 4u);
  EXPECT_EQ(js["missing"].size(), 0u);
  EXPECT_EQ(js["summary"]["a"]["test_pairs/accuracy"]["n"].as<int>(), 2);
  EXPECT_EQ(js["summary"]["b"]["test_pairs/accuracy"]["n"].as<int>(), 2);
  const std::string md = testing::read_file(cv_md);
  EXPECT_NE(md.find("| metric | a | b |"), std::string::npos) << md;
  EXPECT_NE(md.find("| test_pairs/accuracy |"), std::string::npos) << md;

  // Rerun: every fold is done, nothing trains again.
  const auto stamp = fs::last_write_time(cv / "a" / "fold-0" / "cv_result.json");
  ASSERT_EQ(testing::run_facerep("cv " + dir.file("cv.yaml"), &out), 0) << out;
  EXPECT_NE(out.find("a fold 0: done earlier"), std::string::npos) << out;
  EXPECT_NE(out.find("b fold 1: done earlier"), std::string::npos) << out;
  EXPECT_EQ(fs::last_write_time(cv / "a" / "fold-0" / "cv_result.json"), stamp);

  // A fold without its record continues from its checkpoint and is tested again.
  fs::remove(cv / "b" / "fold-1" / "cv_result.json");
  ASSERT_EQ(testing::run_facerep("cv " + dir.file("cv.yaml") + " --folds-only 1", &out), 0) << out;
  EXPECT_NE(out.find("b fold 1: done\n"), std::string::npos) << out;
  EXPECT_NE(testing::read_file((cv / "b" / "fold-1" / "log.txt").string()).find("resuming from"), std::string::npos);
  EXPECT_TRUE(fs::exists(cv / "b" / "fold-1" / "cv_result.json"));
  EXPECT_EQ(YAML::LoadFile((cv / "cv.json").string())["runs"].size(), 4u) << "the report covers every finished fold";

  // --report-only rebuilds the report from the records.
  fs::remove(cv / "cv.json");
  ASSERT_EQ(testing::run_facerep("cv " + dir.file("cv.yaml") + " --report-only", &out), 0) << out;
  EXPECT_EQ(YAML::LoadFile((cv / "cv.json").string())["runs"].size(), 4u);
}

TEST(CvCli, WithoutAValidationEvaluationTestsLastCheckpoint) {
  testing::TempDir dir;
  testing::write_file(dir.file("cv.yaml"), tiny_cv_config(dir.file("runs")));
  std::string out;
  ASSERT_EQ(testing::run_facerep("cv " + dir.file("cv.yaml") + " --folds-only 0 --out " + dir.file("out") +
                                     " --set eval[1].role=test --set 'cv.variants=[{name: only}]'",
                                 &out),
            0)
      << out;
  const fs::path run = fs::path(dir.file("out")) / "only" / "fold-0";
  EXPECT_FALSE(fs::exists(run / "checkpoints" / "best.ckpt"));
  const YAML::Node r = YAML::LoadFile((run / "cv_result.json").string());
  EXPECT_EQ(r["checkpoint"].as<std::string>(), "last.ckpt");
  EXPECT_TRUE(r["metrics"]["val_pairs/accuracy"]) << "both evaluations are test evaluations now";
  EXPECT_NE(testing::read_file((run / "log.txt").string()).find("testing last.ckpt"), std::string::npos);
  // Fold 1 was not run: the report lists it as missing.
  EXPECT_EQ(YAML::LoadFile(dir.file("out/cv.json"))["missing"].size(), 1u);
}

TEST(CvCli, RefusesATrainingSourceWithoutFolds) {
  testing::TempDir dir;
  testing::write_file(dir.file("c.yaml"), "run: {root: " + dir.file("runs") + "}\n");
  std::string out;
  EXPECT_EQ(testing::run_facerep("cv " + dir.file("c.yaml"), &out), 2) << out;
  EXPECT_NE(out.find("data.train.source: facerep cv needs a subject_fold source"), std::string::npos) << out;
  EXPECT_FALSE(fs::exists(dir.file("runs"))) << "nothing is written before the configs check out";
}

}  // namespace
}  // namespace facerep::cli
