#pragma once
// What the evaluators share: building their dataset (with default evaluation transforms) and
// resolving paths.
#include <memory>
#include <string>

#include "data/data_options.h"
#include "data/dataset.h"
#include "eval/evaluator.h"

namespace facerep::eval {

// The dataset of an evaluator, prepared as ctx.preprocessing says (data/inference.h).
std::shared_ptr<data::Dataset> build_eval_dataset(data::DatasetOptions options, const EvalContext& ctx);

// `path` against `base_dir` unless absolute or base_dir is empty.
std::string resolve_against(const std::string& base_dir, const std::string& path);

}  // namespace facerep::eval
