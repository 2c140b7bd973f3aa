#include <iostream>

#include "cli/commands.h"
#include "cli/common.h"
#include "core/error.h"

namespace facerep::cli {

// Not implemented yet: the config is still checked so a broken file is reported now, then the
// command says plainly that nothing was run.
int cmd_fewshot(int argc, char** argv) {
  auto options = make_options("facerep fewshot", "few-shot (k-shot) evaluation (arrives with a later issue)", "CONFIG");
  add_config_options(options);
  auto args = parse_args(options, argc, argv);
  if (!args) return core::kExitOk;
  load_config(*args, options);
  std::cerr << "facerep: fewshot: not available yet (it arrives with a later issue); nothing was run\n";
  return core::kExitUsage;
}

}  // namespace facerep::cli
