#include "core/config_visit.h"

#include <algorithm>
#include <map>
#include <mutex>

namespace facerep::core {

namespace {
std::map<std::string, const ComponentKind*>& kinds() {
  static std::map<std::string, const ComponentKind*> table;
  return table;
}
std::mutex& kinds_mutex() {
  static std::mutex m;
  return m;
}

size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string join_names(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}
}  // namespace

void register_component_kind(const std::string& kind, const ComponentKind* registry) {
  std::lock_guard<std::mutex> lock(kinds_mutex());
  kinds()[kind] = registry;
}

const ComponentKind* find_component_kind(const std::string& kind) {
  std::lock_guard<std::mutex> lock(kinds_mutex());
  auto it = kinds().find(kind);
  return it == kinds().end() ? nullptr : it->second;
}

std::vector<std::string> component_kind_names() {
  std::lock_guard<std::mutex> lock(kinds_mutex());
  std::vector<std::string> out;
  for (const auto& kv : kinds()) out.push_back(kv.first);
  return out;
}

std::string nearest_name(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  size_t best_d = std::max<size_t>(2, word.size() / 3) + 1;
  for (const auto& c : candidates) {
    const size_t d = edit_distance(word, c);
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  return best;
}

ConfigVisitor ConfigVisitor::reader(const ConfigTree* tree, const YAML::Node& node,
                                    const std::string& path) {
  ConfigVisitor v(Mode::kRead, path);
  v.tree_ = tree;
  v.node_ = node;
  return v;
}

ConfigVisitor ConfigVisitor::writer(const std::string& path) { return ConfigVisitor(Mode::kWrite, path); }

ConfigVisitor ConfigVisitor::documenter(std::vector<DocRow>* rows, const std::string& path) {
  ConfigVisitor v(Mode::kDoc, path);
  v.docs_ = rows;
  return v;
}

std::string ConfigVisitor::describe(const YAML::Node& n) {
  if (!n || n.IsNull()) return "nothing";
  if (n.IsMap()) return "a mapping";
  if (n.IsSequence()) return "a list";
  return "'" + n.Scalar() + "'";
}

void ConfigVisitor::fail(const std::string& key_path, const std::string& message) const {
  SourceLoc loc = tree_ ? tree_->loc(key_path) : SourceLoc{};
  throw ConfigError(loc, key_path, message);
}

void ConfigVisitor::require(bool ok, const char* key, const std::string& message) {
  if (mode_ == Mode::kRead && !ok) fail(join_key(path_, key), message);
}

void ConfigVisitor::finish() {
  if (mode_ != Mode::kRead || !node_ || !node_.IsMap()) return;
  for (const auto& kv : node_) {
    const std::string key = kv.first.Scalar();
    if (std::find(seen_.begin(), seen_.end(), key) != seen_.end()) continue;
    std::string msg = "unknown key";
    const std::string near = nearest_name(key, seen_);
    if (!near.empty()) msg += " (did you mean " + join_key(path_, near) + "?)";
    else if (!seen_.empty()) msg += " (known keys: " + join_names(seen_) + ")";
    fail(join_key(path_, key), msg);
  }
}

ComponentSpec ConfigVisitor::read_component(const YAML::Node& node, const std::string& key_path,
                                            const char* kind) {
  ComponentSpec spec;
  spec.path = key_path;
  YAML::Node body;
  if (node.IsScalar()) {  // shorthand: `model: vit`
    spec.type = node.Scalar();
    body = YAML::Node(YAML::NodeType::Map);
  } else if (node.IsMap()) {
    if (!node["type"] || !node["type"].IsScalar())
      fail(key_path, std::string("missing 'type:' (which ") + kind + " to build)");
    spec.type = node["type"].Scalar();
    body = YAML::Clone(node);
    body.remove("type");
  } else {
    fail(key_path, std::string("expected a mapping with 'type:', got ") + describe(node));
  }
  spec.raw = YAML::Clone(node.IsMap() ? node : body);
  const ComponentKind* registry = find_component_kind(kind);
  if (!registry)
    fail(key_path, std::string("no ") + kind +
                       " components are registered (the program did not call its registration list, "
                       "cli::register_all_components())");
  const auto names = registry->names();
  if (std::find(names.begin(), names.end(), spec.type) == names.end()) {
    std::string msg = std::string("unknown ") + kind + " type '" + spec.type + "'";
    const std::string near = nearest_name(spec.type, names);
    if (!near.empty()) msg += " (did you mean " + near + "?)";
    msg += "; known: " + join_names(names);
    fail(join_key(key_path, "type"), msg);
  }
  ConfigVisitor sub = reader(tree_, body, key_path);
  sub.seen_.push_back("type");
  spec.options = registry->visit_options(spec.type, std::any(), sub);
  sub.finish();
  return spec;
}

YAML::Node ConfigVisitor::write_component(const ComponentSpec& spec, const char* kind) const {
  // What is written is what builds the component: the parsed options, never the raw YAML.
  const ComponentKind* registry = find_component_kind(kind);
  if (!registry || !spec.options.has_value())
    throw RuntimeError(spec.path + ": " + kind + " '" + spec.type +
                       "' has no parsed options to write (it was not read through the registry)");
  ConfigVisitor sub = writer(spec.path);
  sub.out_["type"] = spec.type;
  registry->visit_options(spec.type, spec.options, sub);
  return sub.out_;
}

void ConfigVisitor::document_kind(const std::string& key_path, const char* kind) {
  const ComponentKind* registry = find_component_kind(kind);
  if (!registry) return;
  // A component may hold components of its own kind (objective `sum` lists objectives): document
  // each kind once per branch, else the recursion never ends. The nested key's row still says
  // which kind it takes; that kind's types are documented where it first appears.
  static thread_local std::vector<std::string> open_kinds;
  if (std::find(open_kinds.begin(), open_kinds.end(), kind) != open_kinds.end()) return;
  struct Open {
    explicit Open(const char* k) { open_kinds.push_back(k); }
    ~Open() { open_kinds.pop_back(); }
  } open(kind);
  for (const auto& name : registry->names()) {
    const std::string sub_path = key_path + "{type: " + name + "}";
    docs_->push_back({sub_path, std::string(kind) + " options", "", registry->help(name), ""});
    ConfigVisitor sub = documenter(docs_, sub_path);
    registry->visit_options(name, std::any(), sub);
  }
}

void ConfigVisitor::component(const char* key, ComponentSpec& spec, const char* kind,
                              const char* help, const char* default_type) {
  const std::string key_path = join_key(path_, key);
  if (mode_ == Mode::kRead) {
    seen_.push_back(key);
    YAML::Node n = node_ && node_.IsMap() ? node_[key] : YAML::Node();
    if (n && !n.IsNull()) {
      spec = read_component(n, key_path, kind);
    } else if (default_type && *default_type) {
      YAML::Node d(YAML::NodeType::Map);
      d["type"] = default_type;
      spec = read_component(d, key_path, kind);
    } else {
      spec = ComponentSpec{};
      spec.path = key_path;
    }
  } else if (mode_ == Mode::kWrite) {
    if (!spec.empty()) out_[key] = write_component(spec, kind);
  } else {
    const std::string def = default_type && *default_type ? default_type : "(none)";
    docs_->push_back({key_path, std::string(kind) + " (by type:)", def, help, ""});
    document_kind(key_path, kind);
  }
}

void ConfigVisitor::components(const char* key, std::vector<ComponentSpec>& specs,
                               const char* kind, const char* help) {
  const std::string key_path = join_key(path_, key);
  if (mode_ == Mode::kRead) {
    seen_.push_back(key);
    YAML::Node n = node_ && node_.IsMap() ? node_[key] : YAML::Node();
    if (!n || n.IsNull()) return;
    if (!n.IsSequence()) fail(key_path, std::string("expected a list of ") + kind + "s, got " + describe(n));
    specs.clear();
    for (size_t i = 0; i < n.size(); ++i) specs.push_back(read_component(n[i], join_index(key_path, i), kind));
  } else if (mode_ == Mode::kWrite) {
    YAML::Node list(YAML::NodeType::Sequence);
    for (const auto& s : specs) {
      YAML::Node item = write_component(s, kind);
      item.SetStyle(YAML::EmitterStyle::Flow);
      list.push_back(item);
    }
    out_[key] = list;
  } else {
    docs_->push_back({key_path, std::string("list of ") + kind, "[]", help, ""});
    document_kind(key_path + "[]", kind);
  }
}

ComponentSpec component_from_yaml(const std::string& kind, const std::string& yaml, const std::string& origin) {
  const ConfigTree tree = ConfigTree::load_string("component: " + yaml + "\n", origin);
  ConfigVisitor v = ConfigVisitor::reader(&tree, tree.root(), "");
  ComponentSpec spec;
  v.component("component", spec, kind.c_str(), "");
  v.finish();
  spec.path = origin;
  return spec;
}

}  // namespace facerep::core
