#include <iostream>

#include "cli/commands.h"
#include "cli/common.h"
#include "core/error.h"
#include "runtime/system_info.h"

namespace facerep::cli {

int cmd_info(int argc, char** argv) {
  auto options = make_options("facerep info", "versions, devices, threads, BLAS and allocator");
  auto args = parse_args(options, argc, argv);
  if (!args) return core::kExitOk;
  std::cout << runtime::format_system_info(runtime::collect_system_info());
  return core::kExitOk;
}

}  // namespace facerep::cli
