#pragma once
// The threaded loader: worker threads turn the sampler's batches into collated Batches, a
// bounded number ahead of the consumer, and hand them out strictly in sampler order. Since each
// sample's augmentation is seeded from (seed, epoch, index, view) and the batch list from
// (seed, epoch), the batches are identical for any number of workers, and seek() resumes
// exactly mid-epoch.
//
// Skipped samples (data.on_error: skip) shrink their batch; a batch whose samples were all
// skipped is passed over. A worker's exception (a bad sample with on_error: fail) is rethrown
// by next() on the consumer thread when that batch's turn comes, naming the sample.
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "data/batch.h"
#include "data/data_options.h"
#include "data/dataset.h"
#include "data/samplers/sampler.h"

namespace facerep::data {

struct LoaderPosition {
  int64_t epoch = 0;
  int64_t batch = 0;  // next batch to produce
};

class Loader {
 public:
  // Throws core::ConfigError when the sampler's options are invalid or an epoch would have no
  // batch (batch_size larger than a rank's share with drop_last).
  Loader(std::shared_ptr<Dataset> dataset, const LoaderOptions& options, int64_t batch_size, uint64_t seed,
         int rank = 0, int world_size = 1, bool pin_memory = false);
  ~Loader();  // joins workers cleanly even mid-epoch
  Loader(const Loader&) = delete;
  Loader& operator=(const Loader&) = delete;

  // Next batch of the current epoch; std::nullopt at the epoch's end, after which the next call
  // starts the following epoch.
  std::optional<Batch> next();
  // Position of the next batch next() would return.
  LoaderPosition position() const;
  // Resume exactly there (mid-epoch); batch may equal batches_per_epoch() (the epoch's end).
  void seek(const LoaderPosition& p);
  int64_t batches_per_epoch() const;

 private:
  struct Result {
    std::optional<Batch> batch;  // nullopt: every sample of the batch was skipped
    std::exception_ptr error;
  };

  Result load(int64_t global_batch);
  std::shared_ptr<const BatchList> batches_of(int64_t epoch);
  int64_t global_id(const LoaderPosition& p) const { return p.epoch * batches_per_epoch_ + p.batch; }
  void start_workers();
  void stop_workers();
  void worker_loop();

  std::shared_ptr<Dataset> dataset_;
  LoaderOptions options_;
  std::shared_ptr<Sampler> sampler_;
  int64_t batches_per_epoch_ = 0;
  bool pin_ = false;
  LoaderPosition position_;

  std::mutex cache_mu_;
  std::map<int64_t, std::shared_ptr<const BatchList>> epoch_cache_;

  std::mutex mu_;
  std::condition_variable work_cv_, ready_cv_;
  bool stop_ = false;
  bool started_ = false;
  int64_t next_job_ = 0;  // global batch id a worker takes next
  int64_t consumed_ = 0;  // global batch id next() returns next
  std::map<int64_t, Result> ready_;
  std::vector<std::thread> threads_;
};

}  // namespace facerep::data
