#pragma once
// What every subcommand does the same way: a cxxopts parser with --help, repeatable
// `--set key=value`, a CONFIG positional, and loading the ExperimentConfig from them.
//
//   auto options = make_options("facerep train", "train a model", "CONFIG");
//   add_config_options(options);                 // CONFIG + --set
//   options.add_options()("resume", "...", cxxopts::value<std::string>());
//   auto args = parse_args(options, argc, argv);
//   if (!args) return 0;                         // --help was printed
//   auto config = load_config(*args, "facerep train");
#include <optional>
#include <string>
#include <utility>
#include <vector>

// Repeated options are collected as given: cxxopts would otherwise split every value at commas,
// breaking `--set 'eval=[{type: kshot}, {type: verification}]'`.
#define CXXOPTS_VECTOR_DELIMITER '\0'
#include <cxxopts.hpp>

#include "data/data_options.h"
#include "trainers/experiment_config.h"

namespace facerep::cli {

// A parser for `command` (e.g. "facerep bench data") that knows -h/--help.
// `positional` is the usage text for positional arguments ("CONFIG", "CONFIG...", "").
cxxopts::Options make_options(const std::string& command, const std::string& summary,
                              const std::string& positional = "");
// Adds the CONFIG positional (one or more files) and repeatable --set key=value.
void add_config_options(cxxopts::Options& options);
// Parses argv (argv[0] = the subcommand's last word). Returns nullopt after printing help to
// stdout for -h/--help. Bad flags and stray arguments throw core::ConfigError naming the command.
std::optional<cxxopts::ParseResult> parse_args(cxxopts::Options& options, int argc, char** argv);

// The --set assignments in command-line order.
std::vector<std::string> set_overrides(const cxxopts::ParseResult& args);
// The CONFIG files given; throws ConfigError ("<command>: missing CONFIG ...") when none.
std::vector<std::string> config_paths(const cxxopts::ParseResult& args, const cxxopts::Options& options);
// Exactly one CONFIG; throws ConfigError otherwise.
std::string config_path(const cxxopts::ParseResult& args, const cxxopts::Options& options);

// Loads CONFIG with its --set overrides applied and validated (ConfigError names file:line).
trainers::ExperimentConfig load_config(const cxxopts::ParseResult& args, const cxxopts::Options& options);
trainers::ExperimentConfig load_config(const std::string& path, const std::vector<std::string>& overrides);

// A subcommand with actions (`facerep data synth ...`): prints `usage` for no action or --help,
// runs the named action with argv starting at the action, and rejects unknown ones (exit 2).
using ActionFn = int (*)(int argc, char** argv);

int dispatch_action(const std::string& command, const char* usage,
                    const std::vector<std::pair<std::string, ActionFn>>& actions, int argc, char** argv);

// Dataset options over images named on the command line: a source `{type: <type>, <key>: <path>}`
// (path made absolute), no transforms (data/inference.h supplies the model's preprocessing).
// `flag` names the option in messages.
data::DatasetOptions command_line_images(const std::string& type, const std::string& key, const std::string& path,
                                         const std::string& flag);

}  // namespace facerep::cli
