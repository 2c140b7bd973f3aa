#include "cli/common.h"

#include <filesystem>
#include <iostream>

#include <yaml-cpp/yaml.h>

#include "core/config_visit.h"
#include "core/error.h"

namespace facerep::cli {

cxxopts::Options make_options(const std::string& command, const std::string& summary,
                              const std::string& positional) {
  cxxopts::Options options(command, command + ": " + summary);
  options.custom_help("[OPTION...]");
  options.positional_help(positional);
  options.show_positional_help();
  options.set_width(100);
  options.add_options()("h,help", "print this help and exit");
  return options;
}

void add_config_options(cxxopts::Options& options) {
  options.add_options()
      ("config", "YAML config file(s)", cxxopts::value<std::vector<std::string>>())
      ("set", "override a config key, e.g. --set train.epochs=3 (repeatable; value is YAML)",
       cxxopts::value<std::vector<std::string>>());
  options.parse_positional({"config"});
}

std::optional<cxxopts::ParseResult> parse_args(cxxopts::Options& options, int argc, char** argv) {
  cxxopts::ParseResult result;
  try {
    result = options.parse(argc, argv);
  } catch (const cxxopts::exceptions::exception& e) {
    throw core::ConfigError(options.program() + ": " + e.what() + " (see " + options.program() +
                            " --help)");
  }
  if (result.count("help")) {
    std::cout << options.help();
    return std::nullopt;
  }
  if (!result.unmatched().empty())
    throw core::ConfigError(options.program() + ": unexpected argument '" + result.unmatched()[0] +
                            "' (see " + options.program() + " --help)");
  return result;
}

std::vector<std::string> set_overrides(const cxxopts::ParseResult& args) {
  if (!args.count("set")) return {};
  return args["set"].as<std::vector<std::string>>();
}

std::vector<std::string> config_paths(const cxxopts::ParseResult& args,
                                      const cxxopts::Options& options) {
  if (!args.count("config"))
    throw core::ConfigError(options.program() + ": missing CONFIG (see " + options.program() +
                            " --help)");
  return args["config"].as<std::vector<std::string>>();
}

std::string config_path(const cxxopts::ParseResult& args, const cxxopts::Options& options) {
  const auto paths = config_paths(args, options);
  if (paths.size() != 1)
    throw core::ConfigError(options.program() + ": expected one CONFIG, got " +
                            std::to_string(paths.size()));
  return paths[0];
}

trainers::ExperimentConfig load_config(const cxxopts::ParseResult& args,
                                       const cxxopts::Options& options) {
  return load_config(config_path(args, options), set_overrides(args));
}

trainers::ExperimentConfig load_config(const std::string& path,
                                       const std::vector<std::string>& overrides) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw core::ConfigError(path + ": no such config file");
  return trainers::load_experiment(path, overrides);
}

int dispatch_action(const std::string& command, const char* usage,
                    const std::vector<std::pair<std::string, ActionFn>>& actions, int argc, char** argv) {
  if (argc < 2) {
    std::cerr << usage;
    return core::kExitUsage;
  }
  const std::string action = argv[1];
  if (action == "-h" || action == "--help") {
    std::cout << usage;
    return core::kExitOk;
  }
  std::string names;
  for (const auto& [name, fn] : actions) {
    if (name == action) return fn(argc - 1, argv + 1);
    names += (names.empty() ? "" : ", ") + name;
  }
  throw core::ConfigError(command + ": unknown action '" + action + "' (" + names + ")");
}

data::DatasetOptions command_line_images(const std::string& type, const std::string& key, const std::string& path,
                                         const std::string& flag) {
  YAML::Emitter y;
  y << YAML::Flow << YAML::BeginMap << YAML::Key << "type" << YAML::Value << type << YAML::Key << key << YAML::Value
    << std::filesystem::absolute(path).lexically_normal().string() << YAML::EndMap;
  data::DatasetOptions options;
  options.source = core::component_from_yaml("source", y.c_str(), flag);
  return options;
}

}  // namespace facerep::cli
