#pragma once
// Parses YAML text that a user gave (config files, --set values) with the checks yaml-cpp does not
// make, before any node is built: an alias inside the node it names (a cycle that would recurse
// forever), aliases that expand to an unbounded number of nodes ("billion laughs"), and a key
// given twice in one mapping (yaml-cpp keeps the last silently). Each is a ConfigError naming the
// origin and line.
#include <cstdint>
#include <string>

#include <yaml-cpp/node/node.h>

namespace facerep::core {

struct YamlLimits {
  // Nodes the document would have with every alias expanded; real configs have a few hundred.
  int64_t max_expanded_nodes = 1'000'000;
};

YAML::Node load_guarded_yaml(const std::string& text, const std::string& origin, const YamlLimits& limits = {});

}  // namespace facerep::core
