#pragma once
// Draws from the raw 64-bit generator, so episodes, pair lists and splits are the same on every
// standard library (std:: distributions are implementation-defined).
#include <cstdint>
#include <random>
#include <utility>
#include <vector>

namespace facerep::eval {

// Uniform integer in [0, n).
inline int64_t draw_index(std::mt19937_64& rng, int64_t n) {
  return static_cast<int64_t>(rng() % static_cast<uint64_t>(n));
}

// Fisher-Yates shuffle.
template <class T>
void shuffle_in_place(std::vector<T>& v, std::mt19937_64& rng) {
  for (int64_t i = static_cast<int64_t>(v.size()) - 1; i > 0; --i) std::swap(v[i], v[draw_index(rng, i + 1)]);
}

}  // namespace facerep::eval
