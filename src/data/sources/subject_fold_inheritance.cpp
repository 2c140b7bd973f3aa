#include "data/sources/subject_fold_inheritance.h"

#include <string>
#include <vector>

#include "core/error.h"
#include "data/sources/subject_fold.h"

namespace facerep::data {

namespace {
constexpr const char* kType = "subject_fold";
constexpr const char* kTrainSource = "data.train.source";

struct Heir {
  std::string path;               // key path of the mapping, e.g. "eval[0].data.source"
  bool has_part = false;
  std::vector<std::string> keys;  // split keys it sets itself (not allowed)
};

bool is_fold(const YAML::Node& n) {
  return n.IsMap() && n["type"] && n["type"].IsScalar() && n["type"].Scalar() == kType;
}

// Every subject_fold without `source:` at or below `n`.
void collect(const YAML::Node& n, const std::string& path, std::vector<Heir>& out) {
  if (is_fold(n) && !n["source"]) {
    Heir h{path, static_cast<bool>(n["part"]), {}};
    for (const auto& key : subject_fold_split_keys())
      if (n[key]) h.keys.push_back(key);
    out.push_back(h);
    return;
  }
  if (n.IsMap()) {
    for (const auto& kv : n) collect(kv.second, core::join_key(path, kv.first.Scalar()), out);
  } else if (n.IsSequence()) {
    for (size_t i = 0; i < n.size(); ++i) collect(n[i], core::join_index(path, i), out);
  }
}

std::string describe_train_source(const YAML::Node& train) {
  if (!train || train.IsNull()) return "absent (the default synthetic source)";
  if (train.IsScalar()) return "'" + train.Scalar() + "'";
  if (train.IsMap() && train["type"] && train["type"].IsScalar()) return "'" + train["type"].Scalar() + "'";
  return "not a subject_fold";
}
}  // namespace

void inherit_subject_folds(core::ConfigTree& tree) {
  const YAML::Node evals = tree.root()["eval"];
  if (!evals || !evals.IsSequence()) return;
  std::vector<Heir> heirs;
  for (size_t i = 0; i < evals.size(); ++i) collect(evals[i], core::join_index("eval", i), heirs);
  if (heirs.empty()) return;

  const YAML::Node data = tree.root()["data"];
  const YAML::Node train_section = data && data.IsMap() ? data["train"] : YAML::Node();
  const YAML::Node train = train_section && train_section.IsMap() ? train_section["source"] : YAML::Node();
  if (!train || !is_fold(train))
    throw core::ConfigError(tree.loc(heirs[0].path), heirs[0].path,
                            "a subject_fold without its own 'source:' inherits the split of data.train.source, "
                            "which must then be a subject_fold; it is " + describe_train_source(train));
  for (const auto& h : heirs) {
    if (!h.keys.empty()) {
      const std::string key = core::join_key(h.path, h.keys[0]);
      throw core::ConfigError(tree.loc(key), key,
                              "inherited from data.train.source with the wrapped source; remove it here (an "
                              "evaluation must use the training run's split) or give this entry its own 'source:'");
    }
    if (!h.has_part)
      throw core::ConfigError(tree.loc(h.path), core::join_key(h.path, "part"),
                              "missing: which subjects of the training run's fold this evaluation uses (test or "
                              "validation)");
  }
  // Copies first: set() rewrites the tree these nodes belong to.
  const YAML::Node from = YAML::Clone(train);
  const std::string where = tree.loc(kTrainSource).str();
  const std::string origin = (where.empty() ? "" : where + " ") + "(inherited from " + kTrainSource + ")";
  for (const auto& h : heirs) {
    if (from["source"]) tree.set(core::join_key(h.path, "source"), from["source"], origin);
    for (const auto& key : subject_fold_split_keys())
      if (from[key]) tree.set(core::join_key(h.path, key), from[key], origin);
  }
}

}  // namespace facerep::data
