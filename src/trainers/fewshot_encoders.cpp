#include "trainers/fewshot_encoders.h"

#include <filesystem>
#include <fstream>

#include <torch/torch.h>
#include <yaml-cpp/yaml.h>

#include "core/atomic_write.h"
#include "core/error.h"
#include "core/logging.h"
#include "eval/fewshot/results_log.h"
#include "trainers/checkpoint_model.h"
#include "trainers/experiment_config.h"
#include "trainers/trainer.h"

namespace facerep::trainers {
namespace {
namespace fs = std::filesystem;

// Keys every encoder shares.
struct EncoderHead {
  std::string name;
  int pca = 0;
  template <class V> void visit_head(V& v) {
    v("name", name, "label in tables and plots").non_empty();
    v("pca", pca, "project features on their top K principal components, fitted on the training pool (0 = off)")
        .min(0);
  }
};

std::string resolve(const std::string& base_dir, const std::string& path) {
  return base_dir.empty() || fs::path(path).is_absolute() ? path : (fs::path(base_dir) / path).string();
}

// The parsed options of components as YAML text (what builds them, not what the user typed).
struct SpecsText {
  std::vector<core::ComponentSpec> specs;
  const char* kind;
  template <class V> void visit(V& v) { v.components("specs", specs, kind, ""); }
};
std::string specs_text(std::vector<core::ComponentSpec> specs, const char* kind) {
  YAML::Emitter e;
  e << YAML::Flow << core::write_options(SpecsText{std::move(specs), kind});
  return e.c_str();
}

std::string preprocessing_text(const data::InferencePreprocessing& p) {
  return std::to_string(p.image_size) + "|" + specs_text(p.steps, "transform") + "|" +
         specs_text(p.normalize, "transform");
}

struct CheckpointOptions : EncoderHead {
  std::string path;
  bool ema = true;
  template <class V> void visit(V& v) {
    visit_head(v);
    v("path", path, "checkpoint file (relative to the sweep config's folder)").non_empty();
    v("ema", ema, "use the EMA weights when the checkpoint has them");
  }
};

struct TrainedOptions : EncoderHead {
  std::string config;
  std::vector<std::string> set;
  template <class V> void visit(V& v) {
    visit_head(v);
    v("config", config, "training recipe, trained once before the sweep (relative to the sweep config)").non_empty();
    v("set", set, "overrides of the recipe, as --set takes them, e.g. [train.steps=300]");
  }
};

struct RecipeOptions : EncoderHead {
  std::string config;
  std::vector<std::string> set;
  template <class V> void visit(V& v) {
    visit_head(v);
    v("config", config, "training recipe whose model is built untrained (relative to the sweep config)").non_empty();
    v("set", set, "overrides of the recipe, as --set takes them (match a trained encoder's model)");
  }
};

struct ModelOptions : EncoderHead {
  core::ComponentSpec model;
  template <class V> void visit(V& v) {
    visit_head(v);
    v.component("model", model, "model", "the model, e.g. {type: pixels, image_size: 32}", "pixels");
  }
};

template <class Options>
class Encoder : public FewshotEncoder {
 public:
  explicit Encoder(Options o) : o_(std::move(o)) {}
  const std::string& name() const override { return o_.name; }
  int pca() const override { return o_.pca; }
  LoadedEncoder load(const std::string& base_dir, const std::string& work_dir) const override;

