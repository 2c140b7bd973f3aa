#include <iostream>

#include "cli/commands.h"

namespace facerep::cli {
// Placeholder until this subcommand's owner lands it.
int cmd_viz(int, char**) {
  std::cerr << "facerep: 'viz' is not available yet\n";
  return 2;
}
}  // namespace facerep::cli
