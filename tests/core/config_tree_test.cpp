#include <gtest/gtest.h>

#include "core/config_tree.h"
#include "core/config_visit.h"
#include "test_support.h"

namespace facerep::core {
namespace {

struct MaskOpts {
  double ratio = 0.75;
  std::string type = "random";
  template <class V> void visit(V& v) {
    v("type", type, "masking strategy").one_of({"random", "block"});
    v("ratio", ratio, "fraction of patches masked").greater(0.0).less(1.0);
  }
};

struct Opts {
  int epochs = 1;
  std::vector<float> mean{0.5f, 0.5f, 0.5f};
  MaskOpts mask;
  template <class V> void visit(V& v) {
    v("epochs", epochs, "passes").min(1);
    v("mean", mean, "per-channel mean");
    v.section("mask", mask, "masking");
  }
};

TEST(ConfigTree, BaseInheritanceMergesDeeplyAndRecordsLines) {
  testing::TempDir dir;
  testing::write_file(dir.file("_base/a.yaml"), "train:\n  epochs: 3\n  lr: 0.1\nmodel: {type: vit}\n");
  testing::write_file(dir.file("b.yaml"), "_base_: [_base/a.yaml]\ntrain:\n  epochs: 5\n");
  ConfigTree t = ConfigTree::load_file(dir.file("b.yaml"));
  EXPECT_EQ(t.root()["train"]["epochs"].as<int>(), 5);
  EXPECT_DOUBLE_EQ(t.root()["train"]["lr"].as<double>(), 0.1);
  EXPECT_EQ(t.root()["model"]["type"].as<std::string>(), "vit");
  EXPECT_EQ(t.loc("train.epochs").str(), dir.file("b.yaml") + ":3");
  EXPECT_EQ(t.loc("train.lr").str(), dir.file("b.yaml").substr(0, dir.str().size()) + "/_base/a.yaml:3");
  EXPECT_FALSE(t.root()["_base_"]);
}

TEST(ConfigTree, ChangedComponentTypeReplacesTheBaseSection) {
  testing::TempDir dir;
  testing::write_file(dir.file("base.yaml"), "objective: {type: arcface, scale: 64}\nmodel: {type: vit, depth: 2}\n");
  testing::write_file(dir.file("child.yaml"),
                      "_base_: base.yaml\nobjective: {type: triplet, margin: 0.2}\nmodel: {depth: 4}\n");
  ConfigTree t = ConfigTree::load_file(dir.file("child.yaml"));
  EXPECT_FALSE(t.root()["objective"]["scale"]);
  EXPECT_EQ(t.root()["objective"]["type"].as<std::string>(), "triplet");
  EXPECT_EQ(t.root()["model"]["type"].as<std::string>(), "vit");  // same type: merged
  EXPECT_EQ(t.root()["model"]["depth"].as<int>(), 4);
}

TEST(ConfigTree, OverridesParseYamlValues) {
  ConfigTree t = ConfigTree::load_string("a: {b: 1}\n");
  t.apply_override("a.b=2.5");
  t.apply_override("a.c=[1, 2]");
  t.apply_override("x.y.z=hello");
  EXPECT_DOUBLE_EQ(t.root()["a"]["b"].as<double>(), 2.5);
  EXPECT_EQ(t.root()["a"]["c"].size(), 2u);
  EXPECT_EQ(t.root()["x"]["y"]["z"].as<std::string>(), "hello");
  EXPECT_EQ(t.loc("a.b").str(), "--set");
  EXPECT_THROW(t.apply_override("novalue"), ConfigError);
}

TEST(ConfigTree, CloneIsIndependentAndKeepsLocations) {
  const ConfigTree t = ConfigTree::load_string("a: {b: 1}\nl: [1, 2]\n", "c.yaml");
  ConfigTree c = t.clone();
  c.apply_override("a.b=7", "cv.variants[0].set");
  c.set("l[0]", YAML::Node(9), "here");
  EXPECT_EQ(t.root()["a"]["b"].as<int>(), 1);  // yaml-cpp nodes alias: a plain copy would show 7
  EXPECT_EQ(t.root()["l"][0].as<int>(), 1);
  EXPECT_EQ(c.root()["a"]["b"].as<int>(), 7);
  EXPECT_EQ(c.loc("a.b").str(), "cv.variants[0].set");
  EXPECT_EQ(c.loc("l").str(), "c.yaml:2");
  EXPECT_EQ(t.loc("a.b").str(), "c.yaml:1");
}

TEST(ConfigTree, OverridingTheTypeStartsTheSectionAfresh) {
  ConfigTree t = ConfigTree::load_string("model: {type: vit, depth: 4, patch: 8}\nrun: {seed: 1}\n", "m.yaml");
  t.apply_override("model.type=vit");  // same type: options kept
  EXPECT_EQ(t.root()["model"]["depth"].as<int>(), 4);
  t.apply_override("model.type=pixels");
  t.apply_override("model.image_size=32");
  EXPECT_EQ(t.root()["model"].size(), 2u);
  EXPECT_FALSE(t.root()["model"]["depth"]);
  EXPECT_EQ(t.root()["model"]["image_size"].as<int>(), 32);
  EXPECT_EQ(t.root()["run"]["seed"].as<int>(), 1);
  EXPECT_EQ(t.loc("model.type").str(), "--set");
}

TEST(ConfigVisit, ReadsDefaultsAndValues) {
  ConfigTree t = ConfigTree::load_string("epochs: 4\nmask: {ratio: 0.5}\n", "x.yaml");
  Opts o = read_options<Opts>(t, t.root(), "");
  EXPECT_EQ(o.epochs, 4);
  EXPECT_DOUBLE_EQ(o.mask.ratio, 0.5);
  EXPECT_EQ(o.mask.type, "random");
  EXPECT_EQ(o.mean.size(), 3u);
}

std::string error_of(const std::string& yaml) {
  ConfigTree t = ConfigTree::load_string(yaml, "cfg.yaml");
  try {
    read_options<Opts>(t, t.root(), "");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(ConfigVisit, ErrorsNameFileLineAndKey) {
  EXPECT_EQ(error_of("epochs: 1\nmask:\n  ratio: 1.5\n"),
            "cfg.yaml:3: mask.ratio: must be < 1, got 1.5");
  EXPECT_EQ(error_of("epoch: 2\n"), "cfg.yaml:1: epoch: unknown key (did you mean epochs?)");
  EXPECT_EQ(error_of("epochs: two\n"), "cfg.yaml:1: epochs: expected int, got 'two'");
  EXPECT_EQ(error_of("epochs: 1.5\n"), "cfg.yaml:1: epochs: expected int, got '1.5'");
  EXPECT_EQ(error_of("epochs: 0\n"), "cfg.yaml:1: epochs: must be >= 1, got 0");
  EXPECT_EQ(error_of("mask: {type: blok}\n"),
            "cfg.yaml:1: mask.type: must be one of: random, block; got 'blok' (did you mean block?)");
  EXPECT_EQ(error_of("mask: 3\n"), "cfg.yaml:1: mask: expected a mapping (section), got '3'");
  EXPECT_EQ(error_of("mean: {a: 1}\n"), "cfg.yaml:1: mean: expected list of float, got a mapping");
}

TEST(ConfigVisit, MalformedYamlNamesTheLine) {
  try {
    ConfigTree::load_string("a: 1\nb: [1, 2\n", "bad.yaml");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("bad.yaml:"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("invalid YAML"), std::string::npos) << e.what();
  }
}

TEST(ConfigVisit, WriterRoundTrips) {
  Opts o;
  o.epochs = 9;
  YAML::Node n = write_options(o);
  ConfigTree t;
  Opts back = read_options<Opts>(t, n, "");
  EXPECT_EQ(back.epochs, 9);
  EXPECT_DOUBLE_EQ(back.mask.ratio, 0.75);
}

TEST(ConfigVisit, DocumenterListsEveryKeyWithConstraints) {
  std::vector<DocRow> rows;
  ConfigVisitor v = ConfigVisitor::documenter(&rows);
  Opts o;
  o.visit(v);
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[0].key, "epochs");
  EXPECT_EQ(rows[0].constraint, ">= 1");
  EXPECT_EQ(rows[4].key, "mask.ratio");
  EXPECT_EQ(rows[4].constraint, "> 0, < 1");
}

}  // namespace
}  // namespace facerep::core