 private:
  Options o_;
};

// A checkpoint's model, preprocessed as its run was trained.
LoadedEncoder from_checkpoint(const std::string& name, const std::string& path, bool ema) {
  if (!fs::exists(path)) throw core::ConfigError("encoder " + name + ": checkpoint " + path + " does not exist");
  LoadedEncoder e;
  auto [model, config] = load_checkpoint_model(path, ema);
  e.model = model;
  e.preprocessing = model_preprocessing(config, *model);
  e.fingerprint = "checkpoint|" + fs::absolute(path).string() + "|" + std::to_string(fs::file_size(path)) + "|" +
                  std::to_string(fs::last_write_time(path).time_since_epoch().count()) + "|" +
                  (ema ? "ema" : "live") + "|" + preprocessing_text(e.preprocessing);
  return e;
}

template <>
LoadedEncoder Encoder<CheckpointOptions>::load(const std::string& base_dir, const std::string&) const {
  return from_checkpoint(o_.name, resolve(base_dir, o_.path), o_.ema);
}

template <>
LoadedEncoder Encoder<TrainedOptions>::load(const std::string& base_dir, const std::string& work_dir) const {
  ExperimentConfig config = load_experiment(resolve(base_dir, o_.config), o_.set);
  config.eval.clear();  // the sweep is the evaluation
  const std::string yaml = experiment_to_yaml(config);
  const fs::path run_dir = fs::path(work_dir) / "fewshot_encoders" / (o_.name + "-" + eval::fewshot::config_hash(yaml));
  const fs::path last = run_dir / "checkpoints" / "last.ckpt";
  if (!fs::exists(last)) {
    core::log_info("encoder " + o_.name + ": training " + o_.config + " into " + run_dir.string());
    fs::create_directories(run_dir);
    core::write_file_atomic((run_dir / "config.yaml").string(), yaml);
    TrainerSetup setup;
    setup.run_dir = run_dir.string();
    setup.progress = false;
    Trainer trainer(std::move(config), std::move(setup));
    const TrainResult r = trainer.run();
    if (!r.finished || !fs::exists(last))
      throw core::RuntimeError("encoder " + o_.name + ": training " + o_.config + " did not finish");
  }
  return from_checkpoint(o_.name, last.string(), /*ema=*/true);
}

template <>
LoadedEncoder Encoder<RecipeOptions>::load(const std::string& base_dir, const std::string&) const {
  const std::string path = resolve(base_dir, o_.config);
  const ExperimentConfig config = load_experiment(path, o_.set);
  LoadedEncoder e;
  torch::manual_seed(config.run.seed);  // the same random init every time
  e.model = models::model_registry().build(config.model);
  e.model->eval();
  e.preprocessing = model_preprocessing(config, *e.model);
  e.fingerprint = "recipe|" + experiment_to_yaml(config) + "|" + preprocessing_text(e.preprocessing);
  return e;
}

template <>
LoadedEncoder Encoder<ModelOptions>::load(const std::string&, const std::string&) const {
  LoadedEncoder e;
  e.model = models::model_registry().build(o_.model);
  e.model->eval();
  e.preprocessing = data::inference_preprocessing({}, e.model->image_size());
  e.fingerprint = "model|" + specs_text({o_.model}, "model") + "|" + preprocessing_text(e.preprocessing);
  return e;
}

}  // namespace

EncoderRegistry& encoder_registry() {
  static EncoderRegistry registry("encoder");
  return registry;
}

void register_fewshot_encoders() {
  auto& r = encoder_registry();
  r.add<CheckpointOptions>("checkpoint", "a trained run's checkpoint, preprocessed as it was trained",
                           [](const CheckpointOptions& o) { return std::make_shared<Encoder<CheckpointOptions>>(o); });
  r.add<RecipeOptions>("recipe", "a recipe's model as built, untrained: the random-init baseline",
                       [](const RecipeOptions& o) { return std::make_shared<Encoder<RecipeOptions>>(o); });
  r.add<TrainedOptions>("trained", "a recipe trained once before the sweep, then used as a checkpoint",
                        [](const TrainedOptions& o) { return std::make_shared<Encoder<TrainedOptions>>(o); });
  r.add<ModelOptions>("model", "a model given inline, e.g. the raw-pixel baseline {type: pixels}",
                      [](const ModelOptions& o) { return std::make_shared<Encoder<ModelOptions>>(o); });
}

}  // namespace facerep::trainers
