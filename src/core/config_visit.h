#pragma once
// One declaration per option serves reading, writing and documenting a config section.
//
//   struct TrainOptions {
//     int epochs = 1;
//     template <class V> void visit(V& v) {
//       v("epochs", epochs, "passes over the training data").min(1);
//     }
//   };
//
// ConfigVisitor in read mode converts YAML to the struct (type and range errors name file:line
// and key path; unknown keys are rejected with the nearest known key), in write mode produces
// the resolved YAML, in doc mode collects rows for docs/config.md.
#include <any>
#include <cstdint>
#include <initializer_list>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "core/config_tree.h"
#include "core/error.h"

namespace facerep::core {

// A polymorphic component chosen by `type:` (a model, an objective, a transform...). Reading it
// parses its options with the registry of its kind, so an unknown type, an unknown key or an
// unregistered kind is an error at once; the parsed options are what builds the component and
// what the resolved config.yaml shows.
struct ComponentSpec {
  std::string type;
  std::string path;  // key path in the config, for messages
  std::any options;  // the parsed options struct
  YAML::Node raw;    // the YAML it was read from (a clone), for messages only

  bool empty() const { return type.empty(); }
};

// One row of the generated config reference.
struct DocRow {
  std::string key;         // full key path, e.g. "train.epochs" or "model[vit].depth"
  std::string type;        // "int", "float", "string", "list of float", "section", ...
  std::string default_value;
  std::string help;
  std::string constraint;  // "≥ 1", "one of: a, b", ...
};

class ConfigVisitor;

// Type-erased view of a registry, so torch-free config code can validate any component kind.
class ComponentKind {
 public:
  virtual ~ComponentKind() = default;
  virtual std::vector<std::string> names() const = 0;
  virtual std::string help(const std::string& type) const = 0;
  // Visits the options of `type` with `v` (read: fills and returns them; write: writes
  // `options`; doc: documents the defaults).
  virtual std::any visit_options(const std::string& type, const std::any& options,
                                 ConfigVisitor& v) const = 0;
};

// Component kinds by name ("model", "objective", "transform", ...). Registries add themselves.
void register_component_kind(const std::string& kind, const ComponentKind* registry);
const ComponentKind* find_component_kind(const std::string& kind);
std::vector<std::string> component_kind_names();

// Nearest candidate by edit distance, or "" when nothing is close enough.
std::string nearest_name(const std::string& word, const std::vector<std::string>& candidates);

template <class T> struct is_std_vector : std::false_type {};
template <class T> struct is_std_vector<std::vector<T>> : std::true_type {};

template <class T>
std::string config_type_name() {
  if constexpr (std::is_same_v<T, bool>) return "bool";
  else if constexpr (std::is_integral_v<T>) return "int";
  else if constexpr (std::is_floating_point_v<T>) return "float";
  else if constexpr (std::is_same_v<T, std::string>) return "string";
  else if constexpr (is_std_vector<T>::value) return "list of " + config_type_name<typename T::value_type>();
  else return "value";
}

template <class T>
std::string config_value_text(const T& value) {
  if constexpr (std::is_same_v<T, bool>) {
    return value ? "true" : "false";
  } else if constexpr (std::is_same_v<T, std::string>) {
    return value.empty() ? "\"\"" : value;
  } else if constexpr (is_std_vector<T>::value) {
    std::string out = "[";
    for (size_t i = 0; i < value.size(); ++i) out += (i ? ", " : "") + config_value_text(value[i]);
    return out + "]";
  } else {
    std::ostringstream os;
    os << value;
    return os.str();
  }
}

class ConfigVisitor;

// Returned by ConfigVisitor::operator(): chained range checks on the value just visited.
template <class T>
class Check {
 public:
  Check(ConfigVisitor* v, std::string key, const T* value) : v_(v), key_(std::move(key)), value_(value) {}
  Check& min(T lo);            // value >= lo
  Check& max(T hi);            // value <= hi
  Check& greater(T lo);        // value > lo
  Check& less(T hi);           // value < hi
  Check& one_of(std::initializer_list<const char*> allowed);
  Check& non_empty();

 private:
  void check(bool ok, const std::string& rule, const std::string& what);
  ConfigVisitor* v_;
  std::string key_;
  const T* value_;
};

class ConfigVisitor {
 public:
  enum class Mode { kRead, kWrite, kDoc };

  // Read mode over `node` (a mapping, or null for "all defaults") found at `path` in `tree`.
  static ConfigVisitor reader(const ConfigTree* tree, const YAML::Node& node, const std::string& path);
  static ConfigVisitor writer(const std::string& path = "");
  static ConfigVisitor documenter(std::vector<DocRow>* rows, const std::string& path = "");

  Mode mode() const { return mode_; }
  bool reading() const { return mode_ == Mode::kRead; }
  const std::string& path() const { return path_; }

