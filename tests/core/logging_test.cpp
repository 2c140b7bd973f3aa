#include <gtest/gtest.h>

#include <sstream>

#include "core/error.h"
#include "core/logging.h"
#include "test_support.h"

namespace facerep::core {
namespace {

// Restores the global logger after each test (other suites log too).
class LoggingTest : public ::testing::Test {
 protected:
  void SetUp() override { set_log_console(&console_); }
  void TearDown() override {
    set_console_status("");
    set_log_console(nullptr);
    set_log_file("");
    set_log_level(LogLevel::kInfo);
  }
  std::ostringstream console_;
};

TEST_F(LoggingTest, ConsoleHonoursLevel) {
  set_log_level("warn");
  log_info("quiet info");
  log_warn("loud warning");
  log_error("an error");
  const std::string out = console_.str();
  EXPECT_EQ(out.find("quiet info"), std::string::npos);
  EXPECT_NE(out.find("WARN loud warning\n"), std::string::npos) << out;
  EXPECT_NE(out.find("ERROR an error\n"), std::string::npos) << out;
  EXPECT_EQ(out[0], '[');  // "[HH:MM:SS] ..."
}

TEST_F(LoggingTest, FileKeepsInfoEvenWhenConsoleIsQuiet) {
  testing::TempDir dir;
  set_log_file(dir.file("sub/log.txt"));
  set_log_level(LogLevel::kError);
  log_debug("debug line");
  log_info("info line");
  set_log_file("");
  const std::string file = testing::read_file(dir.file("sub/log.txt"));
  EXPECT_NE(file.find(" INFO info line\n"), std::string::npos) << file;
  EXPECT_EQ(file.find("debug line"), std::string::npos);
  EXPECT_EQ(console_.str().find("info line"), std::string::npos);
  // Date then time: "YYYY-mm-dd HH:MM:SS INFO ..."
  ASSERT_GE(file.size(), 20u);
  EXPECT_EQ(file[4], '-');
  EXPECT_EQ(file[10], ' ');
}

TEST_F(LoggingTest, DebugLevelReachesFileAndConsole) {
  testing::TempDir dir;
  set_log_file(dir.file("log.txt"));
  set_log_level(LogLevel::kDebug);
  log_debug("details");
  set_log_file("");
  EXPECT_NE(console_.str().find("DEBUG details"), std::string::npos);
  EXPECT_NE(testing::read_file(dir.file("log.txt")).find("DEBUG details"), std::string::npos);
}

TEST_F(LoggingTest, BadLevelAndUnopenableFileThrow) {
  EXPECT_THROW(parse_log_level("verbose"), ConfigError);
  try {
    set_log_file("/proc/facerep/log.txt");
    FAIL() << "expected RuntimeError";
  } catch (const RuntimeError& e) {
    EXPECT_NE(std::string(e.what()).find("/proc/facerep/log.txt"), std::string::npos);
  }
}

TEST_F(LoggingTest, LogLineClearsAndRedrawsStatusLine) {
  set_console_status("step 1/10");
  log_info("hello");
  const std::string out = console_.str();
  // status drawn, then erased, then the log line, then the status again
  const auto first = out.find("step 1/10");
  const auto erase = out.find("\r\033[K", first);
  const auto line = out.find("hello\n", erase);
  const auto again = out.find("step 1/10", line);
  EXPECT_NE(first, std::string::npos);
  EXPECT_NE(erase, std::string::npos);
  EXPECT_NE(line, std::string::npos);
  EXPECT_NE(again, std::string::npos) << out;
}

}  // namespace
}  // namespace facerep::core
