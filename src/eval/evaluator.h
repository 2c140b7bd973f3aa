#pragma once
// An evaluator measures a backbone (verification on pairs, identification, k-shot...). It owns
// its data (a source + transforms from its own options) and writes its reports itself.
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include <c10/core/Device.h>

#include "core/registry.h"
#include "models/backbone.h"

namespace facerep::eval {

struct EvalContext {
  std::string out_dir;       // where reports go (run dir / eval / <name>-<step>)
  c10::Device device{c10::kCPU};
  int64_t step = 0;
  uint64_t seed = 0;
  std::string base_dir;      // relative data paths resolve against this
  int64_t image_size = 112;  // model input size
};

struct EvalResult {
  std::string name;                        // evaluator name, e.g. "verification"
  std::map<std::string, double> metrics;   // flat; logged as eval/<name>/<metric>
  std::string primary;                     // the metric used to pick "best" checkpoints
  std::string markdown;                    // readable summary table
};

class Evaluator {
 public:
  virtual ~Evaluator() = default;
  virtual EvalResult evaluate(models::Backbone& model, const EvalContext& ctx) = 0;
};

using EvaluatorRegistry = core::Registry<Evaluator>;
EvaluatorRegistry& evaluator_registry();

}  // namespace facerep::eval
