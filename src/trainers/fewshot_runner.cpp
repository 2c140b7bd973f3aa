#include "trainers/fewshot_runner.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>

#include <yaml-cpp/yaml.h>

#include "core/error.h"
#include "core/logging.h"
#include "data/dataset.h"
#include "data/inference.h"
#include "eval/fewshot/cell.h"
#include "eval/fewshot/features.h"
#include "eval/fewshot/pca.h"
#include "eval/fewshot/subsets.h"
#include "eval/fewshot/sweep.h"
#include "eval/fewshot/tables.h"
#include "eval/fewshot/verification.h"
#include "runtime/run_setup.h"
#include "trainers/fewshot_encoders.h"
#include "trainers/fewshot_finetune.h"

namespace facerep::trainers {
namespace {
namespace fs = std::filesystem;
namespace fsh = eval::fewshot;

// Raised whenever the code that computes cells changes their numbers (the split rule, a probe),
// so logged results of the old code are recomputed instead of mixed in.
constexpr int kCellCodeVersion = 2;

// The parts of the config that decide every cell's numbers, as text.
std::string shared_config_text(const FewshotConfig& c) {
  YAML::Emitter e;
  e << YAML::Flow << core::write_options(c.data);
  return "v" + std::to_string(kCellCodeVersion) + "|" + std::string(e.c_str()) + "|test_fraction=" + std::to_string(c.test_fraction) + "|split_seed=" +
         std::to_string(c.run.seed) + "|knn=" + std::to_string(c.knn_k) + "," + std::to_string(c.knn_temperature);
}

// What decides a cell's numbers beyond the shared config: the settings of its task alone, so that
// adding a task to a sweep leaves the other tasks' cells done.
std::string task_config_text(const FewshotConfig& c, const std::string& task) {
  if (task == "parsing") return "|parsing_size=" + std::to_string(c.parsing_size);
  if (task == "verification") return "|verification_pairs=" + std::to_string(c.verification_pairs);
  return "";
}

bool asks(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

// What decides a finetune cell's numbers beyond the shared text: the training options.
std::string finetune_text(const FewshotConfig& c) {
  YAML::Emitter e;
  e << YAML::Flow << core::write_options(c.finetune);
  return std::string("|finetune=") + e.c_str();
}

struct EncoderFeatures {
  std::string fingerprint;
  fsh::FeatureSet set;       // the closed-set tasks' (split_pool_test)
  fsh::FeatureSet disjoint;  // verification's: differs from `set` only by a PCA fitted on its own pool
  const fsh::FeatureSet& of(const std::string& task) const { return fsh::identity_disjoint(task) ? disjoint : set; }
};

// The two fixed splits: per identity (closed-set tasks) and identity-disjoint with its pairs
// (verification; empty unless asked).
struct SweepSplits {
  fsh::PoolTestSplit per_identity, disjoint;
  const fsh::PoolTestSplit& of(const std::string& task) const {
    return fsh::identity_disjoint(task) ? disjoint : per_identity;
  }
};

}  // namespace

FewshotRunResult run_fewshot(const FewshotConfig& config, const FewshotRunOptions& options) {
  const runtime::RunSetup rs = runtime::setup_run(config.run);
  FewshotRunResult result;
  result.out_dir = config.out.empty() ? (fs::path(config.run.root) / config.run.name).string() : config.out;
  fs::create_directories(result.out_dir);
  core::set_log_file((fs::path(result.out_dir) / "log.txt").string());
  const std::string shared = shared_config_text(config);
  const core::SourceLoc where{config.source_file, 0};
  // Feature maps and region maps only when a task uses them: they cost memory and a model pass.
  fsh::ExtractOptions extract;
  if (asks(config.tasks, "parsing")) extract.parsing_size = config.parsing_size;

  // Every encoder loaded and embedded before the first cell: bad input stops the sweep here.
  std::vector<std::shared_ptr<FewshotEncoder>> encoders;
  std::map<std::string, EncoderFeatures> features;
  // Fine-tuning trains an encoder itself, so its model and dataset are kept (otherwise dropped
  // once embedded). Not for PCA baselines (the projection fitted on the initial features would not
  // follow the training) nor for encoders without parameters (raw pixels): those cells are skipped.
  const bool finetuning = asks(config.protocols, "finetune");
  std::map<std::string, std::unique_ptr<FinetuneProtocol>> finetuners;
  for (const auto& spec : config.encoders) {
    auto encoder = encoder_registry().build(spec);
    if (features.count(encoder->name()))
      throw core::ConfigError(core::SourceLoc{config.source_file, 0}, spec.path + ".name",
                              "two encoders are named '" + encoder->name() + "'");
    // Trained encoders live under run.root, so sweeps sharing a root train each recipe once.
    const LoadedEncoder loaded = encoder->load(config.base_dir, config.run.root);
    loaded.model->to(rs.device);
    data::SourceContext sc;
    sc.base_dir = config.base_dir;
    sc.seed = config.run.seed;
    const auto dataset = data::build_inference_dataset(config.data, loaded.preprocessing, sc);
    EncoderFeatures& f = features[encoder->name()];
    f.fingerprint = loaded.fingerprint + "|pca=" + std::to_string(encoder->pca());
    const std::string key = fsh::config_hash(
        loaded.fingerprint + "|" + shared +
        (extract.parsing_size > 0 ? "|parsing_size=" + std::to_string(extract.parsing_size) : std::string()));
    f.set = fsh::cached_features((fs::path(result.out_dir) / "features").string(), key, *loaded.model, *dataset,
                                 config.batch_size, rs.device, extract);
    // Frozen protocols fit parsing on feature maps: a model without them cannot run it.
    const bool maps_needed = extract.parsing_size > 0 && f.set.regions.defined() && asks(config.protocols, "linear");
    if (maps_needed && !f.set.dense.defined())
      throw core::ConfigError(where, "tasks",
                              "task parsing: encoder " + encoder->name() +
                                  "'s model offers no feature maps (models::Backbone::feature_map); remove parsing "
                                  "or the encoder");
    if (finetuning && encoder->pca() == 0 && can_finetune(*loaded.model))
      finetuners[encoder->name()] =
          std::make_unique<FinetuneProtocol>(loaded.model, dataset, rs.device, config.finetune, config.batch_size);
    encoders.push_back(encoder);
  }
  const fsh::FeatureSet& first = features.begin()->second.set;
  for (const auto& task : config.tasks)
    if (const std::string why = fsh::missing_labels(task, first); !why.empty())
      throw core::ConfigError(where, "tasks", "task " + task + ": " + why);
  SweepSplits splits;
  splits.per_identity = fsh::split_pool_test(first, config.test_fraction, config.run.seed);
  if (asks(config.tasks, "verification")) {
    try {
      splits.disjoint = fsh::split_identities(first, config.test_fraction, config.run.seed);
      fsh::add_verification_pairs(splits.disjoint, first, config.verification_pairs, config.run.seed);
    } catch (const core::ConfigError& e) {
      throw core::ConfigError(where, "tasks", std::string("task verification: ") + e.what());
    }
  }
  if (!config.shots.empty()) {
    if (!first.identity.defined() || !(first.identity >= 0).any().item<bool>())
      throw core::ConfigError(where, "shots",
                              "shots count images per identity and the data has no identities; use fractions");
    // Names the class when the largest shot count exceeds one identity's training images.
    const auto most = static_cast<int64_t>(*std::max_element(config.shots.begin(), config.shots.end()));
    fsh::k_per_class(first.identity_labels(), splits.per_identity.pool, most, 0);
    if (asks(config.tasks, "verification")) fsh::k_per_class(first.identity_labels(), splits.disjoint.pool, most, 0);
  }
  // PCA baselines: fitted on the training pool of the split a task is scored on, never on its test
  // rows; verification's test identities have images in the per-identity pool, so it gets its own.
  for (const auto& encoder : encoders) {
    EncoderFeatures& f = features[encoder->name()];
    f.disjoint = f.set;  // the same tensors unless projected below
    if (encoder->pca() <= 0) continue;
    const at::Tensor raw = f.set.features;
    const auto project = [&](const std::vector<int64_t>& pool) {
      return fsh::fit_pca(raw.index_select(0, torch::tensor(pool, torch::kLong)), encoder->pca()).project(raw);
    };
    f.set.features = project(splits.per_identity.pool);
    if (asks(config.tasks, "verification")) f.disjoint.features = project(splits.disjoint.pool);
  }

  fsh::SweepGrid grid;
  for (const auto& e : encoders) grid.checkpoints.push_back(e->name());
  grid.tasks = config.tasks;
  grid.protocols = config.protocols;
  grid.regime = config.shots.empty() ? "fraction" : "shots";
  grid.amounts = config.shots.empty() ? config.fractions : config.shots;
  grid.seeds = config.seeds;
  std::vector<fsh::CellKey> cells;
  for (const auto& cell : fsh::expand_grid(grid)) {
    const bool wanted = options.encoder.empty() || cell.checkpoint == options.encoder;
    // Combinations a protocol cannot run (centroid x tasks without classes, knn x parsing, ...);
    // `finetune` also needs an encoder it can train.
    const bool impossible = !fsh::unsupported_combination(cell.task, cell.protocol).empty() ||
                            (cell.protocol == "finetune" && !finetuners.count(cell.checkpoint));
    if (wanted && !impossible) cells.push_back(cell);
  }
  if (cells.empty())
    throw core::ConfigError("few-shot: no cell to run" +
                            (options.encoder.empty() ? std::string() : " for encoder '" + options.encoder + "'") +
                            " (centroid runs identity and verification only, knn neither parsing nor verification, "
                            "finetune only encoders with parameters and no pca)");

  fsh::ResultsLog log((fs::path(result.out_dir) / "results.jsonl").string());
  if (log.torn_lines() > 0) core::log_warn("results.jsonl: dropped a half-written last line; that cell runs again");
  fsh::SweepCallbacks cb;
  cb.config_hash = [&](const fsh::CellKey& k) {
    return fsh::config_hash(features.at(k.checkpoint).fingerprint + "|" + shared + "|" + k.id() +
                            task_config_text(config, k.task) +
                            (k.protocol == "finetune" ? finetune_text(config) : ""));
  };
  cb.run = [&](const fsh::CellKey& k, fsh::CellRecord& record) {
    fsh::CellOptions o;
    o.task = k.task;
    o.protocol = k.protocol;
    o.regime = k.regime;
    o.amount = k.amount;
    o.seed = static_cast<uint64_t>(k.seed);
    o.knn_k = config.knn_k;
    o.knn_temperature = config.knn_temperature;
    fsh::CellProtocol* protocol = k.protocol == "finetune" ? finetuners.at(k.checkpoint).get() : nullptr;
    const fsh::CellResult r = fsh::run_cell(o, features.at(k.checkpoint).of(k.task), splits.of(k.task), protocol);
    record.primary = r.primary;
    record.metrics = r.metrics;
    record.metrics["train_images"] = static_cast<double>(r.train_rows);
  };
  const fsh::SweepOutcome outcome = fsh::run_sweep(cells, cb, log, options.shard, options.shards);
  result.ran = outcome.ran, result.skipped = outcome.skipped, result.failed = outcome.failed;

  // Tables from this grid's cells as configured now: records of other configs stay in the log.
  std::map<std::string, std::string> current;
  for (const auto& cell : fsh::expand_grid(grid)) current[cell.id()] = cb.config_hash(cell);
  std::vector<fsh::CellRecord> ok, failed;
  for (auto& r : log.latest([&](const fsh::CellRecord& r) {
         const auto it = current.find(r.key.id());
         return it != current.end() && it->second == r.config_hash;
       }))
    (r.status == "ok" ? ok : failed).push_back(std::move(r));
  result.markdown = fsh::write_sweep_tables(result.out_dir, ok, failed);
  return result;
}

}  // namespace facerep::trainers
