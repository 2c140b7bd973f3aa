// `facerep cv` without training: evaluations inheriting the training split, the plan of
// (variant, seed, fold) runs, the `cv:` section's checks, and the report's statistics.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include <yaml-cpp/yaml.h>

#include "core/error.h"
#include "data/sources/subject_fold.h"
#include "test_support.h"
#include "trainers/cv/cv_plan.h"
#include "trainers/cv/cv_report.h"
#include "trainers/experiment_config.h"

namespace facerep::trainers {
namespace {

const char* kFolds =
    "data:\n"
    "  train:\n"
    "    source: {type: subject_fold, source: {type: synthetic, identities: 9, per_identity: 2, size: 16}, folds: 3,"
    " seed: 4}\n"
    "eval:\n"
    "  - type: verification\n"
    "    data: {source: {type: subject_fold, part: test}}\n"
    "    pairs: generate\n"
    "  - type: verification\n"
    "    role: validation\n"
    "    data: {source: {type: subject_fold, part: validation}}\n"
    "    pairs: generate\n";

ExperimentConfig load(const std::string& yaml, const std::vector<std::string>& sets = {}) {
  core::ConfigTree t = core::ConfigTree::load_string(yaml, "c.yaml");
  for (const auto& s : sets) t.apply_override(s);
  return load_experiment_tree(t);
}

TEST(CvInheritance, EvaluationsTakeTheTrainingSplit) {
  const ExperimentConfig c = load(kFolds, {"data.train.source.fold=2"});
  ASSERT_EQ(c.eval.size(), 2u);
  const YAML::Node resolved = YAML::Load(experiment_to_yaml(c));
  for (int i = 0; i < 2; ++i) {
    const YAML::Node s = resolved["eval"][i]["data"]["source"];
    EXPECT_EQ(s["source"]["type"].as<std::string>(), "synthetic");
    EXPECT_EQ(s["source"]["identities"].as<int>(), 9);
    EXPECT_EQ(s["fold"].as<int>(), 2);
    EXPECT_EQ(s["seed"].as<int>(), 4);
    EXPECT_EQ(s["folds"].as<int>(), 3);
  }
  EXPECT_EQ(resolved["eval"][0]["data"]["source"]["part"].as<std::string>(), "test");
  EXPECT_EQ(resolved["eval"][1]["data"]["source"]["part"].as<std::string>(), "validation");
}

TEST(CvInheritance, NeedsASubjectFoldTrainingSource) {
  const std::string msg = testing::config_error_message([] {
    load("eval:\n  - type: verification\n    data: {source: {type: subject_fold, part: test}}\n    pairs: generate\n");
  });
  EXPECT_NE(msg.find("c.yaml:3: eval[0].data.source: a subject_fold without its own 'source:' inherits the split of "
                     "data.train.source, which must then be a subject_fold; it is absent"),
            std::string::npos)
      << msg;
  const std::string other = testing::config_error_message([] {
    load(std::string("data: {train: {source: {type: synthetic}}}\n") +
         "eval:\n  - {type: verification, threshold_data: {source: {type: subject_fold, part: test}}}\n");
  });
  EXPECT_NE(other.find("eval[0].threshold_data.source"), std::string::npos) << other;
  EXPECT_NE(other.find("it is 'synthetic'"), std::string::npos) << other;
}

TEST(CvInheritance, AnEvaluationMayNotChangeTheSplitOrOmitThePart) {
  EXPECT_NE(testing::config_error_message([] { load(kFolds, {"eval[0].data.source.fold=1"}); })
                .find("eval[0].data.source.fold: inherited from data.train.source"),
            std::string::npos);
  EXPECT_NE(testing::config_error_message([] { load(kFolds, {"eval[0].data.source={type: subject_fold}"}); })
                .find("eval[0].data.source.part: missing"),
            std::string::npos);
}

TEST(CvPlan, OneRunPerVariantSeedAndFold) {
  const std::string yaml = std::string(kFolds) +
                           "cv:\n  variants:\n    - {name: base}\n    - {name: small, set: ['train.batch_size=8']}\n"
                           "  seeds: [3, 5]\n";
  const core::ConfigTree t = core::ConfigTree::load_string(yaml, "c.yaml");
  const CvPlan plan = make_cv_plan(t, "/cv");
  EXPECT_EQ(plan.folds, 3);
  EXPECT_TRUE(plan.seeds_listed);
  EXPECT_EQ(plan.variants, (std::vector<std::string>{"base", "small"}));
  ASSERT_EQ(plan.jobs.size(), 2u * 2u * 3u);
  const CvJob& j = plan.jobs[3 + 2];  // base, seed 5, fold 2
  EXPECT_EQ(j.dir, "/cv/base/seed-5/fold-2");
  EXPECT_EQ(j.config.run.seed, 5u);
  EXPECT_EQ(data::subject_fold_options(j.config.data.train.source)->fold, 2);
  // The test evaluation follows the fold.
  EXPECT_EQ(YAML::Load(experiment_to_yaml(j.config))["eval"][0]["data"]["source"]["fold"].as<int>(), 2);
  EXPECT_EQ(j.config.train.batch_size, plan.jobs[0].config.train.batch_size);
  EXPECT_EQ(plan.jobs[6].variant, "small");
  EXPECT_EQ(plan.jobs[6].config.train.batch_size, 8);

  // No cv section: one variant named run, run.seed alone, folder without a seed level.
  // --folds-only 1: every fold planned (the report covers them), fold 1 alone selected to run.
  const CvPlan plain = make_cv_plan(core::ConfigTree::load_string(kFolds, "c.yaml"), "/cv", {1});
  ASSERT_EQ(plain.jobs.size(), 3u);
  EXPECT_FALSE(plain.seeds_listed);
  EXPECT_EQ(plain.jobs[1].dir, "/cv/run/fold-1");
  EXPECT_EQ(plain.jobs[0].selected, false);
  EXPECT_EQ(plain.jobs[1].selected, true);
}

TEST(CvPlan, TheShippedExamplePlansEveryVariantAndFold) {
  const std::string file = testing::source_dir() + "/configs/iat/cv_tiny_arcface.yaml";
  const CvPlan plan = make_cv_plan(core::ConfigTree::load_file(file), "cv");
  EXPECT_EQ(plan.folds, 3);
  ASSERT_EQ(plan.jobs.size(), 6u);
  for (const auto& job : plan.jobs) {
    // Test and validation evaluations name the same fold as training.
    const YAML::Node evals = YAML::Load(experiment_to_yaml(job.config))["eval"];
    for (const auto& e : evals) EXPECT_EQ(e["data"]["source"]["fold"].as<int>(), job.fold);
  }
}

TEST(CvPlan, ErrorsNameTheKey) {
  const auto plan_of = [](const std::string& yaml, const std::vector<int>& only = {}) {
    make_cv_plan(core::ConfigTree::load_string(yaml, "c.yaml"), "/cv", only);
  };
  EXPECT_NE(testing::config_error_message([&] { plan_of("train: {steps: 1}\n"); })
                .find("data.train.source: facerep cv needs a subject_fold source here"),
            std::string::npos);
  EXPECT_NE(testing::config_error_message([&] { plan_of(kFolds, {3}); }).find("--folds-only: fold 3 does not exist"),
            std::string::npos);
  EXPECT_NE(testing::config_error_message([&] {
              plan_of(std::string(kFolds) + "cv: {variants: [{name: a}, {name: a}]}\n");
            }).find("cv.variants[1].name: 'a' is used by two variants"),
            std::string::npos);
  EXPECT_NE(testing::config_error_message([&] {
              plan_of(std::string(kFolds) + "cv: {variants: [{name: a, set: ['train.batch_size=-1']}]}\n");
            }).find("cv.variants[0].set: train.batch_size"),
            std::string::npos);
  EXPECT_NE(testing::config_error_message([&] {
              plan_of(std::string(kFolds) + "cv: {variants: [{name: a, set: ['data.train.source.folds=2']}]}\n");
            }).find("changes data.train.source.folds"),
            std::string::npos);
  EXPECT_EQ(parse_fold_list("2,0,2", "--folds-only"), (std::vector<int>{2, 0}));
  EXPECT_NE(testing::config_error_message([] { parse_fold_list("1,x", "--folds-only"); }).find("--folds-only"),
            std::string::npos);
}

TEST(CvReport, MeanAndSampleStd) {
  const MeanStd s = mean_std({0.5, 0.7, 0.9, std::nan("")});
  EXPECT_EQ(s.n, 3);
  EXPECT_DOUBLE_EQ(s.mean, 0.7);
  EXPECT_NEAR(s.std, 0.2, 1e-12);  // sqrt((0.04 + 0 + 0.04) / 2)
  EXPECT_EQ(mean_std({0.3}).std, 0.0);
}

TEST(CvReport, SideBySideAndPerFoldTables) {
  testing::TempDir dir;
  CvPlan plan;
  plan.folds = 2;
  plan.variants = {"iat", "no_iat"};
  plan.seeds = {0};
  for (const char* v : {"iat", "no_iat"})
    for (int f = 0; f < 2; ++f) plan.jobs.push_back(CvJob{v, 0, f, dir.file(std::string(v) + "/fold-" + std::to_string(f)), {}});
  std::vector<CvFoldResult> results = {
      {"iat", 0, 0, "best.ckpt", {{"aus/f1", 0.6}, {"leak/accuracy", 0.2}}},
      {"iat", 0, 1, "best.ckpt", {{"aus/f1", 0.8}, {"leak/accuracy", 0.4}}},
      {"no_iat", 0, 0, "last.ckpt", {{"aus/f1", 0.5}, {"leak/accuracy", 0.9}}},
  };
  const std::string md = write_cv_report(dir.str(), plan, results);
  EXPECT_NE(md.find("| metric | iat | no_iat |"), std::string::npos) << md;
  EXPECT_NE(md.find("| aus/f1 | 0.7000 ± 0.1414 (2) | 0.5000 (1) |"), std::string::npos) << md;
  EXPECT_NE(md.find("mean ± std over folds (n)"), std::string::npos) << md;
  EXPECT_NE(md.find("| 1 | best.ckpt | 0.8000 | 0.4000 |"), std::string::npos) << md;
  EXPECT_NE(md.find("- no_iat, fold 1"), std::string::npos) << md;  // not finished
  const YAML::Node js = YAML::LoadFile(dir.file("cv.json"));
  EXPECT_EQ(js["runs"].size(), 3u);
  EXPECT_NEAR(js["summary"]["iat"]["leak/accuracy"]["mean"].as<double>(), 0.3, 1e-12);
  EXPECT_EQ(js["summary"]["iat"]["leak/accuracy"]["n"].as<int>(), 2);
  EXPECT_TRUE(js["summary"]["no_iat"]["aus/f1"]["std"].IsNull());
  EXPECT_EQ(js["missing"][0]["variant"].as<std::string>(), "no_iat");
  EXPECT_EQ(js["aggregated_over"].as<std::string>(), "folds");
}

}  // namespace
}  // namespace facerep::trainers
