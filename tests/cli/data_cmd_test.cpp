#include <gtest/gtest.h>

#include <filesystem>

#include "test_support.h"

namespace facerep {
namespace {

std::string run(const std::string& args, int* code) {
  std::string out;
  *code = testing::run_command(testing::binary_path() + " " + args, &out);
  return out;
}

TEST(DataCommand, SynthPackCheckRoundTrip) {
  testing::TempDir dir;
  int code = -1;
  std::string out = run("data synth --out " + dir.file("s") + " --identities 3 --per-identity 2 --size 32", &code);
  ASSERT_EQ(code, 0) << out;
  EXPECT_NE(out.find("wrote 6 images of 3 identities"), std::string::npos) << out;
  EXPECT_TRUE(std::filesystem::exists(dir.file("s/labels.csv")));

  out = run("data pack --in " + dir.file("s") + " --out " + dir.file("s.frp") + " --size 32", &code);
  ASSERT_EQ(code, 0) << out;
  EXPECT_NE(out.find("wrote 6 samples"), std::string::npos) << out;

  out = run("data check " + dir.file("s.frp"), &code);
  EXPECT_EQ(code, 0) << out;
  EXPECT_NE(out.find("identities: 3"), std::string::npos) << out;
  EXPECT_NE(out.find("images per identity: min 2, median 2, max 2"), std::string::npos) << out;
  EXPECT_NE(out.find("unreadable: 0"), std::string::npos) << out;

  // A broken file: check exits 1 and names it with the reason.
  testing::write_file(dir.file("s/images/1/0.png"), "");
  out = run("data check " + dir.file("s"), &code);
  EXPECT_EQ(code, 1) << out;
  EXPECT_NE(out.find(dir.file("s/images/1/0.png") + ": empty file (zero bytes)"), std::string::npos) << out;
}

// A training run over a folder with one broken image and on_error: skip reports, at its end and
// in metrics.jsonl, that one distinct file was skipped, met in every epoch, and names it once.
TEST(DataCommand, TrainingReportsSkippedFilesAtItsEnd) {
  testing::TempDir dir;
  int code = -1;
  std::string out = run("data synth --out " + dir.file("s") + " --identities 4 --per-identity 4 --size 32", &code);
  ASSERT_EQ(code, 0) << out;
  testing::write_file(dir.file("s/images/2/1.png"), "not a png");
  out = run("train " + testing::source_dir() + "/configs/recognition/tiny_arcface.yaml --set run.root=" +
                dir.file("runs") + " --set 'eval=[]' --set run.threads=1 --set data.loader.workers=1" +
                " --set 'data.train.source={type: image_folder, root: " + dir.file("s/images") + "}'" +
                " --set data.train.on_error=skip --set data.train.max_skipped=1 --set train.batch_size=4" +
                " --set data.loader.drop_last=false --set train.epochs=3 --set train.log_every=100",
            &code);
  ASSERT_EQ(code, 0) << out;
  EXPECT_NE(out.find("data: 1 distinct sample(s) skipped ("), std::string::npos) << out;
  EXPECT_EQ(out.find("WARN skipped"), out.rfind("WARN skipped")) << "named once:\n" << out;
  std::string metrics;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir.file("runs")))
    if (e.path().filename() == "metrics.jsonl") metrics = testing::read_file(e.path().string());
  EXPECT_NE(metrics.find("\"phase\": \"data\""), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("\"skipped_samples\": 1"), std::string::npos) << metrics;
  // Met in each of the 3 epochs (and perhaps once more by the loader's read-ahead).
  const size_t events = metrics.rfind("\"skip_events\": ");
  ASSERT_NE(events, std::string::npos) << metrics;
  EXPECT_GE(std::stoi(metrics.substr(events + 15)), 3) << metrics;
}

TEST(DataCommand, ShowDrawsAContactSheetFromAConfigOrAPath) {
  testing::TempDir dir;
  int code = -1;
  testing::write_file(dir.file("c.yaml"),
                      "data:\n  train:\n    source: {type: synthetic, identities: 3, per_identity: 2, size: 32}\n"
                      "    transforms: [{type: horizontal_flip}]\n");
  std::string out = run("data show " + dir.file("c.yaml") + " --count 4 --out " + dir.file("c.png") +
                            " --set data.train.source.size=48",
                        &code);
  ASSERT_EQ(code, 0) << out;
  EXPECT_NE(out.find("wrote " + dir.file("c.png")), std::string::npos) << out;
  // 4 cells of 48 px upscaled to 128: a 2x2 grid, wider than two cells.
  EXPECT_GT(std::filesystem::file_size(dir.file("c.png")), 1000u);
  ASSERT_EQ(run("data synth --out " + dir.file("s") + " --identities 2 --per-identity 2 --size 32", &code).empty(), false);
  out = run("data show " + dir.file("s") + " --count 2 --out " + dir.file("s.png"), &code);
  EXPECT_EQ(code, 0) << out;
  EXPECT_TRUE(std::filesystem::exists(dir.file("s.png")));
  out = run("data show " + dir.file("c.yaml") + " --count 0", &code);
  EXPECT_EQ(code, 2) << out;
  EXPECT_NE(out.find("--count must be >= 1"), std::string::npos) << out;
}

TEST(DataCommand, UsageErrorsExitTwo) {
  int code = -1;
  std::string out = run("data synth", &code);
  EXPECT_EQ(code, 2) << out;
  EXPECT_NE(out.find("--out DIR is required"), std::string::npos) << out;
  out = run("data frobnicate", &code);
  EXPECT_EQ(code, 2) << out;
  out = run("data check /definitely/not/here", &code);
  EXPECT_EQ(code, 2) << out;
  EXPECT_NE(out.find("no such file or folder"), std::string::npos) << out;
}

}  // namespace
}  // namespace facerep
