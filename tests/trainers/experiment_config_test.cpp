#include <gtest/gtest.h>

#include "trainers/experiment_config.h"
#include "test_support.h"

namespace facerep::trainers {
namespace {

TEST(ExperimentConfig, DefaultsAndResolvedYaml) {
  core::ConfigTree t = core::ConfigTree::load_string("run: {name: x}\ntrain: {epochs: 2}\n", "e.yaml");
  ExperimentConfig c = load_experiment_tree(t);
  EXPECT_EQ(c.run.name, "x");
  EXPECT_EQ(c.train.epochs, 2);
  const std::string yaml = experiment_to_yaml(c);
  EXPECT_NE(yaml.find("epochs: 2"), std::string::npos) << yaml;
}

TEST(ExperimentConfig, UnknownTopLevelKeySuggestsNearest) {
  core::ConfigTree t = core::ConfigTree::load_string("trian: {epochs: 2}\n", "e.yaml");
  try {
    load_experiment_tree(t);
    FAIL();
  } catch (const core::ConfigError& e) {
    EXPECT_STREQ(e.what(), "e.yaml:1: trian: unknown key (did you mean train?)");
  }
}

}  // namespace
}  // namespace facerep::trainers
