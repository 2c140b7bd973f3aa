#include "core/config_tree.h"
#include "core/yaml_guard.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace facerep::core {
namespace fs = std::filesystem;

std::string join_key(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

std::string join_index(const std::string& parent, size_t index) {
  return parent + "[" + std::to_string(index) + "]";
}

namespace {

// Records the location of every node below `node` under `path`.
void record_locs(const YAML::Node& node, const std::string& path, const std::string& origin,
                 int fallback_line, std::map<std::string, SourceLoc>& out) {
  const YAML::Mark mark = node.Mark();
  const int line = mark.line >= 0 ? mark.line + 1 : fallback_line;
  if (!path.empty()) out[path] = SourceLoc{origin, line};
  if (node.IsMap()) {
    for (const auto& kv : node) {
      const std::string key = kv.first.Scalar();
      const int key_line = kv.first.Mark().line >= 0 ? kv.first.Mark().line + 1 : line;
      // A key's location is where the key is written, which is what a reader looks for.
      record_locs(kv.second, join_key(path, key), origin, key_line, out);
      out[join_key(path, key)] = SourceLoc{origin, key_line};
    }
  } else if (node.IsSequence()) {
    for (size_t i = 0; i < node.size(); ++i)
      record_locs(node[i], join_index(path, i), origin, line, out);
  }
}

void erase_below(std::map<std::string, SourceLoc>& locs, const std::string& path) {
  for (auto it = locs.begin(); it != locs.end();) {
    const std::string& k = it->first;
    const bool below = k.size() > path.size() && k.compare(0, path.size(), path) == 0 &&
                       (k[path.size()] == '.' || k[path.size()] == '[');
    it = below ? locs.erase(it) : std::next(it);
  }
}

// A section that names a different `type:` than its base is another component: its options
// must replace the base's, not merge into them (ArcFace's `scale` means nothing to triplet).
bool same_component_type(const YAML::Node& base, const YAML::Node& over) {
  const YAML::Node a = base["type"], b = over["type"];
  if (!a || !b || !a.IsScalar() || !b.IsScalar()) return true;
  return a.Scalar() == b.Scalar();
}

// Deep-merges `src` into `dst` (both maps). Copies, never aliases: yaml-cpp nodes have
// reference semantics, so assigning a node would let later edits change the bases.
void deep_merge(YAML::Node dst, const YAML::Node& src, const std::string& path,
                const std::map<std::string, SourceLoc>& src_locs,
                std::map<std::string, SourceLoc>& dst_locs) {
  for (const auto& kv : src) {
    const std::string key = kv.first.Scalar();
    const std::string child = join_key(path, key);
    if (dst[key] && dst[key].IsMap() && kv.second.IsMap() && same_component_type(dst[key], kv.second)) {
      deep_merge(dst[key], kv.second, child, src_locs, dst_locs);
      auto it = src_locs.find(child);
      if (it != src_locs.end()) dst_locs[child] = it->second;
    } else {
      dst[key] = YAML::Clone(kv.second);
      erase_below(dst_locs, child);
      for (auto it = src_locs.lower_bound(child); it != src_locs.end(); ++it) {
        const std::string& k = it->first;
        if (k.compare(0, child.size(), child) != 0) break;
        if (k.size() == child.size() || k[child.size()] == '.' || k[child.size()] == '[')
          dst_locs[k] = it->second;
      }
    }
  }
}

YAML::Node parse_yaml(const std::string& text, const std::string& origin) {
  return load_guarded_yaml(text, origin);
}

struct PathSegment {
  std::string key;
  int index = -1;  // >= 0 for "key[3]"
};

std::vector<PathSegment> split_path(const std::string& path, const std::string& what) {
  std::vector<PathSegment> out;
  std::stringstream ss(path);
  std::string part;
  while (std::getline(ss, part, '.')) {
    PathSegment seg;
    const auto bracket = part.find('[');
    if (bracket != std::string::npos) {
      if (part.back() != ']') throw ConfigError(what + ": malformed key path '" + path + "'");
      try {
        seg.index = std::stoi(part.substr(bracket + 1, part.size() - bracket - 2));
      } catch (...) {
        throw ConfigError(what + ": malformed index in key path '" + path + "'");
      }
      part = part.substr(0, bracket);
    }
    if (part.empty()) throw ConfigError(what + ": empty key in key path '" + path + "'");
    seg.key = part;
    out.push_back(seg);
  }
  if (out.empty()) throw ConfigError(what + ": empty key path");
  return out;
}

}  // namespace

ConfigTree::ConfigTree() : root_(YAML::NodeType::Map) {}

ConfigTree ConfigTree::load_file(const std::string& path) {
  std::vector<std::string> stack;
  ConfigTree tree = load_impl(path, stack);
  tree.file_ = path;
  return tree;
}

ConfigTree ConfigTree::load_string(const std::string& text, const std::string& origin,
                                   const std::string& base_dir) {
  std::vector<std::string> stack;
  return from_node(parse_yaml(text, origin), origin, base_dir, stack);
}

ConfigTree ConfigTree::load_impl(const std::string& path, std::vector<std::string>& stack) {
  std::error_code ec;
  const std::string canonical = fs::weakly_canonical(path, ec).string();
  for (const auto& s : stack)
    if (s == canonical) throw ConfigError(SourceLoc{path, 0}, "_base_", "inheritance cycle");
  if (!fs::exists(path)) throw ConfigError(SourceLoc{path, 0}, "", "config file not found");
  std::ifstream in(path);
  if (!in) throw ConfigError(SourceLoc{path, 0}, "", "cannot read config file");
  std::stringstream buf;
  buf << in.rdbuf();
  stack.push_back(canonical);
  ConfigTree tree = from_node(parse_yaml(buf.str(), path), path,
                              fs::path(path).parent_path().string(), stack);
  stack.pop_back();
  return tree;
}

ConfigTree ConfigTree::from_node(YAML::Node node, const std::string& origin,
                                 const std::string& base_dir, std::vector<std::string>& stack) {
  if (node.IsNull()) node = YAML::Node(YAML::NodeType::Map);
  if (!node.IsMap())
    throw ConfigError(SourceLoc{origin, node.Mark().line + 1}, "",
                      "a config file must be a YAML mapping (key: value)");
  ConfigTree own;
  record_locs(node, "", origin, 1, own.locs_);

  ConfigTree merged;
  if (const YAML::Node bases = node["_base_"]) {
    std::vector<std::string> paths;
    if (bases.IsScalar()) {
      paths.push_back(bases.Scalar());
    } else if (bases.IsSequence()) {
      for (const auto& b : bases) {
        if (!b.IsScalar())
          throw ConfigError(SourceLoc{origin, b.Mark().line + 1}, "_base_",
                            "expected a list of file paths");
        paths.push_back(b.Scalar());
      }
    } else {
      throw ConfigError(SourceLoc{origin, bases.Mark().line + 1}, "_base_",
                        "expected a file path or a list of file paths");
    }
    for (const auto& p : paths) {
      const fs::path full = fs::path(p).is_absolute() ? fs::path(p) : fs::path(base_dir) / p;
      if (!fs::exists(full))
        throw ConfigError(SourceLoc{origin, bases.Mark().line + 1}, "_base_",
                          "base file not found: " + full.string());
      merged.merge_from(load_impl(full.string(), stack));
    }
  }
  YAML::Node body = YAML::Clone(node);
  body.remove("_base_");
  own.root_ = body;
  own.locs_.erase("_base_");
  merged.merge_from(own);
  return merged;
}

void ConfigTree::merge_from(const ConfigTree& other) {
  deep_merge(root_, other.root_, "", other.locs_, locs_);
}

void ConfigTree::set(const std::string& key_path, const YAML::Node& value,
                     const std::string& origin) {
  const auto segs = split_path(key_path, origin);
  // Walk down with explicit node handles, creating maps as needed.
  std::vector<YAML::Node> chain{root_};
  std::string path;
  for (size_t i = 0; i < segs.size(); ++i) {
    const auto& seg = segs[i];
    YAML::Node cur = chain.back();
    if (!cur.IsMap() && !cur.IsNull())
      throw ConfigError(origin + ": cannot set '" + key_path + "': '" + path +
                        "' is not a mapping");
    const std::string parent = path;
    path = join_key(path, seg.key);
    const bool last = i + 1 == segs.size();
    if (seg.index >= 0) {
      YAML::Node list = cur[seg.key];
      if (!list || !list.IsSequence() || seg.index >= static_cast<int>(list.size()))
        throw ConfigError(origin + ": cannot set '" + key_path + "': '" + path +
                          "' has no element " + std::to_string(seg.index));
      path = join_index(path, seg.index);
      if (last) {
        list[seg.index] = YAML::Clone(value);
      } else {
        chain.push_back(list[seg.index]);
      }
    } else if (last) {
      // A new `type:` is another component: its section starts empty, as when a file's section
      // names another type than its base's (same rule). Later --set add to it.
      YAML::Node over(YAML::NodeType::Map);
      over["type"] = value;
      if (seg.key == "type" && cur.IsMap() && !same_component_type(cur, over)) {
        std::vector<std::string> keys;
        for (const auto& kv : cur) keys.push_back(kv.first.Scalar());
        for (const auto& k : keys) cur.remove(k);
        erase_below(locs_, parent);
      }
      cur[seg.key] = YAML::Clone(value);
    } else {
      if (!cur[seg.key] || cur[seg.key].IsNull()) cur[seg.key] = YAML::Node(YAML::NodeType::Map);
      chain.push_back(cur[seg.key]);
    }
  }
  erase_below(locs_, path);
  std::map<std::string, SourceLoc> fresh;
  record_locs(value, path, origin, 0, fresh);
  for (auto& kv : fresh) kv.second = SourceLoc{origin, 0};
  for (auto& kv : fresh) locs_[kv.first] = kv.second;
  locs_[path] = SourceLoc{origin, 0};
}

ConfigTree ConfigTree::clone() const {
  // Start from a fresh root: assigning to a node that aliases ours would write through to it.
  ConfigTree copy;
  copy.root_ = YAML::Clone(root_);
  copy.locs_ = locs_;
  copy.file_ = file_;
  return copy;
}

void ConfigTree::apply_override(const std::string& assignment, const std::string& origin) {
  const auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0)
    throw ConfigError(origin + " " + assignment + ": expected key.path=value");
  const std::string key = assignment.substr(0, eq);
  const std::string text = assignment.substr(eq + 1);
  YAML::Node value = load_guarded_yaml(text, origin + " " + key);
  if (!value.IsDefined() || (value.IsNull() && text.empty())) value = YAML::Node("");
  set(key, value, origin);
}

SourceLoc ConfigTree::loc(const std::string& key_path) const {
  std::string p = key_path;
  while (true) {
    auto it = locs_.find(p);
    if (it != locs_.end()) return it->second;
    const auto cut = p.find_last_of(".[");
    if (cut == std::string::npos) break;
    p = p.substr(0, cut);
  }
  return SourceLoc{file_, 0};
}

}  // namespace facerep::core
