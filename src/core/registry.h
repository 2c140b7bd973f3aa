#pragma once
// Components built by `type:` name. Registration is explicit (one register_*() function per
// layer, called once at start-up), never static self-registration, which the linker drops from
// static libraries. Torch-free: Base is whatever the layer builds.
#include <any>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/config_visit.h"

namespace facerep::core {

template <class Base, class... Args>
class Registry : public ComponentKind {
 public:
  using Product = std::shared_ptr<Base>;

  explicit Registry(std::string kind) : kind_(std::move(kind)) { register_component_kind(kind_, this); }

  // Adds `name` whose options struct is `Options` (with a visit() method).
  template <class Options>
  void add(const std::string& name, const std::string& help,
           std::function<Product(const Options&, Args...)> build) {
    if (entries_.count(name)) throw ConfigError(kind_ + " '" + name + "' registered twice");
    Entry e;
    e.help = help;
    e.visit = [](const std::any& in, ConfigVisitor& v) -> std::any {
      Options o = in.has_value() ? std::any_cast<const Options&>(in) : Options{};
      o.visit(v);
      return o;
    };
    e.build = [build](const std::any& o, Args... args) -> Product {
      const Options* options = std::any_cast<Options>(&o);
      if (!options) return nullptr;  // parsed by another entry: reported by build()
      return build(*options, std::forward<Args>(args)...);
    };
    entries_[name] = std::move(e);
  }

  bool contains(const std::string& name) const { return entries_.count(name) > 0; }

  // Builds from a spec read by ConfigVisitor::component(), with exactly the options it parsed.
  // A spec that was never parsed (options empty) or was parsed for another type is an error:
  // building from defaults would run something other than what config.yaml says.
  Product build(const ComponentSpec& spec, Args... args) const {
    const Entry& e = entry(spec.type, spec.path);
    if (!spec.options.has_value())
      throw ConfigError(SourceLoc{}, spec.path,
                        kind_ + " '" + spec.type + "' was not read through the " + kind_ + " registry (no parsed options)");
    Product p = e.build(spec.options, std::forward<Args>(args)...);
    if (!p)
      throw ConfigError(SourceLoc{}, spec.path, kind_ + " '" + spec.type + "': its options were parsed for another type");
    return p;
  }

  // Builds `name` with its default options (tests, tools).
  Product build_default(const std::string& name, Args... args) const {
    ComponentSpec spec;
    spec.type = name;
    spec.path = kind_ + " '" + name + "'";
    ConfigVisitor v = ConfigVisitor::reader(nullptr, YAML::Node(), spec.path);
    spec.options = entry(name, spec.path).visit(std::any(), v);
    return build(spec, std::forward<Args>(args)...);
  }

  std::vector<std::string> names() const override {
    std::vector<std::string> out;
    for (const auto& kv : entries_) out.push_back(kv.first);
    return out;
  }
  std::string help(const std::string& type) const override { return entry(type, "").help; }
  std::any visit_options(const std::string& type, const std::any& options,
                         ConfigVisitor& v) const override {
    return entry(type, "").visit(options, v);
  }
  const std::string& kind() const { return kind_; }

 private:
  struct Entry {
    std::string help;
    std::function<std::any(const std::any&, ConfigVisitor&)> visit;
    std::function<Product(const std::any&, Args...)> build;
  };

  const Entry& entry(const std::string& name, const std::string& path) const {
    auto it = entries_.find(name);
    if (it == entries_.end()) {
      std::string msg = "unknown " + kind_ + " type '" + name + "'";
      const std::string near = nearest_name(name, names());
      if (!near.empty()) msg += " (did you mean " + near + "?)";
      std::string known;
      for (const auto& n : names()) known += (known.empty() ? "" : ", ") + n;
      throw ConfigError(SourceLoc{}, path, msg + "; known: " + known);
    }
    return it->second;
  }

  std::string kind_;
  std::map<std::string, Entry> entries_;
};

}  // namespace facerep::core
