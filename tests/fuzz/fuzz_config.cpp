// Config loader: the input is YAML text, then up to 8 `--set` overrides, each after a NUL byte.
// Beyond "no crash", checks the promise --resume relies on: a config that loads dumps to YAML
// that loads back to the same config.
#include <mutex>
#include <stdexcept>

#include "cli/register_all.h"
#include "core/config_tree.h"
#include "core/config_visit.h"
#include "fuzz/fuzz_support.h"
#include "fuzz/fuzz_targets.h"
#include "trainers/experiment_config.h"

namespace facerep::fuzz {

namespace {
// The gtest binary registers the components at start-up; a fuzz executable does it here.
void register_components_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    const core::ComponentKind* models = core::find_component_kind("model");
    if (models == nullptr || models->names().empty()) cli::register_all_components();
  });
}

void config_body(const std::vector<std::string>& parts) {
  register_components_once();
  // _base_ paths resolve in a folder that does not exist: the harness reads no other files.
  core::ConfigTree tree = core::ConfigTree::load_string(parts[0], "fuzz.yaml", scratch_path("no_such_folder"));
  for (size_t i = 1; i < parts.size() && i <= 8; ++i) tree.apply_override(parts[i]);
  const std::string yaml = trainers::experiment_to_yaml(trainers::load_experiment_tree(tree));
  std::string again;
  try {
    again = trainers::experiment_to_yaml(trainers::load_experiment_tree(core::ConfigTree::load_string(yaml, "resolved.yaml")));
  } catch (const std::exception& e) {
    throw std::logic_error(std::string("the resolved config does not load: ") + e.what() + "\n" + yaml);
  }
  if (again != yaml) throw std::logic_error("the resolved config changes when reloaded:\n" + yaml + "---\n" + again);
}
}  // namespace

int fuzz_config(const uint8_t* data, size_t size) {
  return expect_clean_errors(config_body, split_input(data, size, '\0'));
}

std::vector<std::string> seeds_config() {
  using namespace std::string_literals;
  return {
      "run: {name: fuzz, seed: 3}\nmodel: {type: iresnet, depth: 18}\ntrain: {epochs: 2, batch_size: 8}\n",
      "model:\n  type: vit\n  size: tiny\nobjective:\n  type: mae\n  mask: {type: random, ratio: 0.75}\n"
      "train: {epochs: 1, batch_size: 4, log_every: 1}\n"s + '\0' + "train.epochs=3"s + '\0' + "run.seed=7",
      "data:\n  train:\n    source: {type: synthetic, identities: 4, per_identity: 2}\n"
      "optim: {type: adamw, lr: 0.001}\nschedule: {type: cosine, warmup_steps: 2}\n",
      "run: {name: &n tiny, root: *n}\ntrain: {epochs: 1, batch_size: 2}\neval:\n  - type: verification\n"
      "    role: test\n    data:\n      source: {type: synthetic, identities: 5, per_identity: 2, size: 32}\n"
      "    pairs: generate\n    num_pairs: 10\n    folds: 2\n",
      ""s + '\0' + "model.type=iresnet"s + '\0' + "train.batch_size=16",
  };
}

}  // namespace facerep::fuzz
