// facerep viz mae CHECKPOINT --data CONFIG_OR_PATH --out grid.png [--count N]
//                            [--mask random|block|crfr_p|all] [--ratio R] [--seed S]
// A PNG grid of a masked-autoencoder checkpoint (objective mae or fsfm) at work: per sample and
// masking strategy, original | masked input | reconstruction. --data is a YAML config (its
// data.train dataset, e.g. synthetic faces with region maps) or an image folder (resized to the
// model's input; no region maps, so crfr_p needs a config whose source has maps or landmarks).
#include <filesystem>
#include <iostream>

#include <torch/torch.h>
#include <yaml-cpp/yaml.h>

#include "cli/commands.h"
#include "cli/common.h"
#include "core/config_tree.h"
#include "core/error.h"
#include "data/collate.h"
#include "data/dataset.h"
#include "data/masking.h"
#include "data/transform_normalize.h"
#include "eval/viz_mae.h"
#include "losses/mae_core.h"
#include "losses/objective.h"
#include "trainers/checkpoint_model.h"

namespace facerep::cli {
namespace {
namespace fs = std::filesystem;

data::DatasetOptions viz_dataset(const std::string& data, int64_t image_size,
                                 const trainers::ExperimentConfig& cfg) {
  if (!fs::exists(data)) throw core::ConfigError("facerep viz mae: --data " + data + " does not exist");
  const std::string ext = fs::path(data).extension().string();
  if (ext == ".yaml" || ext == ".yml") return load_config(data, {}).data.train;
  YAML::Emitter y;
  y << YAML::BeginMap << YAML::Key << "source" << YAML::Value << YAML::BeginMap << YAML::Key
    << "type" << YAML::Value << "image_folder" << YAML::Key << "root" << YAML::Value
    << fs::absolute(data).string() << YAML::EndMap << YAML::Key << "transforms" << YAML::Value
    << YAML::BeginSeq << YAML::BeginMap << YAML::Key << "type" << YAML::Value << "resize"
    << YAML::Key << "size" << YAML::Value << image_size << YAML::EndMap << YAML::EndSeq
    << YAML::EndMap;
  const core::ConfigTree tree = core::ConfigTree::load_string(y.c_str(), "<facerep viz>");
  auto options = core::read_options<data::DatasetOptions>(tree, tree.root(), "data");
  for (const auto& t : cfg.data.train.transforms)
    if (t.type == "normalize") options.transforms.push_back(t);
  return options;
}

core::ComponentSpec mask_spec(const std::string& type, double ratio) {
  core::ComponentSpec spec;
  spec.type = type;
  spec.path = "--mask " + type;
  const std::string yaml = ratio > 0 ? "{ratio: " + std::to_string(ratio) + "}" : "{}";
  const core::ConfigTree tree = core::ConfigTree::load_string(yaml, "<--ratio>");
  core::ConfigVisitor v = core::ConfigVisitor::reader(&tree, tree.root(), spec.path);
  spec.options = data::masker_registry().visit_options(type, std::any(), v);
  v.finish();
  return spec;
}

}  // namespace

int cmd_viz(int argc, char** argv) {
  if (argc < 2 || std::string(argv[1]) != "mae") {
    if (argc >= 2 && (std::string(argv[1]) == "-h" || std::string(argv[1]) == "--help")) {
      std::cout << "usage: facerep viz mae CHECKPOINT --data CONFIG_OR_PATH --out grid.png [options]\n";
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
      "data", "YAML config (its data.train) or an image folder", cxxopts::value<std::string>())(
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
  for (const char* required : {"checkpoint", "data", "out"})
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
  if (config.objective.type != "mae" && config.objective.type != "fsfm")
    throw core::ConfigError("facerep viz mae: " + ckpt_path + " was trained with objective '" +
                            config.objective.type + "', not mae or fsfm");
  const auto objective = trainers::load_checkpoint_objective(ckpt_path, config, model);
  auto* recon = dynamic_cast<losses::MaskedReconstructor*>(objective.get());
  FACEREP_CHECK(recon, "facerep viz mae: objective cannot reconstruct");

  data::SourceContext sc;
  sc.base_dir = fs::current_path().string();
  sc.seed = config.run.seed;
  const auto dataset = data::Dataset::build(
      viz_dataset((*args)["data"].as<std::string>(), model->image_size(), config), sc);
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
    if (!data::masker_registry().contains(t))
      throw core::ConfigError("facerep viz mae: --mask must be random, block, crfr_p, all or config; got '" + t + "'");

  std::vector<eval::MaeVizImages> blocks;
  std::vector<std::string> labels;
  torch::NoGradGuard no_grad;
  auto draw = [&](const data::Masker& masker, const std::string& label) {
    const losses::MaeReconstruction r =
        eval::reconstruct_masked(*model, *recon, batch, masker, (*args)["seed"].as<uint64_t>());
    blocks.push_back(eval::reconstruction_images(*model, r, batch.images, recon->norm_pix_loss(),
                                                 dataset->normalization()));
    labels.push_back(label);
    std::cout << label << ": loss " << r.loss.item<double>() << " on " << batch.size() << " samples\n";
  };
  if (types.empty()) draw(recon->masker(), config.objective.type + " mask");
  for (const auto& t : types) draw(*data::masker_registry().build(mask_spec(t, (*args)["ratio"].as<double>())), t);
  const std::string out = (*args)["out"].as<std::string>();
  eval::write_png(eval::mae_grid(blocks, labels), out);
  std::cout << "wrote " << out << "\n";
  return core::kExitOk;
}

}  // namespace facerep::cli
