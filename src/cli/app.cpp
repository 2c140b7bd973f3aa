#include "cli/app.h"

#include <iostream>

#include "core/error.h"

namespace facerep::cli {
int run_app(int argc, char** argv) {
  std::cerr << "facerep: not wired yet\n";
  return core::kExitUsage;
}
}  // namespace facerep::cli
