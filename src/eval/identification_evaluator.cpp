#include "eval/identification_evaluator.h"
#include "eval/portable_random.h"

#include <map>
#include <random>

#include <torch/torch.h>

#include "core/error.h"
#include "eval/embed.h"
#include "eval/eval_data.h"
#include "eval/identification_metrics.h"
#include "eval/report.h"

namespace facerep::eval {

EvalResult IdentificationEvaluator::evaluate(models::Backbone& model, const EvalContext& ctx) {
  const auto dataset = build_eval_dataset(options_.data, ctx);
  const Embedded e = embed_all(model, *dataset, options_.batch_size, options_.flip, ctx.device);
  std::map<int64_t, std::vector<int64_t>> by_id;
  for (size_t i = 0; i < e.identities.size(); ++i)
    if (e.identities[i] >= 0) by_id[e.identities[i]].push_back(static_cast<int64_t>(i));
  std::mt19937_64 rng(ctx.seed + static_cast<uint64_t>(options_.seed));
  std::vector<int64_t> gallery_rows, gallery_ids, probe_rows, probe_ids;
  int64_t dropped = 0;
  for (auto& [id, rows] : by_id) {
    shuffle_in_place(rows, rng);
    if (static_cast<int64_t>(rows.size()) <= options_.gallery_per_identity) {
      ++dropped;
      continue;
    }
    for (size_t k = 0; k < rows.size(); ++k) {
      const bool gallery = static_cast<int64_t>(k) < options_.gallery_per_identity;
      (gallery ? gallery_rows : probe_rows).push_back(rows[k]);
      (gallery ? gallery_ids : probe_ids).push_back(id);
    }
  }
  if (probe_rows.empty() || by_id.size() - dropped < 2)
    throw core::RuntimeError("identification: needs at least two identities with more than " +
                             std::to_string(options_.gallery_per_identity) +
                             " labelled images; the data has " + std::to_string(by_id.size() - dropped));
  const at::Tensor g = e.embeddings.index_select(0, torch::tensor(gallery_rows));
  const at::Tensor p = e.embeddings.index_select(0, torch::tensor(probe_rows));
  const std::vector<int64_t> ranks = identity_ranks(g, gallery_ids, p, probe_ids);
  EvalResult r = options_.new_result("identification");
  r.primary = "rank1";
  finish_result(r,
         {{"rank1", rank_k_rate(ranks, 1)},
          {"rank5", rank_k_rate(ranks, 5)},
          {"gallery", static_cast<double>(gallery_rows.size())},
          {"probes", static_cast<double>(probe_rows.size())},
          {"identities", static_cast<double>(by_id.size() - dropped)}},
         r.name + " (closed set, cosine)", ctx);
  return r;
}

EvalResult KShotEvaluator::evaluate(models::Backbone& model, const EvalContext& ctx) {
  const auto dataset = build_eval_dataset(options_.data, ctx);
  const Embedded e = embed_all(model, *dataset, options_.batch_size, options_.flip, ctx.device);
  EpisodeOptions o;
  o.ways = options_.ways, o.shots = options_.shots, o.queries = options_.queries, o.episodes = options_.episodes;
  o.seed = ctx.seed + static_cast<uint64_t>(options_.seed);
  const Episodes episodes = kshot_episodes(e.embeddings, e.identities, o);
  const MeanCi m = mean_ci95(episodes.accuracies);
  EvalResult r = options_.new_result("kshot");
  r.primary = "accuracy";
  const std::string ways = (o.ways > 0 ? "" : "all ") + std::to_string(episodes.ways) + "-way";
  const std::string queries = o.queries > 0 ? std::to_string(o.queries) + " queries" : "every other image a query";
  finish_result(r,
                {{"accuracy", m.mean},
                 {"ci95", m.ci95},
                 {"std", m.std},
                 {"episodes", static_cast<double>(o.episodes)},
                 {"ways", static_cast<double>(episodes.ways)}},
                r.name + " (" + ways + " " + std::to_string(o.shots) + "-shot, " + queries + ", nearest centroid)",
                ctx);
  return r;
}

}  // namespace facerep::eval
