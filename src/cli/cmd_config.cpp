#include <iostream>

#include "cli/commands.h"
#include "cli/common.h"
#include "cli/config_doc.h"
#include "core/config_tree.h"
#include "core/error.h"
#include "trainers/fewshot_config.h"

namespace facerep::cli {

namespace {
const char* kConfigUsage =
    "usage: facerep config <action> ...\n"
    "  show CONFIG [--set k=v]...      print the resolved config, every default filled in\n"
    "  validate CONFIG... [--set k=v]  check configs (training or few-shot sweep); prints 'ok: FILE' or the error\n"
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
      // A few-shot sweep config is told apart by its `encoders:` list (after `_base_` merging).
      if (core::ConfigTree::load_file(path).root()["encoders"]) trainers::load_fewshot_config(path, overrides);
      else load_config(path, overrides);
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
  return dispatch_action("config", kConfigUsage, {{"show", show}, {"validate", validate}, {"doc", doc}},
                         argc, argv);
}

}  // namespace facerep::cli
