#include "eval/eval_data.h"

#include <filesystem>

#include "core/config_tree.h"
#include "core/config_visit.h"

namespace facerep::eval {

std::shared_ptr<data::Dataset> build_eval_dataset(data::DatasetOptions options, const EvalContext& ctx) {
  if (options.transforms.empty()) {
    // Built through the transform registry from YAML, exactly as if the user had written it.
    const std::string yaml = "transforms: [{type: resize, size: " + std::to_string(ctx.image_size) + "}]\n";
    const core::ConfigTree tree = core::ConfigTree::load_string(yaml, "<default evaluation transforms>");
    core::ConfigVisitor v = core::ConfigVisitor::reader(&tree, tree.root(), "");
    v.components("transforms", options.transforms, "transform", "default evaluation transforms");
  }
  options.views = 1;
  data::SourceContext sc;
  sc.base_dir = ctx.base_dir;
  sc.seed = ctx.seed;
  return data::Dataset::build(options, sc);
}

std::string resolve_against(const std::string& base_dir, const std::string& path) {
  if (path.empty() || base_dir.empty() || std::filesystem::path(path).is_absolute()) return path;
  return (std::filesystem::path(base_dir) / path).lexically_normal().string();
}

}  // namespace facerep::eval
