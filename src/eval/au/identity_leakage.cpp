#include "eval/au/identity_leakage.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <random>

#include <torch/torch.h>

#include "core/error.h"
#include "eval/embed.h"
#include "eval/eval_data.h"
#include "eval/fewshot/metrics.h"
#include "eval/fewshot/probes.h"
#include "eval/portable_random.h"
#include "eval/report.h"

namespace facerep::eval {

LeakageScore identity_leakage(const at::Tensor& features, const std::vector<int64_t>& identities, double fit_fraction,
                              uint64_t seed, const std::string& what) {
  std::map<int64_t, std::vector<int64_t>> rows_of;  // ordered: the split does not depend on hashing
  for (size_t i = 0; i < identities.size(); ++i) {
    if (identities[i] < 0)
      throw core::ConfigError(what + ": needs identity labels, but sample " + std::to_string(i) + " has none");
    rows_of[identities[i]].push_back(static_cast<int64_t>(i));
  }
  if (rows_of.size() < 2) throw core::ConfigError(what + ": needs at least 2 subjects, got " + std::to_string(rows_of.size()));
  std::mt19937_64 rng(seed);
  std::vector<int64_t> fit, probe, fit_label, probe_label;
  int64_t subject = 0;
  for (auto& [id, rows] : rows_of) {
    const int64_t n = static_cast<int64_t>(rows.size());
    if (n < 2)
      throw core::ConfigError(what + ": subject " + std::to_string(id) + " has " + std::to_string(n) +
                              " image; the fit/probe split needs at least 2 per subject");
    shuffle_in_place(rows, rng);
    const int64_t k = std::clamp<int64_t>(std::llround(fit_fraction * static_cast<double>(n)), 1, n - 1);
    for (int64_t j = 0; j < n; ++j) {
      (j < k ? fit : probe).push_back(rows[j]);
      (j < k ? fit_label : probe_label).push_back(subject);
    }
    ++subject;
  }
  const at::Tensor x = features.detach().to(torch::kFloat).cpu();
  fewshot::LinearProbeOptions po;
  po.task = fewshot::ProbeTask::kClassification;
  po.num_classes = subject;
  po.seed = seed;
  fewshot::LinearProbe probe_model(po);
  probe_model.fit(x.index_select(0, torch::tensor(fit)), torch::tensor(fit_label));
  const at::Tensor predicted = probe_model.predict(x.index_select(0, torch::tensor(probe)));
  LeakageScore s;
  s.accuracy = fewshot::accuracy(predicted, torch::tensor(probe_label));
  s.chance = 1.0 / static_cast<double>(subject);
  s.subjects = subject;
  s.fit_rows = static_cast<int64_t>(fit.size());
  s.probe_rows = static_cast<int64_t>(probe.size());
  return s;
}

EvalResult IdentityLeakageEvaluator::evaluate(models::Backbone& model, const EvalContext& ctx) {
  EvalResult result = options_.new_result("identity_leakage");
  const auto dataset = build_eval_dataset(options_.data, ctx);
  const std::string what = "eval " + result.name + ": data.source (" + dataset->source().describe() + ")";
  if (dataset->source().num_identities() <= 0) throw core::ConfigError(what + ": needs identity labels, but has none");
  const Embedded e = embed_all(model, *dataset, options_.batch_size, false, ctx.device);
  const LeakageScore s = identity_leakage(e.embeddings, e.identities, options_.fit_fraction,
                                          ctx.seed + static_cast<uint64_t>(options_.seed), what);
  result.primary = "accuracy";
  finish_result(result,
                {{"accuracy", s.accuracy},
                 {"chance", s.chance},
                 {"subjects", static_cast<double>(s.subjects)},
                 {"images", static_cast<double>(s.fit_rows + s.probe_rows)}},
                result.name + " (linear identity probe on frozen embeddings; lower = less identity)", ctx);
  return result;
}

}  // namespace facerep::eval
