// facerep embed CHECKPOINT --data PATH --out FILE.csv [--flip] [--batch N] [--device D]
// One CSV row per image: its path, then the L2-normalised embedding. Preprocessing comes from the
// config inside the checkpoint, through data/inference.h: exactly what the run's evaluators saw.
#include <sstream>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>

#include <unistd.h>

#include "cli/commands.h"
#include "cli/common.h"
#include "core/atomic_write.h"
#include "core/error.h"
#include "core/text_escape.h"
#include "data/dataset.h"
#include "data/inference.h"
#include "eval/embed.h"
#include "runtime/device.h"
#include "trainers/checkpoint_model.h"

namespace facerep::cli {

namespace {
namespace fs = std::filesystem;

bool is_image(const fs::path& p) {
  std::string ext = p.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  for (const char* e : {".jpg", ".jpeg", ".png", ".pgm", ".ppm", ".bmp", ".webp"})
    if (ext == e) return true;
  return false;
}

// A folder becomes a `list` source over every image below it (sorted, so rows are stable);
// a file is read as a `list` source as it stands (CSV/TSV with a `path` column).
std::string list_for(const std::string& data, const fs::path& scratch) {
  if (!fs::exists(data)) throw core::ConfigError("embed: --data " + data + " does not exist");
  if (!fs::is_directory(data)) return fs::absolute(data).string();
  std::vector<std::string> images;
  for (const auto& e : fs::recursive_directory_iterator(data))
    if (e.is_regular_file() && is_image(e.path())) images.push_back(fs::absolute(e.path()).lexically_normal().string());
  std::sort(images.begin(), images.end());
  if (images.empty()) throw core::ConfigError("embed: no images under " + data);
  const fs::path list = scratch / "images.csv";
  std::ofstream out(list);
  out << "path\n";
  for (const auto& p : images) out << core::csv_field(p) << "\n";
  if (!out) throw core::RuntimeError("embed: cannot write " + list.string());
  return list.string();
}

}  // namespace

int cmd_embed(int argc, char** argv) {
  auto options = make_options("facerep embed", "write L2-normalised embeddings of images to CSV", "CHECKPOINT");
  options.add_options()("checkpoint", "checkpoint file", cxxopts::value<std::string>())(
      "data", "image folder (searched recursively) or list file (CSV/TSV with a path column)",
      cxxopts::value<std::string>())("out", "output CSV", cxxopts::value<std::string>())(
      "flip", "add the mirrored image's embedding before normalising")(
      "batch", "batch size", cxxopts::value<int64_t>()->default_value("64"))(
      "device", "cpu | cuda | cuda:N | auto", cxxopts::value<std::string>()->default_value("cpu"));
  options.parse_positional({"checkpoint"});
  auto args = parse_args(options, argc, argv);
  if (!args) return core::kExitOk;
  for (const char* required : {"checkpoint", "data", "out"})
    if (!args->count(required))
      throw core::ConfigError(std::string("embed: missing ") +
                              (std::string(required) == "checkpoint" ? "CHECKPOINT" : "--" + std::string(required)) +
                              " (see facerep embed --help)");
  const int64_t batch = (*args)["batch"].as<int64_t>();
  if (batch < 1) throw core::ConfigError("embed: --batch must be >= 1, got " + std::to_string(batch));
  const c10::Device device = runtime::resolve_device((*args)["device"].as<std::string>());

  auto [model, config] = trainers::load_checkpoint_model((*args)["checkpoint"].as<std::string>());
  model->to(device);
  const fs::path scratch = fs::temp_directory_path() / ("facerep-embed-" + std::to_string(::getpid()));
  fs::create_directories(scratch);
  struct Cleanup {
    fs::path p;
    ~Cleanup() {
      std::error_code ec;
      fs::remove_all(p, ec);
    }
  } cleanup{scratch};
  const std::string list = list_for((*args)["data"].as<std::string>(), scratch);
  data::SourceContext sc;
  sc.base_dir = fs::current_path().string();
  sc.seed = config.run.seed;
  const auto dataset = data::build_inference_dataset(command_line_images("list", "path", list, "--data"),
                                                     trainers::model_preprocessing(config, *model), sc);
  const eval::Embedded e = eval::embed_all(*model, *dataset, batch, args->count("flip") > 0, device);

  const std::string out_path = (*args)["out"].as<std::string>();
  std::ostringstream out;
  out << "path";
  for (int64_t d = 0; d < e.embeddings.size(1); ++d) out << ",e" << d;
  out << "\n" << std::setprecision(8);
  const at::Tensor x = e.embeddings.contiguous();
  const float* p = x.data_ptr<float>();
  for (int64_t i = 0; i < x.size(0); ++i) {
    out << core::csv_field(e.paths[i]);
    for (int64_t d = 0; d < x.size(1); ++d) out << "," << p[i * x.size(1) + d];
    out << "\n";
  }
  core::write_file_atomic(out_path, out.str());
  std::cerr << "embed: " << e.embeddings.size(0) << " embeddings of size " << e.embeddings.size(1) << " -> " << out_path
            << "\n";
  return core::kExitOk;
}

}  // namespace facerep::cli
