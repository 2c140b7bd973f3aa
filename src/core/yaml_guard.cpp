#include "core/yaml_guard.h"

#include <map>
#include <set>
#include <sstream>
#include <vector>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/node/parse.h>
#include <yaml-cpp/parser.h>

#include "core/error.h"

namespace facerep::core {
namespace {

// Walks the parser's events once, keeping for every open collection its anchor and expanded
// size, and for every finished anchor the size an alias to it adds.
class GuardHandler : public YAML::EventHandler {
 public:
  GuardHandler(std::string origin, YamlLimits limits) : origin_(std::move(origin)), limits_(limits) {}

  void OnDocumentStart(const YAML::Mark&) override {
    open_.clear();
    total_ = 0;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override { leaf(mark, anchor, nullptr); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                const std::string& value) override {
    leaf(mark, anchor, &value);
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    for (const Frame& f : open_)
      if (f.anchor == anchor && anchor != 0)
        fail(mark, "alias *" + name_of(anchor) + " refers to a node that contains it (a cycle)");
    const auto it = sizes_.find(anchor);
    finish_node(mark, it == sizes_.end() ? 1 : it->second, nullptr);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(mark, anchor, false);
  }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(mark, anchor, true);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapEnd() override { close(); }
  void OnAnchor(const YAML::Mark&, const std::string& name) override { pending_name_ = name; }

 private:
  struct Frame {
    YAML::anchor_t anchor = 0;
    bool is_map = false;
    int64_t size = 1;        // itself plus its children, aliases expanded
    int64_t children = 0;    // in a map, even = key, odd = value
    std::set<std::string> keys;
    YAML::Mark mark;
  };

  std::string name_of(YAML::anchor_t anchor) const {
    const auto it = names_.find(anchor);
    return it == names_.end() ? std::to_string(anchor) : it->second;
  }
  void take_name(YAML::anchor_t anchor) {
    if (anchor != 0 && !pending_name_.empty()) names_[anchor] = pending_name_;
    pending_name_.clear();
  }
  [[noreturn]] void fail(const YAML::Mark& mark, const std::string& what) const {
    throw ConfigError(SourceLoc{origin_, mark.is_null() ? 0 : mark.line + 1}, "", "invalid YAML: " + what);
  }

  void leaf(const YAML::Mark& mark, YAML::anchor_t anchor, const std::string* scalar) {
    take_name(anchor);
    if (anchor != 0) sizes_[anchor] = 1;
    finish_node(mark, 1, scalar);
  }
  void open(const YAML::Mark& mark, YAML::anchor_t anchor, bool is_map) {
    take_name(anchor);
    note_key(mark, nullptr);
    Frame f;
    f.anchor = anchor;
    f.is_map = is_map;
    f.mark = mark;
    open_.push_back(std::move(f));
  }
  void close() {
    Frame f = std::move(open_.back());
    open_.pop_back();
    if (f.anchor != 0) sizes_[f.anchor] = f.size;
    add_size(f.mark, f.size);
  }
  // A finished scalar, null or alias of `size` expanded nodes.
  void finish_node(const YAML::Mark& mark, int64_t size, const std::string* scalar) {
    note_key(mark, scalar);
    add_size(mark, size);
  }
  // Counts the node as the parent's next child; a scalar in a key position must be new there.
  void note_key(const YAML::Mark& mark, const std::string* scalar) {
    if (open_.empty()) return;
    Frame& parent = open_.back();
    const bool is_key = parent.is_map && parent.children % 2 == 0;
    ++parent.children;
    if (is_key && scalar != nullptr && !parent.keys.insert(*scalar).second)
      fail(mark, "key '" + *scalar + "' appears twice in one mapping (remove one; YAML would keep only the last)");
  }
  void add_size(const YAML::Mark& mark, int64_t size) {
    if (open_.empty()) {
      total_ += size;
    } else {
      open_.back().size += size;
    }
    int64_t pending = total_;
    for (const Frame& f : open_) pending += f.size;
    if (size > limits_.max_expanded_nodes || pending > limits_.max_expanded_nodes)
      fail(mark, "aliases expand to more than " + std::to_string(limits_.max_expanded_nodes) +
                     " nodes (nested aliases multiply; a config never needs this many)");
  }

  std::string origin_;
  YamlLimits limits_;
  std::vector<Frame> open_;
  std::map<YAML::anchor_t, int64_t> sizes_;
  std::map<YAML::anchor_t, std::string> names_;
  std::string pending_name_;
  int64_t total_ = 0;
};

}  // namespace

YAML::Node load_guarded_yaml(const std::string& text, const std::string& origin, const YamlLimits& limits) {
  try {
    std::istringstream in(text);
    YAML::Parser parser(in);
    GuardHandler guard(origin, limits);
    // One document, as YAML::Load reads. Not a loop over every document: yaml-cpp 0.7 reports a
    // document forever, consuming nothing, on text such as "," (jbeder/yaml-cpp#1040), which
    // hung `--set key=,`.
    if (parser.HandleNextDocument(guard) && parser.HandleNextDocument(guard))
      throw ConfigError(SourceLoc{origin, 0}, "",
                        "more than one YAML document (a '---' line, or text yaml-cpp cannot parse such as a "
                        "stray ','); a config is one document");
    return YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    throw ConfigError(SourceLoc{origin, e.mark.is_null() ? 0 : e.mark.line + 1}, "", "invalid YAML: " + e.msg);
  }
}

}  // namespace facerep::core
