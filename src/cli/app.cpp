#include "cli/app.h"

#include <algorithm>
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/error_report.h"
#include "cli/register_all.h"
#include "core/config_visit.h"
#include "core/error.h"
#include "core/version.h"
#include "dist/dist_env.h"
#include "runtime/allocator.h"
#include "runtime/blas_spin.h"

namespace facerep::cli {

namespace {
// Under a multi-process launcher (torchrun, srun, mpirun with more than one process), commands
// that cannot share the work would run N times side by side, writing the same files: refused.
enum class Launch {
  kSingle,    // one process only
  kMulti,     // joins the job (data-parallel)
  kAnywhere,  // harmless copies (versions, config checks)
};

struct Command {
  const char* name;
  const char* second;  // second word for two-word commands (`bench data`), else nullptr
  int (*run)(int, char**);
  const char* summary;
  Launch launch = Launch::kSingle;
};

const std::vector<Command>& commands() {
  static const std::vector<Command> table = {
      {"train", nullptr, cmd_train, "train a model from a config, or resume a run", Launch::kMulti},
      {"eval", nullptr, cmd_eval, "evaluate a checkpoint with the config's evaluations"},
      {"fewshot", nullptr, cmd_fewshot, "one few-shot cell of a sweep config"},
      {"sweep", nullptr, cmd_sweep, "few-shot transfer sweep: encoders x tasks x protocols x shots x seeds"},
      {"cv", nullptr, cmd_cv, "subject-exclusive k-fold cross-validation: variants x folds, tested on best.ckpt"},
      {"data", nullptr, cmd_data, "make, pack, check and look at datasets"},
      {"config", nullptr, cmd_config, "show the resolved config, validate files, print the reference",
       Launch::kAnywhere},
      {"export", nullptr, cmd_export, "export a checkpoint's model"},
      {"embed", nullptr, cmd_embed, "write the embeddings of images to a CSV file"},
      {"viz", nullptr, cmd_viz, "visualise a model (e.g. MAE reconstructions)"},
      {"bench", "data", cmd_bench_data, "measure data-loading throughput"},
      {"bench", "train", cmd_bench_train, "measure training-step time (also of a multi-process job)", Launch::kMulti},
      {"bench", "classifier", cmd_bench_classifier, "memory per rank of the sharded classifier (partial_fc)",
       Launch::kMulti},
      {"info", nullptr, cmd_info, "versions, devices, threads, BLAS and allocator", Launch::kAnywhere},
  };
  return table;
}

std::string usage() {
  std::string out =
      "facerep " + std::string(core::kVersion) +
      ": learning face representations with LibTorch\n\n"
      "usage: facerep <command> [options]   (facerep <command> --help for its options)\n\n"
      "commands:\n";
  for (const auto& c : commands()) {
    std::string name = std::string(c.name) + (c.second ? std::string(" ") + c.second : "");
    name.resize(std::max<size_t>(name.size() + 2, 14), ' ');
    out += "  " + name + c.summary + "\n";
  }
  out += "\nexit codes: 0 ok, 1 runtime failure, 2 bad config or usage\n";
  return out;
}

std::vector<std::string> command_names() {
  std::vector<std::string> names;
  for (const auto& c : commands())
    if (names.empty() || names.back() != c.name) names.push_back(c.name);
  return names;
}

int run_as_launched(const Command& c, int argc, char** argv) {
  if (c.launch == Launch::kSingle) {
    const dist::DistEnv env = dist::detect_dist_env();
    if (env.distributed())
      throw core::ConfigError("facerep " + std::string(c.name) + (c.second ? std::string(" ") + c.second : "") +
                              " runs in one process, but " + env.launcher + " started this one as " +
                              env.describe() + "; only `facerep train` and `facerep bench train` join a "
                              "multi-process job");
  }
  register_all_components();
  return c.run(argc, argv);
}

int dispatch(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << usage();
    return core::kExitUsage;
  }
  const std::string first = argv[1];
  if (first == "-h" || first == "--help" || first == "help") {
    std::cout << usage();
    return core::kExitOk;
  }
  if (first == "--version" || first == "-V") {
    std::cout << "facerep " << core::kVersion << "\n";
    return core::kExitOk;
  }
  std::vector<const Command*> matches;
  for (const auto& c : commands())
    if (first == c.name) matches.push_back(&c);
  if (matches.empty()) {
    std::string msg = "unknown command '" + first + "'";
    const std::string near = core::nearest_name(first, command_names());
    if (!near.empty()) msg += " (did you mean " + near + "?)";
    throw core::ConfigError(msg + "; see facerep --help");
  }
  if (!matches[0]->second)
    return run_as_launched(*matches[0], argc - 1, argv + 1);  // argv[0] becomes the command name
  // Two-word command: the second word picks the entry.
  std::string choices;
  for (const Command* c : matches) choices += (choices.empty() ? "" : ", ") + std::string(c->second);
  const std::string second = argc > 2 ? argv[2] : "";
  if (second == "-h" || second == "--help") {
    std::cout << "usage: facerep " << first << " <" << choices << "> [options]\n";
    for (const Command* c : matches) std::cout << "  " << c->second << "  " << c->summary << "\n";
    return core::kExitOk;
  }
  for (const Command* c : matches) {
    if (second == c->second) return run_as_launched(*c, argc - 2, argv + 2);
  }
  throw core::ConfigError(first + ": " + (second.empty() ? "missing" : "unknown") + " subcommand" +
                          (second.empty() ? "" : " '" + second + "'") + " (one of: " + choices + ")");
}

}  // namespace

int run_app(int argc, char** argv) {
  // Before anything allocates big blocks; reported by `facerep info`.
  runtime::tune_allocator();
  runtime::tune_blas_spin();
  return run_reporting_errors([&] { return dispatch(argc, argv); }, std::cerr);
}

}  // namespace facerep::cli
