// `facerep sweep` / `facerep fewshot` end to end on tiny synthetic data: tables, plots, resume,
// and bad input stopped before the first cell.
#include <gtest/gtest.h>

#include <filesystem>

#include "test_support.h"

namespace facerep {
namespace {

const char* const kEncoders =
    "  - {type: model, name: pixels, model: {type: pixels, image_size: 16, grid: 4}}\n"
    "  - {type: model, name: eigenfaces, model: {type: pixels, image_size: 16}, pca: 8}\n";

std::string sweep_config(const testing::TempDir& dir, const std::string& encoders = kEncoders) {
  return "run: {name: s, root: " + dir.file("runs") + ", threads: 1}\n"
         "encoders:\n" + encoders +
         "data:\n  source: {type: synthetic, identities: 5, per_identity: 6, size: 16, seed: 9}\n"
         "tasks: [identity, attributes, landmarks]\n"
         "protocols: [linear, knn, centroid]\n"
         "shots: [1, 2]\n"
         "seeds: [0, 1]\n";
}

size_t lines(const std::string& text) { return static_cast<size_t>(std::count(text.begin(), text.end(), '\n')); }

TEST(FewshotCli, SweepWritesTablesAndPlotsAndResumesWithoutRedoingCells) {
  testing::TempDir dir;
  testing::write_file(dir.file("s.yaml"), sweep_config(dir));
  std::string out;
  ASSERT_EQ(testing::run_facerep("sweep " + dir.file("s.yaml"), &out), 0) << out;
  // 2 encoders x (3 tasks x 2 protocols + identity x centroid) x 2 shots x 2 seeds = 56.
  EXPECT_NE(out.find("(56 cells run, 0 failed, 0 already done)"), std::string::npos) << out;
  EXPECT_NE(out.find("## identity, centroid: accuracy"), std::string::npos) << out;
  EXPECT_NE(out.find("## landmarks, linear: nme"), std::string::npos) << out;
  const std::string root = dir.file("runs/s");
  EXPECT_EQ(lines(testing::read_file(root + "/results.csv")), 57u);
  EXPECT_EQ(lines(testing::read_file(root + "/results.jsonl")), 56u);
  EXPECT_TRUE(std::filesystem::exists(root + "/plots/identity-linear.png"));
  EXPECT_TRUE(std::filesystem::exists(root + "/plots/landmarks-knn.png"));
  // Rerun: nothing to do. Then one more seed: only the new cells run.
  ASSERT_EQ(testing::run_facerep("sweep " + dir.file("s.yaml"), &out), 0) << out;
  EXPECT_NE(out.find("(0 cells run, 0 failed, 56 already done)"), std::string::npos) << out;
  ASSERT_EQ(testing::run_facerep("sweep " + dir.file("s.yaml") + " --set 'seeds=[0, 1, 2]'", &out), 0) << out;
  EXPECT_NE(out.find("(28 cells run, 0 failed, 56 already done)"), std::string::npos) << out;
  // One cell through `facerep fewshot` is already done in the same log.
  ASSERT_EQ(testing::run_facerep("fewshot " + dir.file("s.yaml") + " --encoder pixels --task identity --protocol knn --amount 2 "
                    "--seed 1",
                    &out),
            0)
      << out;
  EXPECT_NE(out.find("| pixels |"), std::string::npos) << out;
}

TEST(FewshotCli, ParsingAndVerificationRunTheProtocolsThatApply) {
  testing::TempDir dir;
  const char* const pixels = "  - {type: model, name: pixels, model: {type: pixels, image_size: 16, grid: 4}}\n";
  testing::write_file(dir.file("t.yaml"), sweep_config(dir, pixels));
  std::string out;
  ASSERT_EQ(testing::run_facerep("sweep " + dir.file("t.yaml") +
                                     " --set 'tasks=[parsing, verification]' --set parsing_size=8 --set 'seeds=[0]'",
                                 &out),
            0)
      << out;
  // parsing x linear, verification x linear, verification x centroid; knn applies to neither.
  EXPECT_NE(out.find("(6 cells run, 0 failed, 0 already done)"), std::string::npos) << out;
  EXPECT_NE(out.find("## parsing, linear: miou"), std::string::npos) << out;
  EXPECT_NE(out.find("## verification, centroid: accuracy"), std::string::npos) << out;
  EXPECT_EQ(out.find("## parsing, knn"), std::string::npos) << out;
  EXPECT_TRUE(std::filesystem::exists(dir.file("runs/s/plots/verification-linear.png")));
}

TEST(FewshotCli, ParsingWithoutRegionMapsStopsBeforeTheFirstCell) {
  testing::TempDir dir;
  std::string out;
  ASSERT_EQ(testing::run_facerep("data synth --out " + dir.file("faces") + " --identities 3 --per-identity 4 --size 16",
                                 &out),
            0)
      << out;
  // A folder of images: identities, no region maps.
  testing::write_file(dir.file("p.yaml"),
                      "run: {name: s, root: " + dir.file("runs") + ", threads: 1}\n"
                      "encoders:\n" + kEncoders +
                      "data:\n  source: {type: image_folder, root: " + dir.file("faces/images") + "}\n"
                      "tasks: [identity, parsing]\nshots: [1]\nseeds: [0]\n");
  ASSERT_EQ(testing::run_facerep("sweep " + dir.file("p.yaml"), &out), 2) << out;
  EXPECT_NE(out.find("tasks: task parsing: the data has no region maps"), std::string::npos) << out;
  EXPECT_FALSE(std::filesystem::exists(dir.file("runs/s/results.jsonl")));
}

TEST(FewshotCli, BadRequestsStopBeforeTheFirstCell) {
  testing::TempDir dir;
  std::string out;
  testing::write_file(dir.file("shots.yaml"), sweep_config(dir));
  ASSERT_EQ(testing::run_facerep("sweep " + dir.file("shots.yaml") + " --set 'shots=[5]'", &out), 2) << out;
  EXPECT_NE(out.find("class 0"), std::string::npos) << out;
  EXPECT_FALSE(std::filesystem::exists(dir.file("runs/s/results.jsonl")));
  testing::write_file(dir.file("ckpt.yaml"),
                      sweep_config(dir, "  - {type: checkpoint, name: x, path: missing.ckpt}\n"));
  ASSERT_EQ(testing::run_facerep("sweep " + dir.file("ckpt.yaml"), &out), 2) << out;
  EXPECT_NE(out.find("missing.ckpt does not exist"), std::string::npos) << out;
  testing::write_file(dir.file("typo.yaml"), sweep_config(dir, "  - {type: modle, name: x}\n"));
  ASSERT_EQ(testing::run_facerep("sweep " + dir.file("typo.yaml"), &out), 2) << out;
  EXPECT_NE(out.find("did you mean model"), std::string::npos) << out;
}

}  // namespace
}  // namespace facerep
