#include <iostream>

#include "cli/commands.h"

namespace facerep::cli {
// Placeholder until this subcommand's owner lands it.
int cmd_eval(int, char**) {
  std::cerr << "facerep: 'eval' is not available yet\n";
  return 2;
}
}  // namespace facerep::cli
