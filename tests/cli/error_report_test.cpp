#include <gtest/gtest.h>

#include <sstream>

#include <c10/util/Exception.h>

#include "cli/error_report.h"
#include "core/error.h"

namespace facerep::cli {
namespace {

TEST(ErrorReport, ExceptionsMapToExitCodesAndOneLine) {
  std::ostringstream err;
  EXPECT_EQ(run_reporting_errors([] { return 0; }, err), 0);
  EXPECT_EQ(run_reporting_errors([] { return 3; }, err), 3);
  EXPECT_EQ(err.str(), "");

  EXPECT_EQ(run_reporting_errors([]() -> int { throw core::ConfigError({"a.yaml", 4}, "train.lr", "bad"); }, err), 2);
  EXPECT_EQ(err.str(), "facerep: a.yaml:4: train.lr: bad\n");

  err.str("");
  EXPECT_EQ(run_reporting_errors([]() -> int { throw core::RuntimeError("img.jpg: cannot decode"); }, err), 1);
  EXPECT_EQ(err.str(), "facerep: img.jpg: cannot decode\n");

  err.str("");
  EXPECT_EQ(run_reporting_errors([]() -> int { TORCH_CHECK(false, "shape mismatch"); return 0; }, err), 1);
  EXPECT_EQ(err.str().rfind("facerep: LibTorch error: shape mismatch", 0), 0u) << err.str();
  EXPECT_EQ(err.str().find('\n'), err.str().size() - 1) << "one line only: " << err.str();

  err.str("");
  EXPECT_EQ(run_reporting_errors([]() -> int { throw std::out_of_range("index 9\nmore"); }, err), 1);
  EXPECT_EQ(err.str(), "facerep: index 9\n");

  err.str("");
  EXPECT_EQ(run_reporting_errors([]() -> int { throw 42; }, err), 1);
  EXPECT_EQ(err.str(), "facerep: unknown error\n");
}

}  // namespace
}  // namespace facerep::cli