  template <class T>
  Check<T> operator()(const char* key, T& value, const char* help) {
    static_assert(!std::is_same_v<T, ComponentSpec>, "use component() for ComponentSpec");
    const std::string key_path = join_key(path_, key);
    if (mode_ == Mode::kRead) {
      seen_.push_back(key);
      if (node_ && node_.IsMap() && node_[key]) read_value(node_[key], key_path, value);
    } else if (mode_ == Mode::kWrite) {
      out_[key] = to_node(value);
    } else {
      docs_->push_back({key_path, config_type_name<T>(), config_value_text(value), help, ""});
    }
    return Check<T>(this, key_path, &value);
  }

  // A nested options struct with its own visit().
  template <class S>
  void section(const char* key, S& s, const char* help) {
    const std::string key_path = join_key(path_, key);
    if (mode_ == Mode::kRead) {
      seen_.push_back(key);
      YAML::Node child = node_ && node_.IsMap() ? node_[key] : YAML::Node();
      if (child && !child.IsNull() && !child.IsMap())
        fail(key_path, "expected a mapping (section), got " + describe(child));
      ConfigVisitor sub = reader(tree_, child ? child : YAML::Node(), key_path);
      s.visit(sub);
      sub.finish();
    } else if (mode_ == Mode::kWrite) {
      ConfigVisitor sub = writer(key_path);
      s.visit(sub);
      out_[key] = sub.node();
    } else {
      docs_->push_back({key_path, "section", "", help, ""});
      ConfigVisitor sub = documenter(docs_, key_path);
      s.visit(sub);
    }
  }

  // A list of nested options structs (each a mapping read by S::visit), e.g. `cv.variants`.
  template <class S>
  void sections(const char* key, std::vector<S>& items, const char* help) {
    const std::string key_path = join_key(path_, key);
    if (mode_ == Mode::kRead) {
      seen_.push_back(key);
      YAML::Node n = node_ && node_.IsMap() ? node_[key] : YAML::Node();
      if (!n || n.IsNull()) return;
      if (!n.IsSequence()) fail(key_path, "expected a list of mappings, got " + describe(n));
      items.clear();
      for (size_t i = 0; i < n.size(); ++i) {
        const std::string item_path = join_index(key_path, i);
        if (!n[i].IsMap()) fail(item_path, "expected a mapping, got " + describe(n[i]));
        ConfigVisitor sub = reader(tree_, n[i], item_path);
        S s;
        s.visit(sub);
        sub.finish();
        items.push_back(std::move(s));
      }
    } else if (mode_ == Mode::kWrite) {
      YAML::Node list(YAML::NodeType::Sequence);
      for (auto& s : items) {
        ConfigVisitor sub = writer(key_path);
        s.visit(sub);
        YAML::Node item = sub.node();
        item.SetStyle(YAML::EmitterStyle::Flow);
        list.push_back(item);
      }
      out_[key] = list;
    } else {
      docs_->push_back({key_path, "list of sections", "[]", help, ""});
      ConfigVisitor sub = documenter(docs_, key_path + "[]");
      S s;
      s.visit(sub);
    }
  }

  // A component of `kind` chosen by its `type:`. `default_type` applies when the key is absent;
  // when it is empty the component is optional (spec stays empty).
  void component(const char* key, ComponentSpec& spec, const char* kind, const char* help,
                 const char* default_type = "");
  // A list of components (e.g. transforms), each a mapping with `type:`.
  void components(const char* key, std::vector<ComponentSpec>& specs, const char* kind,
                  const char* help);

  // Cross-field rule: when `ok` is false in read mode, fails naming `key`'s location.
  void require(bool ok, const char* key, const std::string& message);
  // Rejects keys that were never visited, suggesting the nearest one. Called by section().
  void finish();

  // Throws ConfigError at the location of `key_path`.
  [[noreturn]] void fail(const std::string& key_path, const std::string& message) const;
  DocRow* last_doc_row() { return docs_ && !docs_->empty() ? &docs_->back() : nullptr; }
  YAML::Node node() const { return out_; }
  const ConfigTree* tree() const { return tree_; }

 private:
  ConfigVisitor(Mode mode, std::string path) : mode_(mode), path_(std::move(path)) {}
  static std::string describe(const YAML::Node& n);
  ComponentSpec read_component(const YAML::Node& node, const std::string& key_path,
                               const char* kind);
  YAML::Node write_component(const ComponentSpec& spec, const char* kind) const;
  void document_kind(const std::string& key_path, const char* kind);

  template <class T>
  static YAML::Node to_node(const T& value) {
    if constexpr (is_std_vector<T>::value) {
      YAML::Node n(YAML::NodeType::Sequence);
      for (const auto& x : value) n.push_back(to_node(x));
      n.SetStyle(YAML::EmitterStyle::Flow);
      return n;
    } else {
      return YAML::Node(value);
    }
  }

