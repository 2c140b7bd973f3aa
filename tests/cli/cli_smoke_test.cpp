// The real binary, end to end: help, exit codes, config errors as users see them.
#include <gtest/gtest.h>

#include <yaml-cpp/yaml.h>

#include "core/version.h"
#include "test_support.h"

namespace facerep::cli {
namespace {

int facerep(const std::string& args, std::string* out) {
  return testing::run_command(testing::binary_path() + " " + args, out);
}

TEST(Cli, AppHelpListsEveryCommand) {
  std::string out;
  ASSERT_EQ(facerep("--help", &out), 0) << out;
  for (const char* c : {"train", "eval", "fewshot", "sweep", "cv", "data", "config", "export", "embed",
                        "viz", "bench data", "bench train", "bench classifier", "info"})
    EXPECT_NE(out.find("\n  " + std::string(c) + " "), std::string::npos) << c << "\n" << out;
  EXPECT_EQ(facerep("", &out), 2);
  EXPECT_NE(out.find("usage: facerep <command>"), std::string::npos);
}

TEST(Cli, Version) {
  std::string out;
  ASSERT_EQ(facerep("--version", &out), 0);
  EXPECT_EQ(out, std::string("facerep ") + core::kVersion + "\n");
}

TEST(Cli, UnknownCommandSuggestsTheNearest) {
  std::string out;
  EXPECT_EQ(facerep("trian", &out), 2);
  EXPECT_EQ(out, "facerep: unknown command 'trian' (did you mean train?); see facerep --help\n");
  EXPECT_EQ(facerep("bench", &out), 2);
  EXPECT_NE(out.find("facerep: bench: missing subcommand (one of: data, train, classifier)"), std::string::npos) << out;
  EXPECT_EQ(facerep("bench gpu", &out), 2);
  EXPECT_NE(out.find("unknown subcommand 'gpu'"), std::string::npos) << out;
  EXPECT_EQ(facerep("bench --help", &out), 0);
}

class CliSubcommandHelp : public ::testing::TestWithParam<const char*> {};

TEST_P(CliSubcommandHelp, PrintsUsageAndExitsZero) {
  const std::string c = GetParam();
  std::string out;
  EXPECT_EQ(facerep(c + " --help", &out), 0) << out;
  EXPECT_NE(out.find("facerep " + c), std::string::npos) << out;
}

INSTANTIATE_TEST_SUITE_P(Cli, CliSubcommandHelp,
                         ::testing::Values("train", "eval", "fewshot", "sweep", "cv", "data", "config",
                                           "export", "embed", "viz", "bench data", "bench train",
                                           "bench classifier", "info"));

TEST(Cli, BenchClassifierPrintsMemoryPerRank) {
  std::string out;
  ASSERT_EQ(facerep("bench classifier --classes 50 --dim 8 --batch 8 --sample-rate 0.5", &out), 0) << out;
  EXPECT_NE(out.find("\"world\": 1"), std::string::npos) << out;
  EXPECT_NE(out.find("\"centres\": 50"), std::string::npos) << out;
  EXPECT_NE(out.find("\"weights_mb\": "), std::string::npos) << out;
  EXPECT_EQ(facerep("bench classifier --sample-rate 0", &out), 2) << out;
}

TEST(Cli, ConfigValidateReportsFileLineKeyAndExitsTwo) {
  testing::TempDir dir;
  testing::write_file(dir.file("good.yaml"), "train:\n  epochs: 2\n");
  testing::write_file(dir.file("bad.yaml"), "train:\n  epochs: 0\n");
  testing::write_file(dir.file("typo.yaml"), "train:\n  epoch: 3\n");
  std::string out;
  EXPECT_EQ(facerep("config validate " + dir.file("good.yaml"), &out), 0) << out;
  EXPECT_EQ(out, "ok: " + dir.file("good.yaml") + "\n");
  EXPECT_EQ(facerep("config validate " + dir.file("good.yaml") + " " + dir.file("bad.yaml") + " " +
                        dir.file("typo.yaml"),
                    &out),
            2);
  EXPECT_NE(out.find("ok: " + dir.file("good.yaml") + "\n"), std::string::npos) << out;
  EXPECT_NE(out.find(dir.file("bad.yaml") + ":2: train.epochs: must be >= 1, got 0\n"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find(dir.file("typo.yaml") + ":2: train.epoch: unknown key (did you mean train.epochs?)"),
            std::string::npos)
      << out;
  // --set applies to every file and is reported as such.
  EXPECT_EQ(facerep("config validate " + dir.file("good.yaml") + " --set train.epochs=-1", &out), 2);
  EXPECT_NE(out.find("--set: train.epochs: must be >= 1, got -1"), std::string::npos) << out;
}

TEST(Cli, ConfigShowPrintsResolvedYamlWithDefaults) {
  testing::TempDir dir;
  testing::write_file(dir.file("c.yaml"), "train:\n  epochs: 3\n");
  std::string out;
  ASSERT_EQ(facerep("config show " + dir.file("c.yaml") + " --set run.seed=7", &out), 0) << out;
  const YAML::Node resolved = YAML::Load(out);
  EXPECT_EQ(resolved["train"]["epochs"].as<int>(), 3);
  EXPECT_EQ(resolved["run"]["seed"].as<int>(), 7);
  EXPECT_EQ(resolved["run"]["name"].as<std::string>(), "run");  // a default, filled in
  EXPECT_TRUE(resolved["model"]["type"]) << out;
}

TEST(Cli, SetValuesKeepTheirCommas) {
  testing::TempDir dir;
  testing::write_file(dir.file("c.yaml"), "train:\n  epochs: 3\n");
  std::string out;
  ASSERT_EQ(facerep("config show " + dir.file("c.yaml") +
                        " --set 'eval=[{type: kshot, ways: 3}, {type: identification}]' --set 'data.train.source={type: "
                        "synthetic, identities: 7}'",
                    &out),
            0)
      << out;
  const YAML::Node resolved = YAML::Load(out);
  ASSERT_EQ(resolved["eval"].size(), 2u) << out;
  EXPECT_EQ(resolved["eval"][0]["ways"].as<int>(), 3);
  EXPECT_EQ(resolved["eval"][1]["type"].as<std::string>(), "identification");
  EXPECT_EQ(resolved["data"]["train"]["source"]["identities"].as<int>(), 7);
}

TEST(Cli, EvalWithoutCheckpointScoresTheModelAsBuilt) {
  testing::TempDir dir;
  // Raw pixels on synthetic faces: nothing to train, the baseline of every report.
  testing::write_file(dir.file("c.yaml"),
                      "model: {type: pixels, image_size: 32}\n"
                      "eval:\n  - type: kshot\n    data: {source: {type: synthetic, identities: 6, per_identity: 4, "
                      "size: 32, seed: 1000}}\n    ways: 3\n    episodes: 20\n    queries: 2\n");
  std::string out;
  ASSERT_EQ(facerep("eval " + dir.file("c.yaml") + " --out " + dir.file("ev") + " --set run.threads=1", &out), 0) << out;
  EXPECT_NE(out.find("eval kshot (test): accuracy="), std::string::npos) << out;
  const YAML::Node r = YAML::LoadFile(dir.file("ev/kshot/results.json"));
  EXPECT_GT(r["metrics"]["accuracy"].as<double>(), 1.0 / 3.0) << "raw pixels tell synthetic identities apart";
}

TEST(Cli, MissingConfigFileAndMissingArgumentAreUsageErrors) {
  std::string out;
  EXPECT_EQ(facerep("config show /nonexistent/x.yaml", &out), 2);
  EXPECT_EQ(out, "facerep: /nonexistent/x.yaml: no such config file\n");
  EXPECT_EQ(facerep("config show", &out), 2);
  EXPECT_NE(out.find("facerep config show: missing CONFIG"), std::string::npos) << out;
  EXPECT_EQ(facerep("config show --bogus", &out), 2);
  EXPECT_NE(out.find("bogus"), std::string::npos) << out;
  EXPECT_EQ(facerep("config frobnicate", &out), 2);
}

TEST(Cli, InfoPrintsTheBlasLine) {
  std::string out;
  ASSERT_EQ(facerep("info", &out), 0) << out;
  EXPECT_NE(out.find("\nBLAS:       "), std::string::npos) << out;
  EXPECT_NE(out.find("LibTorch:   "), std::string::npos) << out;
  // The binary tunes glibc at start-up unless the environment says otherwise.
  EXPECT_NE(out.find("allocator:  "), std::string::npos) << out;
  ASSERT_EQ(testing::run_command("FACEREP_MALLOC=default " + testing::binary_path() + " info", &out), 0);
  EXPECT_NE(out.find("allocator:  glibc default (FACEREP_MALLOC=default)"), std::string::npos) << out;
  // Where the loaded BLAS is a pthread OpenBLAS, the binary also stops its idle workers spinning.
  if (out.find("(pthread)") != std::string::npos) {
    EXPECT_NE(out.find("  idle      OpenBLAS workers sleep after 2^16 idle cycles"), std::string::npos) << out;
    ASSERT_EQ(testing::run_command("env -u OPENBLAS_THREAD_TIMEOUT FACEREP_BLAS_SPIN=default " + testing::binary_path() + " info", &out), 0);
    EXPECT_NE(out.find("  idle      OpenBLAS default (FACEREP_BLAS_SPIN=default)"), std::string::npos) << out;
  }
}

TEST(Cli, UnwritableRunRootIsACleanConfigError) {
  testing::TempDir dir;
  testing::write_file(dir.file("blocker"), "a file where a folder should be");
  testing::write_file(dir.file("c.yaml"), "run:\n  root: " + dir.file("blocker") + "\n");
  std::string out;
  const int code = facerep("train " + dir.file("c.yaml"), &out);
  if (out.find("not available yet") != std::string::npos) GTEST_SKIP() << "train not wired yet";
  EXPECT_EQ(code, 2) << out;
  EXPECT_NE(out.find("run.root"), std::string::npos) << out;
  EXPECT_EQ(out.find("terminate called"), std::string::npos) << out;
}

}  // namespace
}  // namespace facerep::cli
