#pragma once

namespace facerep::cli {
// Parses the subcommand and runs it; returns the process exit code (0 ok, 1 runtime, 2 usage).
int run_app(int argc, char** argv);
}  // namespace facerep::cli
