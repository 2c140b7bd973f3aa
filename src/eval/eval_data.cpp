#include "eval/eval_data.h"

#include <filesystem>

#include "core/error.h"
#include "data/inference.h"

namespace facerep::eval {

std::shared_ptr<data::Dataset> build_eval_dataset(data::DatasetOptions options, const EvalContext& ctx) {
  FACEREP_CHECK(ctx.preprocessing.image_size > 0, "evaluation context without preprocessing (model input size unset)");
  data::SourceContext sc;
  sc.base_dir = ctx.base_dir;
  sc.seed = ctx.seed;
  return data::build_inference_dataset(std::move(options), ctx.preprocessing, sc);
}

std::string resolve_against(const std::string& base_dir, const std::string& path) {
  if (path.empty() || base_dir.empty() || std::filesystem::path(path).is_absolute()) return path;
  return (std::filesystem::path(base_dir) / path).lexically_normal().string();
}

}  // namespace facerep::eval
