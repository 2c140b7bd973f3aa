#pragma once
// Deterministic per-seed training subsets for the low-data regimes. Draws use the raw 64-bit
// generator (eval/portable_random.h), so a seed picks the same samples on every standard library.
// Every function draws only from the `pool` of allowed indices (the training split), so a subset
// can never contain a test index, and returns indices sorted ascending.
#include <cstdint>
#include <vector>

namespace facerep::eval::fewshot {

// Exactly k pool indices of every class present in the pool. `labels` is indexed by sample index
// (pool values index into it); negative labels mark unlabelled samples and are skipped. Classes
// are visited in ascending label order, each one's pool members shuffled with one generator
// seeded by `seed`; the first k are kept, so with the same seed the k = 1 subset is contained in
// the k = 5 one. Throws core::ConfigError naming the first class (by label) with fewer than k
// samples in the pool, and its count.
std::vector<int64_t> k_per_class(const std::vector<int64_t>& labels, const std::vector<int64_t>& pool, int64_t k,
                                 uint64_t seed);

// round(fraction · |pool|) pool indices, at least 1, for 0 < fraction <= 1 (else ConfigError).
// Nested across fractions for the same seed (a prefix of one shuffle of the pool).
std::vector<int64_t> fraction_of(const std::vector<int64_t>& pool, double fraction, uint64_t seed);
// The same on the pool 0..n-1.
std::vector<int64_t> fraction_of(int64_t n, double fraction, uint64_t seed);

// A few-shot training set split into the part a probe is fitted on and the part its weight decay
// is chosen on.
struct TrainValidationSplit {
  std::vector<int64_t> train, validation;
};
// Holds out ceil(fraction · m) of the m indices of each class (labels indexed by sample index,
// as for k_per_class; indices with a negative label are left out of both parts), but always leaves at least one per class in training; with empty `labels`
// the same on the whole set (at least one stays in training). With k = 1 per class (or fraction
// 0) the validation part is empty: callers must then fall back to fixed hyper-parameters, as
// LinearProbe does with its default weight decay. 0 <= fraction < 1, else ConfigError.
TrainValidationSplit split_validation(const std::vector<int64_t>& indices, const std::vector<int64_t>& labels,
                                      double fraction, uint64_t seed);

}  // namespace facerep::eval::fewshot
