#pragma once
// `facerep bench classifier`: what one training step of the sharded classifier (partial_fc.h)
// holds on each rank for a given class count, measured rather than estimated: one forward and
// backward over random embeddings (no backbone), then per rank the shard's rows, the bytes of its
// weights and gradients, the bytes of SGD momentum / AdamW moments it would add, the step time
// and the process's peak resident memory. Runs in one process or under a launcher.
#include <cstdint>
#include <string>

namespace facerep::losses {

struct ClassifierBenchOptions {
  int64_t classes = 100000;
  int64_t dim = 512;
  int64_t batch = 128;  // global: each of W ranks embeds batch / W
  double sample_rate = 1.0;
  uint64_t seed = 0;
};

// One JSON object (rank 0's view of every rank), followed by a newline. Every rank must call it.
std::string run_classifier_bench(const ClassifierBenchOptions& options);

}  // namespace facerep::losses
