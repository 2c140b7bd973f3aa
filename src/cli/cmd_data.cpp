#include <filesystem>
#include <iostream>

#include "cli/commands.h"
#include "cli/common.h"
#include "core/error.h"
#include "data/tools/contact_sheet.h"
#include "data/dataset.h"
#include "data/tools/dataset_tools.h"
#include "data/formats/image_io.h"
#include "data/sources/source.h"

namespace facerep::cli {
namespace {

const char* kDataUsage =
    "usage: facerep data <action> ...\n"
    "  synth --out DIR [--identities N --per-identity M --size S --seed K]\n"
    "                                 write synthetic faces as images + labels.csv (a `list` dataset)\n"
    "  pack CONFIG|--in PATH --out FILE.frp [--size S] [--no-align]\n"
    "                                 convert a dataset to facerep's packed format (aligned crops)\n"
    "  check CONFIG|PATH              count identities/images, list unreadable files, image sizes\n"
    "  show ...                       contact sheet of samples after transforms\n";

bool is_yaml(const std::string& path) {
  const std::string ext = std::filesystem::path(path).extension().string();
  return ext == ".yaml" || ext == ".yml";
}

// The training source of a config, or a dataset guessed from a bare path.
std::shared_ptr<data::Source> open_dataset(const std::string& path, const std::vector<std::string>& overrides) {
  if (!is_yaml(path)) return data::open_source_path(path);
  const trainers::ExperimentConfig config = load_config(path, overrides);
  data::SourceContext context;
  context.base_dir = config.base_dir;
  context.seed = config.run.seed;
  return data::source_registry().build(config.data.train.source, context);
}

int synth(int argc, char** argv) {
  auto options = make_options("facerep data synth", "write synthetic faces with all labels");
  options.add_options()("out", "output folder", cxxopts::value<std::string>())
      ("identities", "identities", cxxopts::value<int>()->default_value("10"))
      ("per-identity", "images per identity", cxxopts::value<int>()->default_value("10"))
      ("size", "image side in pixels", cxxopts::value<int>()->default_value("112"))
      ("seed", "seed", cxxopts::value<uint64_t>()->default_value("0"))
      ("landmarks", "5 or 68", cxxopts::value<int>()->default_value("5"))
      ("nuisance", "per-image nuisance strength", cxxopts::value<double>()->default_value("1.0"))
      ("expression-bias", "identity/expression correlation", cxxopts::value<double>()->default_value("0.5"));
  auto args = parse_args(options, argc, argv);
  if (!args) return core::kExitOk;
  if (!args->count("out")) throw core::ConfigError("data synth: --out DIR is required");
  data::SynthExportOptions o;
  o.identities = (*args)["identities"].as<int>();
  o.per_identity = (*args)["per-identity"].as<int>();
  o.seed = (*args)["seed"].as<uint64_t>();
  o.landmarks = (*args)["landmarks"].as<int>();
  o.face.size = (*args)["size"].as<int>();
  o.face.nuisance = (*args)["nuisance"].as<double>();
  o.face.expression_bias = (*args)["expression-bias"].as<double>();
  if (o.identities < 1 || o.per_identity < 1) throw core::ConfigError("data synth: --identities and --per-identity must be >= 1");
  if (o.face.size < 16 || o.face.size > 1024) throw core::ConfigError("data synth: --size must be in [16, 1024]");
  const std::string out = (*args)["out"].as<std::string>();
  const int64_t n = data::export_synthetic(out, o);
  std::cout << "wrote " << n << " images of " << o.identities << " identities to " << out
            << " (read back with: source: {type: list, path: " << out << "/labels.csv})\n";
  return core::kExitOk;
}

int pack(int argc, char** argv) {
  auto options = make_options("facerep data pack", "convert a dataset to a packed file", "CONFIG");
  add_config_options(options);
  options.add_options()("in", "dataset path instead of CONFIG (folder, .csv, .rec, .frp)", cxxopts::value<std::string>())
      ("out", "output .frp file", cxxopts::value<std::string>())
      ("size", "crop side in pixels", cxxopts::value<int>()->default_value("112"))
      ("no-align", "resize instead of aligning samples that have landmarks");
  auto args = parse_args(options, argc, argv);
  if (!args) return core::kExitOk;
  if (!args->count("out")) throw core::ConfigError("data pack: --out FILE is required");
  std::string input;
  if (args->count("in")) input = (*args)["in"].as<std::string>();
  else input = config_path(*args, options);
  data::PackOptions o;
  o.size = (*args)["size"].as<int>();
  o.align = !args->count("no-align");
  if (o.size < 8 || o.size > 1024) throw core::ConfigError("data pack: --size must be in [8, 1024]");
  const auto source = open_dataset(input, set_overrides(*args));
  std::cerr << source->describe() << "\n";
  const std::string out = (*args)["out"].as<std::string>();
  const auto result = data::pack_source(*source, out, o, [](int64_t done, int64_t total) {
    std::cerr << "\rpacking " << done << "/" << total << std::flush;
  });
  std::cerr << "\n";
  std::cout << "wrote " << result.written << " samples to " << out << " (" << result.aligned << " aligned, "
            << result.resized << " resized)\n";
  return core::kExitOk;
}

int check(int argc, char** argv) {
  auto options = make_options("facerep data check", "survey a dataset", "CONFIG|PATH");
  add_config_options(options);
  options.add_options()("max-listed", "unreadable samples listed", cxxopts::value<int>()->default_value("20"));
  auto args = parse_args(options, argc, argv);
  if (!args) return core::kExitOk;
  const auto source = open_dataset(config_path(*args, options), set_overrides(*args));
  const data::CheckReport report = data::check_source(*source, (*args)["max-listed"].as<int>());
  std::cout << data::format_check_report(report);
  return report.failure_count ? core::kExitRuntime : core::kExitOk;
}

int show_samples(int argc, char** argv) {
  auto options = make_options("facerep data show", "contact sheet of samples after transforms", "CONFIG|PATH");
  add_config_options(options);
  options.add_options()("out", "PNG to write", cxxopts::value<std::string>()->default_value("data_show.png"))(
      "count", "samples to show", cxxopts::value<int>()->default_value("16"))(
      "seed", "augmentation seed (default: the config's run.seed, else 0)", cxxopts::value<uint64_t>())(
      "epoch", "augmentation epoch", cxxopts::value<int64_t>()->default_value("0"));
  auto args = parse_args(options, argc, argv);
  if (!args) return core::kExitOk;
  const std::string input = config_path(*args, options);
  std::shared_ptr<data::Dataset> dataset;
  if (is_yaml(input)) {
    // The config's data.train, exactly as training builds it.
    const trainers::ExperimentConfig config = load_config(input, set_overrides(*args));
    data::SourceContext context;
    context.base_dir = config.base_dir;
    context.seed = args->count("seed") ? (*args)["seed"].as<uint64_t>() : config.run.seed;
    dataset = data::Dataset::build(config.data.train, context);
  } else {
    dataset = data::preview_dataset(input, args->count("seed") ? (*args)["seed"].as<uint64_t>() : 0);
  }
  data::ContactSheetOptions o;
  o.count = (*args)["count"].as<int>();
  if (o.count < 1) throw core::ConfigError("data show: --count must be >= 1");
  o.epoch = (*args)["epoch"].as<int64_t>();
  const cv::Mat sheet = data::render_contact_sheet(*dataset, o);
  const std::string out = (*args)["out"].as<std::string>();
  data::write_image(out, sheet);
  std::cout << "wrote " << out << " (" << sheet.cols << "x" << sheet.rows << ", " << dataset->source().describe()
            << ")\n";
  return core::kExitOk;
}

}  // namespace

int cmd_data(int argc, char** argv) {
  return dispatch_action("data", kDataUsage,
                         {{"synth", synth}, {"pack", pack}, {"check", check}, {"show", show_samples}},
                         argc, argv);
}

}  // namespace facerep::cli
