#include "cli/commands.h"
#include "cli/common.h"

namespace facerep::cli {

int cmd_fewshot(int argc, char** argv) {
  return not_available_yet("fewshot", "few-shot (k-shot) evaluation", argc, argv);
}

}  // namespace facerep::cli
