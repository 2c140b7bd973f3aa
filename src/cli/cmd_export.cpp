#include <iostream>

#include "cli/commands.h"
#include "cli/common.h"
#include "core/error.h"
#include "runtime/checkpoint.h"
#include "runtime/state_dict_io.h"

namespace facerep::cli {

int cmd_export(int argc, char** argv) {
  auto options = make_options("facerep export",
                              "write a checkpoint's model weights as a state dict (Python: torch.load)",
                              "CHECKPOINT");
  options.add_options()("checkpoint", "checkpoint file", cxxopts::value<std::string>())(
      "out", "output file (e.g. model.pt)", cxxopts::value<std::string>())(
      "ema", "export the EMA weights instead of the live ones");
  options.parse_positional({"checkpoint"});
  auto args = parse_args(options, argc, argv);
  if (!args) return core::kExitOk;
  if (!args->count("checkpoint")) throw core::ConfigError("facerep export: missing CHECKPOINT");
  if (!args->count("out")) throw core::ConfigError("facerep export: missing --out FILE");
  const std::string path = (*args)["checkpoint"].as<std::string>();
  const std::string out = (*args)["out"].as<std::string>();
  const runtime::Checkpoint ckpt = runtime::load_checkpoint(path);
  const bool ema = args->count("ema") > 0;
  if (ema && ckpt.ema.empty())
    throw core::ConfigError("--ema: " + path + " has no EMA weights (train.ema.enabled was off)");
  const runtime::StateDict& weights = ema ? ckpt.ema : ckpt.model;
  runtime::save_state_dict(weights, out);
  int64_t n = 0;
  for (const auto& kv : weights) n += kv.second.numel();
  std::cout << "wrote " << out << ": " << weights.size() << " tensors, " << n << " values ("
            << (ema ? "EMA" : "live") << " weights)\n";
  return core::kExitOk;
}

}  // namespace facerep::cli
