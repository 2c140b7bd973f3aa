#include "eval/identification_metrics.h"
#include "eval/portable_random.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <random>

#include <torch/torch.h>

#include "core/error.h"

namespace facerep::eval {

namespace {
at::Tensor unit_rows(const at::Tensor& x) {
  return torch::nn::functional::normalize(x.to(torch::kFloat), torch::nn::functional::NormalizeFuncOptions().dim(1));
}

}  // namespace

std::vector<int64_t> identity_ranks(const at::Tensor& gallery, const std::vector<int64_t>& gallery_ids,
                                    const at::Tensor& probes, const std::vector<int64_t>& probe_ids) {
  if (gallery.size(0) != static_cast<int64_t>(gallery_ids.size()) ||
      probes.size(0) != static_cast<int64_t>(probe_ids.size()))
    throw core::RuntimeError("identification: embeddings and labels differ in count");
  // Column of each gallery identity.
  std::map<int64_t, int64_t> column;
  for (int64_t id : gallery_ids) column.emplace(id, static_cast<int64_t>(column.size()));
  const int64_t n_ids = static_cast<int64_t>(column.size());
  std::vector<int64_t> col_of;
  for (int64_t id : gallery_ids) col_of.push_back(column[id]);
  const at::Tensor sims = unit_rows(probes).matmul(unit_rows(gallery).t()).cpu();  // [P,G]
  // Best similarity per identity: [P, I].
  std::vector<std::vector<int64_t>> columns(n_ids);
  for (size_t g = 0; g < col_of.size(); ++g) columns[col_of[g]].push_back(static_cast<int64_t>(g));
  std::vector<at::Tensor> per_id;
  for (const auto& cols : columns) per_id.push_back(std::get<0>(sims.index_select(1, torch::tensor(cols)).max(1)));
  const at::Tensor best = torch::stack(per_id, 1);
  std::vector<int64_t> ranks;
  for (int64_t p = 0; p < probes.size(0); ++p) {
    auto it = column.find(probe_ids[p]);
    if (it == column.end()) {
      ranks.push_back(0);
      continue;
    }
    const at::Tensor row = best[p];
    const at::Tensor truth = row[it->second];
    ranks.push_back(row.gt(truth).sum().item<int64_t>() + 1);
  }
  return ranks;
}

double rank_k_rate(const std::vector<int64_t>& ranks, int64_t k) {
  if (ranks.empty()) return 0;
  int64_t hits = 0;
  for (int64_t r : ranks) hits += r >= 1 && r <= k;
  return static_cast<double>(hits) / static_cast<double>(ranks.size());
}

MeanCi mean_ci95(const std::vector<double>& values) {
  MeanCi out;
  if (values.empty()) return out;
  const double n = static_cast<double>(values.size());
  for (double v : values) out.mean += v;
  out.mean /= n;
  double var = 0;
  for (double v : values) var += (v - out.mean) * (v - out.mean) / n;
  out.std = std::sqrt(var);
  out.ci95 = 1.96 * out.std / std::sqrt(n);
  return out;
}

Episodes kshot_episodes(const at::Tensor& embeddings, const std::vector<int64_t>& labels, const EpisodeOptions& o) {
  if (embeddings.size(0) != static_cast<int64_t>(labels.size()))
    throw core::RuntimeError("k-shot: embeddings and labels differ in count");
  std::map<int64_t, std::vector<int64_t>> by_id;
  for (size_t i = 0; i < labels.size(); ++i)
    if (labels[i] >= 0) by_id[labels[i]].push_back(static_cast<int64_t>(i));
  const int64_t needed = o.shots + std::max<int64_t>(o.queries, 1);
  std::vector<int64_t> eligible;
  for (const auto& [id, rows] : by_id)
    if (static_cast<int64_t>(rows.size()) >= needed) eligible.push_back(id);
  Episodes out;
  out.ways = o.ways > 0 ? o.ways : static_cast<int64_t>(eligible.size());
  if (out.ways < 2 || static_cast<int64_t>(eligible.size()) < out.ways)
    throw core::RuntimeError("k-shot: " + (o.ways > 0 ? std::to_string(o.ways) : std::string("all")) +
                             "-way episodes need " + std::to_string(std::max<int64_t>(out.ways, 2)) +
                             " identities with at least " + std::to_string(needed) +
                             " samples (shots + queries); the data has " + std::to_string(eligible.size()));
  const at::Tensor x = unit_rows(embeddings).cpu();
  std::mt19937_64 rng(o.seed);
  for (int64_t e = 0; e < o.episodes; ++e) {
    std::vector<int64_t> ids = eligible;
    shuffle_in_place(ids, rng);
    ids.resize(out.ways);
    std::vector<at::Tensor> centroids;
    std::vector<int64_t> query_rows, query_class;
    for (int64_t c = 0; c < out.ways; ++c) {
      std::vector<int64_t> rows = by_id[ids[c]];
      shuffle_in_place(rows, rng);
      const at::Tensor support = x.index_select(0, torch::tensor(std::vector<int64_t>(rows.begin(), rows.begin() + o.shots)));
      centroids.push_back(support.mean(0));
      const int64_t queries = o.queries > 0 ? o.queries : static_cast<int64_t>(rows.size()) - o.shots;
      for (int64_t q = 0; q < queries; ++q) {
        query_rows.push_back(rows[o.shots + q]);
        query_class.push_back(c);
      }
    }
    const at::Tensor protos = unit_rows(torch::stack(centroids));
    const at::Tensor pred = x.index_select(0, torch::tensor(query_rows)).matmul(protos.t()).argmax(1);
    out.accuracies.push_back(pred.eq(torch::tensor(query_class)).to(torch::kDouble).mean().item<double>());
  }
  return out;
}

}  // namespace facerep::eval
