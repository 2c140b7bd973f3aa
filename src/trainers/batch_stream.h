#pragma once
// Where the trainer's batches come from: the data layer's Loader in real runs (see
// loader_stream.h), small in-memory fakes in tests. Resumable by position.
#include <cstdint>
#include <optional>
#include <string>

#include "data/batch.h"

namespace facerep::trainers {

struct StreamPosition {
  int64_t epoch = 0;
  int64_t batch = 0;  // batches already taken in `epoch`
};

class BatchStream {
 public:
  virtual ~BatchStream() = default;
  // The next batch of the current epoch; nullopt at its end (the next call starts a new epoch).
  virtual std::optional<data::Batch> next() = 0;
  virtual StreamPosition position() const = 0;
  // Continue exactly where a stream at `pos` was (same order, same augmentation draws).
  virtual void seek(const StreamPosition& pos) = 0;
  virtual int64_t batches_per_epoch() const = 0;
  // Identity classes of the training source (-1: no identity labels).
  virtual int64_t num_identities() const = 0;
  // Action units per sample of the training source (-1: no AU labels).
  virtual int64_t num_aus() const { return -1; }
  // The sampler's name ("shuffle", "m_per_class", ...) for checking the objective's needs.
  virtual std::string sampler() const = 0;
  virtual int views() const { return 1; }
  // Samples passed over with data.train.on_error: skip: distinct ones, and times met.
  virtual int64_t skipped_samples() const { return 0; }
  virtual int64_t skip_events() const { return 0; }
  virtual std::string describe() const = 0;
};

}  // namespace facerep::trainers
