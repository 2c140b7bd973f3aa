#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "core/atomic_write.h"
#include "core/error.h"
#include "test_support.h"

namespace facerep::core {
namespace {

TEST(AtomicWrite, ReplacesTheFileAndLeavesNoTemporary) {
  testing::TempDir dir;
  const std::string path = dir.file("sub/results.json");
  write_file_atomic(path, "old");
  write_file_atomic(path, std::string("new\n"));
  EXPECT_EQ(testing::read_file(path), "new\n");
  int files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.file("sub"))) files += e.is_regular_file();
  EXPECT_EQ(files, 1);
}

TEST(AtomicWrite, AFailedWriteKeepsThePreviousFile) {
  testing::TempDir dir;
  const std::string path = dir.file("report.md");
  write_file_atomic(path, "previous");
  // The temporary cannot be created where a folder of that name stands: the write fails.
  std::filesystem::create_directories(temporary_path(path));
  EXPECT_THROW(write_file_atomic(path, "next"), RuntimeError);
  EXPECT_EQ(testing::read_file(path), "previous");
}

TEST(AtomicWrite, StaleTemporariesOfDeadProcessesAreRemoved) {
  testing::TempDir dir;
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  ::waitpid(child, nullptr, 0);  // a pid that is certainly not running now
  testing::write_file(dir.file("last.ckpt.tmp." + std::to_string(child)), "half");
  testing::write_file(dir.file("mine.tmp." + std::to_string(::getpid())), "being written");
  testing::write_file(dir.file("notes.tmp.txt"), "not ours");
  EXPECT_EQ(remove_stale_temporaries(dir.str()), 1);
  EXPECT_FALSE(std::filesystem::exists(dir.file("last.ckpt.tmp." + std::to_string(child))));
  EXPECT_TRUE(std::filesystem::exists(dir.file("mine.tmp." + std::to_string(::getpid()))));
  EXPECT_TRUE(std::filesystem::exists(dir.file("notes.tmp.txt")));
}

}  // namespace
}  // namespace facerep::core
