#include "data/transforms/transform.h"

namespace facerep::data {

TransformRegistry& transform_registry() {
  static TransformRegistry registry("transform");
  return registry;
}

namespace {
// SplitMix64 finaliser: a cheap, well-mixed 64-bit hash.
uint64_t mix(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}
}  // namespace

std::mt19937_64 sample_rng(uint64_t seed, int64_t epoch, int64_t index, int64_t view) {
  uint64_t h = mix(seed);
  h = mix(h ^ static_cast<uint64_t>(epoch));
  h = mix(h ^ static_cast<uint64_t>(index));
  h = mix(h ^ static_cast<uint64_t>(view));
  return std::mt19937_64(h);
}

double uniform(std::mt19937_64& rng, double lo, double hi) {
  // 53 random bits -> [0, 1).
  const double u = static_cast<double>(rng() >> 11) * (1.0 / 9007199254740992.0);
  return lo + (hi - lo) * u;
}

bool chance(std::mt19937_64& rng, double p) { return uniform(rng, 0.0, 1.0) < p; }

int64_t uniform_int(std::mt19937_64& rng, int64_t lo, int64_t hi) {
  if (hi <= lo) return lo;
  const uint64_t span = static_cast<uint64_t>(hi - lo) + 1;
  return lo + static_cast<int64_t>(rng() % span);  // modulo bias is negligible for image sizes
}

}  // namespace facerep::data
