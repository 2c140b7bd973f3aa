#pragma once
// A resolved YAML config: `_base_` files merged, `--set` overrides applied, and for every key
// path the file and line it came from, so errors can point at the right place.
#include <map>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "core/error.h"

namespace facerep::core {

class ConfigTree {
 public:
  ConfigTree();

  // Reads a YAML file, resolving `_base_: [paths...]` (relative to the file) depth-first; later
  // bases override earlier ones and the file itself overrides its bases. Maps merge deeply,
  // everything else (scalars, lists) is replaced.
  static ConfigTree load_file(const std::string& path);
  // Parses YAML text; `origin` names it in errors. `_base_` paths resolve against `base_dir`.
  static ConfigTree load_string(const std::string& text, const std::string& origin = "<string>",
                                const std::string& base_dir = ".");

  // A deep copy: yaml-cpp nodes alias on assignment, so a plain copy would share the tree.
  ConfigTree clone() const;

  // Applies "a.b.c=value" (value parsed as YAML). Throws ConfigError on malformed input.
  // `origin` names where the assignment was written, in messages.
  void apply_override(const std::string& assignment, const std::string& origin = "--set");
  // Sets a value at a dotted path programmatically (recorded as coming from `origin`).
  void set(const std::string& key_path, const YAML::Node& value, const std::string& origin);

  const YAML::Node& root() const { return root_; }
  // The file/line a key path was last set from; falls back to the nearest recorded ancestor.
  SourceLoc loc(const std::string& key_path) const;
  // The top-level file this tree was loaded from (empty for strings).
  const std::string& file() const { return file_; }

 private:
  static ConfigTree load_impl(const std::string& path, std::vector<std::string>& stack);
  static ConfigTree from_node(YAML::Node node, const std::string& origin,
                              const std::string& base_dir, std::vector<std::string>& stack);
  void merge_from(const ConfigTree& other);

  YAML::Node root_;
  std::map<std::string, SourceLoc> locs_;
  std::string file_;
};

// "a.b" + "c" -> "a.b.c"; "" + "c" -> "c".
std::string join_key(const std::string& parent, const std::string& key);
// "a.b" + 2 -> "a.b[2]".
std::string join_index(const std::string& parent, size_t index);

}  // namespace facerep::core
