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
