// facerep viz mae CHECKPOINT --out grid.png [--data CONFIG_OR_PATH] [--count N]
//                            [--mask random|block|crfr_p|all] [--ratio R] [--seed S]
// A PNG grid of a masked-autoencoder checkpoint (any objective with a pixel decoder) at work: per
// sample and masking strategy, original | masked input | reconstruction. The images come from
// the checkpoint's own training source, or --data: a YAML config (its data.train source, e.g.
// synthetic faces with region maps) or an image folder (no region maps, so crfr_p needs a
// source with maps or landmarks). Preprocessing always comes from the checkpoint's config.
#include <filesystem>
#include <iostream>

#include <torch/torch.h>

#include "cli/commands.h"
#include "cli/common.h"
#include "core/error.h"
#include "data/collate.h"
#include "data/dataset.h"
#include "data/inference.h"
#include "losses/masking/masker.h"
#include "eval/viz_mae.h"
#include "losses/mae_core.h"
#include "losses/objective.h"
#include "trainers/checkpoint_model.h"

namespace facerep::cli {
namespace {
namespace fs = std::filesystem;

// The images to draw: --data (a YAML config's data.train source, or an image folder), else the
// checkpoint's own training source. Their preprocessing always comes from the checkpoint.
data::DatasetOptions viz_dataset(const std::string& data, const trainers::ExperimentConfig& cfg) {
  data::DatasetOptions options;
  if (data.empty()) {
    options = cfg.data.train;
  } else {
    if (!fs::exists(data)) throw core::ConfigError("facerep viz mae: --data " + data + " does not exist");
    const std::string ext = fs::path(data).extension().string();
    if (ext != ".yaml" && ext != ".yml") return command_line_images("image_folder", "root", data, "--data");
    options = load_config(data, {}).data.train;
  }
  options.transforms.clear();
  return options;
}

std::shared_ptr<losses::Masker> cli_masker(const std::string& type, double ratio) {
  const std::string yaml = "{type: " + type + (ratio > 0 ? ", ratio: " + std::to_string(ratio) : "") + "}";
  return losses::masker_registry().build(core::component_from_yaml("masker", yaml, "--mask " + type));
}

}  // namespace

int cmd_viz(int argc, char** argv) {
  if (argc < 2 || std::string(argv[1]) != "mae") {
    if (argc >= 2 && (std::string(argv[1]) == "-h" || std::string(argv[1]) == "--help")) {
      std::cout << "usage: facerep viz mae CHECKPOINT --out grid.png [--data CONFIG_OR_PATH] [options]\n";
      return core::kExitOk;
    }
    throw core::ConfigError(std::string("facerep viz: ") +
                            (argc < 2 ? "missing" : "unknown") + " view" +
                            (argc < 2 ? "" : " '" + std::string(argv[1]) + "'") + " (one of: mae)");
  }
  auto options = make_options("facerep viz mae",
                              "PNG grid: original | masked | reconstruction per sample and mask",
                              "CHECKPOINT");
  options.add_options()("checkpoint", "checkpoint of an mae or fsfm run", cxxopts::value<std::string>())(
      "data", "YAML config (its data.train source) or an image folder (default: the checkpoint's training source)", cxxopts::value<std::string>())(
      "out", "output PNG", cxxopts::value<std::string>())(
      "count", "samples shown", cxxopts::value<int64_t>()->default_value("4"))(
      "mask", "random | block | crfr_p | all | config (the checkpoint's own masker)",
      cxxopts::value<std::string>()->default_value("config"))(
      "ratio", "mask ratio for --mask random/block/crfr_p (0 = the strategy's default)",
      cxxopts::value<double>()->default_value("0"))(
      "seed", "seed of the masks", cxxopts::value<uint64_t>()->default_value("0"));
  options.parse_positional({"checkpoint"});
  auto args = parse_args(options, argc - 1, argv + 1);
  if (!args) return core::kExitOk;
  for (const char* required : {"checkpoint", "out"})
    if (!args->count(required))
      throw core::ConfigError(std::string("facerep viz mae: missing ") +
                              (std::string(required) == "checkpoint" ? "CHECKPOINT" : "--" + std::string(required)) +
                              "\n" + options.help());
  const int64_t count = (*args)["count"].as<int64_t>();
  if (count < 1) throw core::ConfigError("facerep viz mae: --count must be >= 1");

  const std::string ckpt_path = (*args)["checkpoint"].as<std::string>();
  auto loaded = trainers::load_checkpoint_model(ckpt_path, /*prefer_ema=*/false);
  const std::shared_ptr<models::Backbone> model = loaded.first;
  const trainers::ExperimentConfig& config = loaded.second;
  const auto objective = trainers::load_checkpoint_objective(ckpt_path, config, model);
  losses::MaskedReconstructor* recon = objective->masked_reconstructor();
  if (!recon)
    throw core::ConfigError("facerep viz mae: " + ckpt_path + " was trained with objective '" +
                            config.objective.type + "', which has no pixel decoder (mae and fsfm have one)");

  data::SourceContext sc;
  sc.base_dir = fs::current_path().string();
  sc.seed = config.run.seed;
  const std::string data_arg = args->count("data") ? (*args)["data"].as<std::string>() : "";
  const auto dataset = data::build_inference_dataset(viz_dataset(data_arg, config),
                                                     trainers::model_preprocessing(config, *model), sc);
  std::vector<std::vector<data::Sample>> samples;
  for (int64_t i = 0; i < dataset->size() && static_cast<int64_t>(samples.size()) < count; ++i)
    if (auto s = dataset->get(i, 0)) samples.push_back(std::move(*s));
  if (samples.empty()) throw core::RuntimeError("facerep viz mae: no readable sample in --data");
  const data::Batch batch = data::collate(samples);

  const std::string which = (*args)["mask"].as<std::string>();
  std::vector<std::string> types;
  if (which == "all") types = {"random", "block", "crfr_p"};
  else if (which != "config") types = {which};
  for (const auto& t : types)
    if (!losses::masker_registry().contains(t))
      throw core::ConfigError("facerep viz mae: --mask must be random, block, crfr_p, all or config; got '" + t + "'");
  std::vector<std::shared_ptr<losses::Masker>> maskers;
  for (const auto& t : types) maskers.push_back(cli_masker(t, (*args)["ratio"].as<double>()));

  std::vector<eval::MaeVizImages> blocks;
  std::vector<std::string> labels;
  torch::NoGradGuard no_grad;
  auto draw = [&](const losses::Masker& masker, const std::string& label) {
    const losses::MaeReconstruction r =
        eval::reconstruct_masked(*model, *recon, batch, masker, (*args)["seed"].as<uint64_t>());
    blocks.push_back(eval::reconstruction_images(*model, r, batch.images, recon->norm_pix_loss(),
                                                 dataset->normalization()));
    labels.push_back(label);
    std::cout << label << ": loss " << r.loss.item<double>() << " on " << batch.size() << " samples\n";
  };
  if (types.empty()) draw(recon->masker(), config.objective.type + " mask");
  for (size_t k = 0; k < types.size(); ++k) draw(*maskers[k], types[k]);
  const std::string out = (*args)["out"].as<std::string>();
  eval::write_png(eval::mae_grid(blocks, labels), out);
  std::cout << "wrote " << out << "\n";
  return core::kExitOk;
}

}  // namespace facerep::cli
