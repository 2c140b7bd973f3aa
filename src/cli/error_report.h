#pragma once
// The one place where exceptions become exit codes and a single `facerep: <message>` line on
// stderr: ConfigError (and bad flags) -> 2, RuntimeError, LibTorch and anything else -> 1.
#include <functional>
#include <iosfwd>

namespace facerep::cli {

// Runs `body` and returns its exit code, or the code for the exception it threw, after writing
// the message to `err`.
int run_reporting_errors(const std::function<int()>& body, std::ostream& err);

}  // namespace facerep::cli
