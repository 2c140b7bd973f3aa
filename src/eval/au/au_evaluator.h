#pragma once
// `aus`: action-unit detection F1 of the AU head the model was trained with (objective au):
// mean F1 over units at threshold 0.5 (primary) and per unit; with `threshold_data`, per-unit
// thresholds chosen for F1 on that data (e.g. validation subjects) and applied to this data
// (`f1_tuned`), so test thresholds never see test labels.
#include <string>
#include <vector>

#include "core/config_visit.h"
#include "data/data_options.h"
#include "eval/embedding_eval_options.h"
#include "eval/evaluator.h"

namespace facerep::eval {

// A dataset section whose source is optional: absent means "do not tune thresholds".
struct ThresholdDataOptions {
  core::ComponentSpec source;
  std::vector<core::ComponentSpec> transforms;

  template <class V> void visit(V& v) {
    v.component("source", source, "source",
                "images with AU labels to choose per-unit thresholds on (absent: no tuned thresholds)");
    v.components("transforms", transforms, "transform", "per-sample transforms, in order");
  }
  bool empty() const { return source.empty(); }
  data::DatasetOptions dataset() const;
};

struct AusEvalOptions : EmbeddingEvalOptions {
  ThresholdDataOptions threshold_data;

  template <class V> void visit(V& v) {
    visit_head(v, "aus", "images with action-unit labels (default transforms: resize to the model's size)");
    v.section("threshold_data", threshold_data,
              "optional: data whose per-unit F1-optimal thresholds are applied to `data` (metric f1_tuned)");
    visit_batch_size(v);
  }
};

class AusEvaluator : public Evaluator {
 public:
  explicit AusEvaluator(const AusEvalOptions& options) : options_(options) {}
  EvalResult evaluate(models::Backbone& model, const EvalContext& ctx) override;
  bool needs_objective() const override { return true; }

 private:
  AusEvalOptions options_;
};

}  // namespace facerep::eval
