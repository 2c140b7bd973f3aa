// Strict component binding: a component is read through the registry of its kind or not at all,
// and the options it was read with are the ones that build it and the ones written back.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "core/config_tree.h"
#include "core/config_visit.h"
#include "core/error.h"
#include "core/registry.h"
#include "test_support.h"

namespace facerep::core {
namespace {

struct Widget {
  int size = 0;
};
struct SquareOptions {
  int size = 1;
  template <class V> void visit(V& v) { v("size", size, "side").min(1); }
};

Registry<Widget>& widgets() {
  static Registry<Widget>* r = [] {
    auto* reg = new Registry<Widget>("test_widget");
    reg->add<SquareOptions>("square", "a square", [](const SquareOptions& o) {
      auto w = std::make_shared<Widget>();
      w->size = o.size;
      return w;
    });
    return reg;
  }();
  return *r;
}

// A config section holding one widget.
struct Holder {
  ComponentSpec part;
  template <class V> void visit(V& v) { v.component("part", part, "test_widget", "a part"); }
};

std::string config_error(const std::function<void()>& f) {
  try {
    f();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(ComponentBinding, MisspelledTypeFailsWhenReadNamingTheFileAndTheNearestType) {
  widgets();
  const std::string msg = config_error(
      [] { testing::read_component("part:\n  type: sqaure\n", "part", "test_widget", "parts.yaml"); });
  EXPECT_NE(msg.find("parts.yaml:2"), std::string::npos) << msg;
  EXPECT_NE(msg.find("unknown test_widget type 'sqaure'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("did you mean square"), std::string::npos) << msg;
}

TEST(ComponentBinding, MisspelledTypeFailsWhenBuilt) {
  widgets();
  ComponentSpec spec = testing::read_component("part: {type: square, size: 2}\n", "part", "test_widget");
  spec.type = "sqaure";  // e.g. changed by code after reading
  const std::string msg = config_error([&] { widgets().build(spec); });
  EXPECT_NE(msg.find("unknown test_widget type 'sqaure'"), std::string::npos) << msg;
}

TEST(ComponentBinding, AKindNobodyRegisteredIsAnErrorNotDefaults) {
  const std::string msg =
      config_error([] { testing::read_component("part: {type: square}\n", "part", "test_gadget"); });
  EXPECT_NE(msg.find("no test_gadget components are registered"), std::string::npos) << msg;
}

TEST(ComponentBinding, ASpecThatWasNeverParsedDoesNotBuildWithDefaults) {
  widgets();
  ComponentSpec spec;
  spec.type = "square";
  spec.path = "part";
  const std::string msg = config_error([&] { widgets().build(spec); });
  EXPECT_NE(msg.find("was not read through the test_widget registry"), std::string::npos) << msg;
}

TEST(ComponentBinding, TheParsedOptionsBuildTheComponentAndAreWhatIsWritten) {
  widgets();
  const ComponentSpec spec = testing::read_component("part: {type: square, size: 3}\n", "part", "test_widget");
  EXPECT_EQ(widgets().build(spec)->size, 3);
  Holder holder{spec};
  const YAML::Node written = write_options(holder);
  EXPECT_EQ(written["part"]["type"].as<std::string>(), "square");
  EXPECT_EQ(written["part"]["size"].as<int>(), 3);
  // A default the user did not write is written too: config.yaml shows what ran.
  const ComponentSpec bare = testing::read_component("part: {type: square}\n", "part", "test_widget");
  Holder bare_holder{bare};
  EXPECT_EQ(write_options(bare_holder)["part"]["size"].as<int>(), 1);
  // An unknown option key is an error, not ignored.
  const std::string msg = config_error(
      [] { testing::read_component("part: {type: square, sise: 3}\n", "part", "test_widget"); });
  EXPECT_NE(msg.find("did you mean part.size"), std::string::npos) << msg;
}

}  // namespace
}  // namespace facerep::core
