#include "eval/au/au_evaluator.h"

#include <torch/torch.h>

#include "core/error.h"
#include "eval/au/au_scores.h"
#include "eval/eval_data.h"
#include "eval/fewshot/metrics.h"
#include "eval/report.h"
#include "losses/objective.h"

namespace facerep::eval {

data::DatasetOptions ThresholdDataOptions::dataset() const {
  data::DatasetOptions d;
  d.source = source;
  d.transforms = transforms;
  return d;
}

EvalResult AusEvaluator::evaluate(models::Backbone& model, const EvalContext& ctx) {
  EvalResult result = options_.new_result("aus");
  const std::string& name = result.name;
  losses::AuPredictor* predictor = ctx.objective ? ctx.objective->au_predictor() : nullptr;
  if (!predictor)
    throw core::ConfigError("eval " + name + ": needs the action-unit head of objective 'au' the model was trained with; " +
                            (ctx.objective ? "this objective has none" : "none was given"));
  const auto dataset = build_eval_dataset(options_.data, ctx);
  const AuScores s = au_scores(model, *predictor, *dataset, options_.batch_size, ctx.device, "eval " + name + ": data.source");

  std::vector<std::pair<std::string, double>> rows = {{"f1", fewshot::mean_f1(s.probabilities, s.labels, 0.5)}};
  const std::vector<double> per_unit = fewshot::per_unit_f1(s.probabilities, s.labels, 0.5);
  if (!options_.threshold_data.empty()) {
    const auto tuning = build_eval_dataset(options_.threshold_data.dataset(), ctx);
    const AuScores t = au_scores(model, *predictor, *tuning, options_.batch_size, ctx.device,
                                 "eval " + name + ": threshold_data.source");
    const std::vector<double> thresholds = fewshot::choose_thresholds(t.probabilities, t.labels);
    rows.emplace_back("f1_tuned", fewshot::mean_f1(s.probabilities, s.labels, thresholds));
  }
  for (size_t u = 0; u < per_unit.size(); ++u) rows.emplace_back("f1_" + std::to_string(u), per_unit[u]);
  rows.emplace_back("images", static_cast<double>(s.labels.size(0)));
  result.primary = "f1";
  finish_result(result, rows, name + " (action-unit F1; per unit at 0.5)", ctx);
  return result;
}

}  // namespace facerep::eval
