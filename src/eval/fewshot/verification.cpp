#include "eval/fewshot/verification.h"

#include <algorithm>
#include <unordered_map>

#include <torch/torch.h>

#include "core/error.h"
#include "eval/verification_metrics.h"

namespace facerep::eval::fewshot {

void add_verification_pairs(PoolTestSplit& split, const FeatureSet& set, int64_t count, uint64_t seed) {
  const std::vector<int64_t> all = set.identity_labels();
  // Identities of the test rows only (-1 elsewhere), indexed by row: pairs name rows directly.
  std::vector<int64_t> ids(all.size(), -1);
  std::map<int64_t, int64_t> images;
  for (int64_t i : split.test) {
    ids[i] = all[i];
    if (all[i] >= 0) ++images[all[i]];
  }
  int64_t same_pairs = 0;
  for (const auto& entry : images) same_pairs += entry.second * (entry.second - 1) / 2;
  const int64_t n = std::min(count, 2 * same_pairs);
  if (n < kVerificationFolds)
    throw core::ConfigError("verification needs at least " + std::to_string(kVerificationFolds) +
                            " pairs among the test identities; " + std::to_string(images.size()) +
                            " test identities give " + std::to_string(n) + " (raise test_fraction or verification_pairs)");
  try {
    split.pairs = generate_pairs(ids, n, seed);
  } catch (const core::RuntimeError& e) {
    throw core::ConfigError(std::string("the test identities cannot give verification pairs: ") + e.what());
  }
}

std::vector<int64_t> pair_rows(const std::vector<IndexPair>& pairs) {
  std::vector<int64_t> rows;
  for (const auto& p : pairs) rows.insert(rows.end(), {p.a, p.b});
  std::sort(rows.begin(), rows.end());
  rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
  return rows;
}

at::Tensor probe_logit_embeddings(const at::Tensor& x, const at::Tensor& y, const at::Tensor& q,
                                  LinearProbeOptions options) {
  options.task = ProbeTask::kClassification;
  LinearProbe probe(options);
  probe.fit(x, y);
  // weight() and bias() are the fitted map in the original feature units.
  return torch::addmm(probe.bias(), q.to(torch::kCPU, torch::kFloat), probe.weight());
}

std::map<std::string, double> verification_metrics(const at::Tensor& embeddings, const std::vector<int64_t>& rows,
                                                   const std::vector<IndexPair>& pairs) {
  if (embeddings.dim() != 2 || embeddings.size(0) != static_cast<int64_t>(rows.size()))
    throw core::RuntimeError("verification: expected one embedding per query row [" + std::to_string(rows.size()) +
                             ", E], got " + c10::str(embeddings.sizes()));
  std::unordered_map<int64_t, int64_t> at_row;
  for (size_t i = 0; i < rows.size(); ++i) at_row.emplace(rows[i], static_cast<int64_t>(i));
  std::vector<int64_t> a, b;
  std::vector<bool> same;
  for (const auto& p : pairs) {
    const auto ia = at_row.find(p.a), ib = at_row.find(p.b);
    if (ia == at_row.end() || ib == at_row.end())
      throw core::RuntimeError("verification: a pair uses row " + std::to_string(ia == at_row.end() ? p.a : p.b) +
                               ", which has no embedding");
    a.push_back(ia->second);
    b.push_back(ib->second);
    same.push_back(p.same);
  }
  namespace F = torch::nn::functional;
  const at::Tensor e = F::normalize(embeddings.to(torch::kCPU, torch::kDouble), F::NormalizeFuncOptions().dim(1));
  const at::Tensor cosine = (e.index_select(0, torch::tensor(a, torch::kLong)) *
                             e.index_select(0, torch::tensor(b, torch::kLong)))
                                .sum(1)
                                .contiguous();
  const std::vector<double> scores(cosine.data_ptr<double>(), cosine.data_ptr<double>() + cosine.numel());
  std::map<std::string, double> out;
  for (const auto& [key, value] : summarize_verification(scores, same, kVerificationFolds).rows) out[key] = value;
  out["pairs"] = static_cast<double>(pairs.size());
  return out;
}

}  // namespace facerep::eval::fewshot
