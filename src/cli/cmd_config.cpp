#include <iostream>

#include "cli/commands.h"
#include "cli/common.h"
#include "cli/config_doc.h"
#include "core/error.h"

namespace facerep::cli {

namespace {
const char* kUsage =
    "usage: facerep config <action> ...\n"
    "  show CONFIG [--set k=v]...      print the resolved config, every default filled in\n"
    "  validate CONFIG... [--set k=v]  check configs; prints 'ok: FILE' or the error for each\n"
    "  doc                             print the Markdown reference of every config key\n";

int show(int argc, char** argv) {
  auto options = make_options("facerep config show", "print the resolved config (YAML)", "CONFIG");
  add_config_options(options);
  auto args = parse_args(options, argc, argv);
  if (!args) return core::kExitOk;
  std::cout << trainers::experiment_to_yaml(load_config(*args, options));
  return core::kExitOk;
}

int validate(int argc, char** argv) {
  auto options = make_options("facerep config validate", "check config files", "CONFIG...");
  add_config_options(options);
  auto args = parse_args(options, argc, argv);
  if (!args) return core::kExitOk;
  const auto overrides = set_overrides(*args);
  int failed = 0;
  for (const auto& path : config_paths(*args, options)) {
    try {
      load_config(path, overrides);
      std::cout << "ok: " << path << "\n";
    } catch (const core::ConfigError& e) {
      std::cout.flush();
      std::cerr << e.what() << "\n";
      ++failed;
    }
  }
  return failed ? core::kExitUsage : core::kExitOk;
}

int doc(int argc, char** argv) {
  auto options = make_options("facerep config doc", "print the config reference (Markdown)");
  auto args = parse_args(options, argc, argv);
  if (!args) return core::kExitOk;
  std::cout << config_reference_markdown();
  return core::kExitOk;
}
}  // namespace

int cmd_config(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << kUsage;
    return core::kExitUsage;
  }
  const std::string action = argv[1];
  if (action == "-h" || action == "--help") {
    std::cout << kUsage;
    return core::kExitOk;
  }
  if (action == "show") return show(argc - 1, argv + 1);
  if (action == "validate") return validate(argc - 1, argv + 1);
  if (action == "doc") return doc(argc - 1, argv + 1);
  throw core::ConfigError("config: unknown action '" + action + "' (show, validate or doc)");
}

}  // namespace facerep::cli
