#pragma once
// Few-shot identity verification: are two test images of the same person? Scored on an
// identity-disjoint split (split_identities), so every test identity is new to the encoder and to
// the fitted protocol; pairs are drawn once per split seed among the test rows. A protocol
// answers with an embedding per test image (CellProtocol::fit_predict), pairs are compared by
// the cosine of their embeddings, and the figures are those of the verification evaluator:
// 10-fold accuracy (primary), auc, eer, TAR at each FAR the different pairs resolve.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

#include "eval/fewshot/features.h"
#include "eval/fewshot/probes.h"
#include "eval/fewshot/splits.h"

namespace facerep::eval::fewshot {

// Folds of the verification accuracy (the LFW protocol's 10).
inline constexpr int kVerificationFolds = 10;

// Fills split.pairs: `count` pairs among split.test, alternately same and different identity
// (eval::generate_pairs, drawn with `seed`), but at most twice the distinct same-identity pairs
// the test rows hold, so that the same pairs are not mostly repeats. Throws core::ConfigError
// when the test rows cannot give both kinds or give fewer than kVerificationFolds pairs.
void add_verification_pairs(PoolTestSplit& split, const FeatureSet& set, int64_t count, uint64_t seed);

// The rows the pairs use, ascending: the query rows a protocol embeds.
std::vector<int64_t> pair_rows(const std::vector<IndexPair>& pairs);

// The linear protocol's embedding: a LinearProbe identity classifier fitted on the training rows
// (features x [n, D], identity classes y [n]), and the query rows q [m, D] embedded as its logits
// (standardised features · W + b), i.e. in the space of the training identities.
at::Tensor probe_logit_embeddings(const at::Tensor& x, const at::Tensor& y, const at::Tensor& q,
                                  LinearProbeOptions options);

// Pairs scored by the cosine of their rows' embeddings (row rows[i] has embedding i of
// `embeddings` [rows.size(), E]): eval::summarize_verification's figures, plus `pairs`.
std::map<std::string, double> verification_metrics(const at::Tensor& embeddings, const std::vector<int64_t>& rows,
                                                   const std::vector<IndexPair>& pairs);

}  // namespace facerep::eval::fewshot
