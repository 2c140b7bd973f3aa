#include "cli/commands.h"
#include "cli/common.h"

namespace facerep::cli {

int cmd_sweep(int argc, char** argv) {
  return not_available_yet("sweep", "hyper-parameter sweeps", argc, argv);
}

}  // namespace facerep::cli
