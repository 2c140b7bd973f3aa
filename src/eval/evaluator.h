#pragma once
// An evaluator measures a backbone (verification on pairs, identification, k-shot...). It owns
// its data (a source + transforms from its own options) and writes its reports itself.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <c10/core/Device.h>

#include "core/config_visit.h"
#include "core/registry.h"
#include "data/inference.h"
#include "eval/eval_role.h"
#include "models/backbone.h"

namespace facerep::losses {
class Objective;
}

namespace facerep::eval {

struct EvalContext {
  std::string out_dir;       // where reports go (run dir / eval / <name>-<step>)
  c10::Device device{c10::kCPU};
  int64_t step = 0;
  uint64_t seed = 0;
  std::string base_dir;      // relative data paths resolve against this
  // How images are prepared for the model (data/inference.h): from its training config.
  data::InferencePreprocessing preprocessing;
  // The objective the model was trained with (its decoder, for reconstruction evaluators); set
  // during training and by `facerep eval` for evaluators that need_objective().
  losses::Objective* objective = nullptr;
};

struct EvalResult {
  std::string name;                        // evaluator name, e.g. "verification"
  std::string role = kTestRole;            // kValidationRole or kTestRole (eval/eval_role.h)
  std::map<std::string, double> metrics;   // flat; logged under metric_key()
  std::string primary;                     // the metric that picks best.ckpt (validation role only)
  std::string markdown;                    // readable summary table
};

// "<role>/<name>/<metric>": a metric's key in metrics.jsonl (phase "eval"; TensorBoard tag
// "eval/<key>"), so every logged number says whether it came from validation or test data.
inline std::string metric_key(const EvalResult& r, const std::string& metric) {
  return r.role + "/" + r.name + "/" + metric;
}

class Evaluator {
 public:
  virtual ~Evaluator() = default;
  virtual EvalResult evaluate(models::Backbone& model, const EvalContext& ctx) = 0;
  virtual bool needs_objective() const { return false; }
  // True for evaluators whose work is embedding their dataset with embed_all: in a
  // multi-process run every rank calls evaluate, embed_all splits the samples over the ranks and
  // all-gathers the embeddings, so each sample is embedded once; every rank then computes the
  // same metrics and only rank 0 writes reports (EvalContext::out_dir is empty elsewhere). The
  // others run on rank 0 alone while the other ranks wait.
  virtual bool runs_on_every_rank() const { return false; }
};

using EvaluatorRegistry = core::Registry<Evaluator>;
EvaluatorRegistry& evaluator_registry();

// The `role` an evaluation in a config's `eval:` list reports (validation or test), read from its
// parsed options: lets a caller run only the test evaluations without building the others.
std::string declared_role(const core::ComponentSpec& spec);

// Report folder of each evaluation in a config's `eval:` list: its `name` when set, else its
// type, with "-<position>" added where two would share a folder (two `kshot` evaluations).
std::vector<std::string> eval_folder_names(const std::vector<core::ComponentSpec>& specs);

}  // namespace facerep::eval
