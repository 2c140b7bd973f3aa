#include "eval/evaluator.h"

#include <map>

namespace facerep::eval {
EvaluatorRegistry& evaluator_registry() {
  static EvaluatorRegistry registry("evaluator");
  return registry;
}

std::string declared_role(const core::ComponentSpec& spec) {
  // The parsed options, written back: the role the evaluator will report, default included.
  core::ComponentSpec copy = spec;
  core::ConfigVisitor v = core::ConfigVisitor::writer(spec.path);
  v.component("entry", copy, evaluator_registry().kind().c_str(), "");
  const YAML::Node role = v.node()["entry"]["role"];
  return role && role.IsScalar() ? role.Scalar() : kTestRole;
}

std::vector<std::string> eval_folder_names(const std::vector<core::ComponentSpec>& specs) {
  std::vector<std::string> names;
  std::map<std::string, int> uses;
  for (const auto& spec : specs) {
    const YAML::Node name = spec.raw.IsMap() ? spec.raw["name"] : YAML::Node();
    names.push_back(name && name.IsScalar() && !name.as<std::string>().empty() ? name.as<std::string>() : spec.type);
    ++uses[names.back()];
  }
  for (size_t i = 0; i < names.size(); ++i)
    if (uses[names[i]] > 1) names[i] += "-" + std::to_string(i + 1);
  return names;
}
}  // namespace facerep::eval
