// Hostile YAML: inputs that crashed (alias cycles: stack overflow), hung (alias bombs) or were
// silently accepted (duplicate keys) before the guard. Each must be a ConfigError naming the line.
#include <gtest/gtest.h>

#include <string>

#include "core/config_tree.h"
#include "core/error.h"
#include "core/parse_number.h"
#include "core/run_options.h"
#include "test_support.h"

namespace facerep::core {
namespace {

std::string yaml_load_error(const std::string& text) {
  try {
    ConfigTree::load_string(text, "hostile.yaml");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(HostileYaml, AliasInsideItsOwnNodeIsAnErrorNotACrash) {
  EXPECT_NE(yaml_load_error("a: &r [*r]\n").find("hostile.yaml:1"), std::string::npos);
  EXPECT_NE(yaml_load_error("x: 1\nb: &m {k: [1, *m]}\n").find("cycle"), std::string::npos);
}

TEST(HostileYaml, SetOverrideWithACycleIsAnError) {
  ConfigTree tree = ConfigTree::load_string("eval: []\n", "c.yaml");
  try {
    tree.apply_override("eval=&a [*a]");
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("--set eval"), std::string::npos) << e.what();
  }
}

TEST(HostileYaml, AliasBombStopsAtTheExpansionLimit) {
  // Seven levels of nine aliases each: 9^7 = 4.8M leaves once expanded.
  std::string text = "l0: &l0 [x, x, x, x, x, x, x, x, x]\n";
  for (int level = 1; level <= 7; ++level) {
    text += "l" + std::to_string(level) + ": &l" + std::to_string(level) + " [";
    for (int k = 0; k < 9; ++k) text += (k ? ", *l" : "*l") + std::to_string(level - 1);
    text += "]\n";
  }
  const std::string e = yaml_load_error(text);
  EXPECT_NE(e.find("expand to more than"), std::string::npos) << e;
}

TEST(HostileYaml, ModestAliasesStillWork) {
  const ConfigTree tree = ConfigTree::load_string("a: &v [1, 2]\nb: *v\nc: {d: *v}\n", "ok.yaml");
  EXPECT_EQ(tree.root()["c"]["d"][1].as<int>(), 2);
}

TEST(HostileYaml, DuplicateKeyNamesTheLine) {
  const std::string e = yaml_load_error("run: {name: a}\nmodel: {type: vit}\nrun: {name: b}\n");
  EXPECT_NE(e.find("hostile.yaml:3"), std::string::npos) << e;
  EXPECT_NE(e.find("'run'"), std::string::npos) << e;
  // The same key in two different mappings is fine.
  EXPECT_EQ(yaml_load_error("a: {name: x}\nb: {name: y}\n"), "");
}

TEST(HostileYaml, ThreadCountHasASaneBound) {
  // 100000 threads used to be started one by one until the machine gave up.
  try {
    testing::read_options<RunOptions>("threads: 100000\n", "r.yaml");
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("threads"), std::string::npos) << e.what();
  }
  EXPECT_EQ(testing::read_options<RunOptions>("threads: 8\n").threads, 8);
}

TEST(ParseNumber, RejectsNonFiniteAndOverflowingValues) {
  float f = 0;
  EXPECT_TRUE(parse_finite_float("1.5", &f));
  EXPECT_FLOAT_EQ(f, 1.5f);
  for (const char* bad : {"nan", "NaN", "inf", "-inf", "1e99", "3abc", ""}) EXPECT_FALSE(parse_finite_float(bad, &f)) << bad;
  int64_t i = 0;
  EXPECT_TRUE(parse_index("0042", &i));
  EXPECT_EQ(i, 42);
  EXPECT_TRUE(parse_index("9223372036854775807", &i));
  for (const char* bad : {"-5", "0.5", "1e3", "99999999999999999999", "", "a1"}) EXPECT_FALSE(parse_index(bad, &i)) << bad;
  EXPECT_TRUE(looks_numeric("-5"));
  EXPECT_TRUE(looks_numeric("0.5"));
  EXPECT_FALSE(looks_numeric("n000002"));
}

}  // namespace
}  // namespace facerep::core
