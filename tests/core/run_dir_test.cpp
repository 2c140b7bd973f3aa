#include <gtest/gtest.h>

#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.h"
#include "core/run_dir.h"
#include "test_support.h"

namespace facerep::core {
namespace {
namespace fs = std::filesystem;

TEST(RunDir, CreatesTimestampedFolderWithCheckpoints) {
  testing::TempDir root;
  const std::time_t t = 1700000000;
  RunDir run = RunDir::create(root.file("runs"), "mae", t);
  const std::string expected = root.file("runs") + "/mae/" + run_timestamp(t);
  EXPECT_EQ(run.path(), expected);
  EXPECT_TRUE(fs::is_directory(run.checkpoints_dir()));
  EXPECT_EQ(run.checkpoints_dir(), expected + "/checkpoints");
  EXPECT_EQ(run.file("config.yaml"), expected + "/config.yaml");
  EXPECT_EQ(run_timestamp(t).size(), 15u);  // YYYYmmdd-HHMMSS
  EXPECT_EQ(run_timestamp(t)[8], '-');
}

TEST(RunDir, NeverReusesAnExistingFolder) {
  testing::TempDir root;
  const std::time_t t = 1700000000;
  RunDir a = RunDir::create(root.str(), "x", t);
  testing::write_file(a.file("config.yaml"), "keep: me\n");
  RunDir b = RunDir::create(root.str(), "x", t);
  RunDir c = RunDir::create(root.str(), "x", t);
  EXPECT_NE(a.path(), b.path());
  EXPECT_EQ(b.path(), a.path() + "-2");
  EXPECT_EQ(c.path(), a.path() + "-3");
  EXPECT_EQ(testing::read_file(a.file("config.yaml")), "keep: me\n");
}

TEST(RunDir, UnwritableRootIsAConfigError) {
  if (geteuid() == 0) {
    // root ignores permission bits; a path under a regular file fails for everyone.
    testing::TempDir tmp;
    testing::write_file(tmp.file("file"), "x");
    try {
      RunDir::create(tmp.file("file"), "run");
      FAIL() << "expected ConfigError";
    } catch (const ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find("run.root"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(tmp.file("file")), std::string::npos) << e.what();
    }
    return;
  }
  testing::TempDir tmp;
  fs::create_directory(tmp.file("locked"));
  chmod(tmp.file("locked").c_str(), 0500);
  EXPECT_THROW(RunDir::create(tmp.file("locked"), "run"), ConfigError);
  chmod(tmp.file("locked").c_str(), 0700);
}

TEST(RunDir, BadNameIsAConfigError) {
  testing::TempDir tmp;
  EXPECT_THROW(RunDir::create(tmp.str(), "a/b"), ConfigError);
  EXPECT_THROW(RunDir::create(tmp.str(), ".."), ConfigError);
}

TEST(RunDir, OpenNeedsConfigYaml) {
  testing::TempDir tmp;
  try {
    RunDir::open(tmp.str());
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("no config.yaml"), std::string::npos) << e.what();
  }
  EXPECT_THROW(RunDir::open(tmp.file("missing")), ConfigError);
  testing::write_file(tmp.file("config.yaml"), "run: {}\n");
  RunDir run = RunDir::open(tmp.str() + "/");
  EXPECT_EQ(run.path(), tmp.str());
  EXPECT_TRUE(fs::is_directory(run.checkpoints_dir()));
}

}  // namespace
}  // namespace facerep::core
