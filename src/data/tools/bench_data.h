#pragma once
// `facerep bench data`: images per second for decoding alone, for the full pipeline (decode +
// transforms + collation through the Loader; region-first JPEG decoding when the dataset does it,
// reported as "roi_decode") at 1..N worker threads, and for a packed file with
// the same transforms. Each figure is the median of a few timed runs after a warm-up batch.
#include <cstdint>
#include <string>

#include "data/data_options.h"
#include "data/sources/source.h"

namespace facerep::data {

struct BenchDataOptions {
  int max_threads = 2;
  int64_t images = 2048;   // images per timed run
  int64_t batch_size = 64;
  int repeats = 3;         // the median of this many runs is reported
  std::string packed;      // a packed (.frp) file to time with the same transforms ("" = skip)
};

// Runs the benchmark on data.train and returns a JSON object (one line per figure).
std::string run_bench_data(const DataOptions& data, const SourceContext& ctx, const BenchDataOptions& options);

}  // namespace facerep::data
