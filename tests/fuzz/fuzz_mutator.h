#pragma once
// Deterministic mutations for the fuzz smoke test: the same seed gives the same inputs on every
// machine (raw 64-bit Mersenne Twister words only; std distributions differ between libraries).
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace facerep::fuzz {

class Mutator {
 public:
  explicit Mutator(uint64_t seed) : rng_(seed) {}
  // 1 to 4 stacked mutations of a random one of `corpus`: bit flips, truncation, inserted or
  // overwritten bytes (boundary values, digits, separators), a duplicated chunk, a splice with
  // another input.
  std::string mutate(const std::vector<std::string>& corpus);

 private:
  uint64_t below(uint64_t n) { return n == 0 ? 0 : rng_() % n; }
  void mutate_once(std::string& s, const std::vector<std::string>& corpus);
  std::mt19937_64 rng_;
};

}  // namespace facerep::fuzz
