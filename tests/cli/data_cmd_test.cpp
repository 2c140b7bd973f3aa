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
