#include <iostream>

#include "cli/commands.h"

namespace facerep::cli {
// Placeholder until this subcommand's owner lands it.
int cmd_config(int, char**) {
  std::cerr << "facerep: 'config' is not available yet\n";
  return 2;
}
}  // namespace facerep::cli