  template <class T>
  void read_value(const YAML::Node& n, const std::string& key_path, T& value) {
    if constexpr (is_std_vector<T>::value) {
      using E = typename T::value_type;
      if (n.IsScalar() && !n.Scalar().empty()) {
        // A single value where a list is expected: accept it as a list of one.
        E e{};
        read_value(n, key_path, e);
        value = {e};
        return;
      }
      if (!n.IsSequence()) fail(key_path, "expected " + config_type_name<T>() + ", got " + describe(n));
      T out;
      for (size_t i = 0; i < n.size(); ++i) {
        E e{};
        read_value(n[i], join_index(key_path, i), e);
        out.push_back(e);
      }
      value = out;
    } else {
      if (!n.IsScalar()) fail(key_path, "expected " + config_type_name<T>() + ", got " + describe(n));
      T parsed{};
      bool ok = true;
      if constexpr (std::is_same_v<T, std::string>) {
        parsed = n.Scalar();
      } else if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
        // yaml-cpp would accept "1.5" as int 1 on some paths; be strict.
        const std::string& s = n.Scalar();
        size_t pos = 0;
        try {
          const long long v = std::stoll(s, &pos);
          ok = pos == s.size();
          parsed = static_cast<T>(v);
        } catch (...) {
          ok = false;
        }
      } else {
        ok = YAML::convert<T>::decode(n, parsed);
      }
      if (!ok)
        fail(key_path, "expected " + config_type_name<T>() + ", got '" + n.Scalar() + "'");
      value = parsed;
    }
  }

  Mode mode_;
  std::string path_;
  const ConfigTree* tree_ = nullptr;
  YAML::Node node_;
  std::vector<std::string> seen_;
  YAML::Node out_{YAML::NodeType::Map};
  std::vector<DocRow>* docs_ = nullptr;
};

// Reads a whole options struct from `node` at `path` (unknown keys rejected).
template <class S>
S read_options(const ConfigTree& tree, const YAML::Node& node, const std::string& path) {
  S s;
  ConfigVisitor v = ConfigVisitor::reader(&tree, node, path);
  s.visit(v);
  v.finish();
  return s;
}

template <class S>
YAML::Node write_options(S s) {
  ConfigVisitor v = ConfigVisitor::writer();
  s.visit(v);
  return v.node();
}

// ---- Check<T> ----
template <class T>
void Check<T>::check(bool ok, const std::string& rule, const std::string& what) {
  if (v_->mode() == ConfigVisitor::Mode::kDoc) {
    if (DocRow* row = v_->last_doc_row()) {
      if (!row->constraint.empty()) row->constraint += ", ";
      row->constraint += rule;
    }
    return;
  }
  if (v_->mode() == ConfigVisitor::Mode::kRead && !ok) v_->fail(key_, what);
}

template <class T>
Check<T>& Check<T>::min(T lo) {
  if constexpr (std::is_arithmetic_v<T>)
    check(*value_ >= lo, ">= " + config_value_text(lo),
          "must be >= " + config_value_text(lo) + ", got " + config_value_text(*value_));
  return *this;
}
template <class T>
Check<T>& Check<T>::max(T hi) {
  if constexpr (std::is_arithmetic_v<T>)
    check(*value_ <= hi, "<= " + config_value_text(hi),
          "must be <= " + config_value_text(hi) + ", got " + config_value_text(*value_));
  return *this;
}
template <class T>
Check<T>& Check<T>::greater(T lo) {
  if constexpr (std::is_arithmetic_v<T>)
    check(*value_ > lo, "> " + config_value_text(lo),
          "must be > " + config_value_text(lo) + ", got " + config_value_text(*value_));
  return *this;
}
template <class T>
Check<T>& Check<T>::less(T hi) {
  if constexpr (std::is_arithmetic_v<T>)
    check(*value_ < hi, "< " + config_value_text(hi),
          "must be < " + config_value_text(hi) + ", got " + config_value_text(*value_));
  return *this;
}
template <class T>
Check<T>& Check<T>::one_of(std::initializer_list<const char*> allowed) {
  if constexpr (std::is_same_v<T, std::string>) {
    std::vector<std::string> names(allowed.begin(), allowed.end());
    bool ok = false;
    std::string list;
    for (const auto& a : names) {
      ok = ok || *value_ == a;
      list += (list.empty() ? "" : ", ") + a;
    }
    std::string msg = "must be one of: " + list + "; got '" + *value_ + "'";
    const std::string near = nearest_name(*value_, names);
    if (!near.empty()) msg += " (did you mean " + near + "?)";
    check(ok, "one of: " + list, msg);
  }
  return *this;
}
template <class T>
Check<T>& Check<T>::non_empty() {
  if constexpr (std::is_same_v<T, std::string> || is_std_vector<T>::value)
    check(!value_->empty(), "not empty", "must not be empty");
  return *this;
}

}  // namespace facerep::core

namespace facerep::core {
// A component of `kind` written in YAML by the program itself (a default transform, a mask a
// command-line flag asks for), read exactly as a config file's would be: unknown types and
// keys are errors. `origin` names where it came from in messages (e.g. "--mask").
ComponentSpec component_from_yaml(const std::string& kind, const std::string& yaml, const std::string& origin);
}  // namespace facerep::core
