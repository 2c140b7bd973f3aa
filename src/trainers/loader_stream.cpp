#include "trainers/loader_stream.h"

#include <algorithm>

#include "core/error.h"
#include "data/dataset.h"
#include "data/loader.h"

namespace facerep::trainers {

namespace {
// AU labels per sample, read from the first sample that decodes (a source's samples share one
// label layout; a bad first image under on_error: skip must not decide it): -1 when none.
int64_t first_sample_aus(const data::Source& source) {
  const int64_t tries = std::min<int64_t>(source.size(), 8);
  for (int64_t i = 0; i < tries; ++i) {
    try {
      const data::Sample s = source.get(i);
      return s.aus.empty() ? -1 : static_cast<int64_t>(s.aus.size());
    } catch (const core::RuntimeError&) {
      if (i + 1 == tries) throw;
    }
  }
  return -1;
}

class LoaderStream : public BatchStream {
 public:
  LoaderStream(const ExperimentConfig& config, int rank, int world, bool pin) {
    data::SourceContext sctx;
    sctx.base_dir = config.base_dir;
    sctx.seed = config.run.seed;
    dataset_ = data::Dataset::build(config.data.train, sctx);
    // train.batch_size is the global batch: this rank loads its 1/world share of each.
    loader_ = std::make_unique<data::Loader>(dataset_, config.data.loader, config.train.batch_size / world,
                                             config.run.seed, rank, world, pin);
    sampler_ = config.data.loader.sampler.type;
    views_ = config.data.train.views;
    num_aus_ = first_sample_aus(dataset_->source());
  }
  std::optional<data::Batch> next() override { return loader_->next(); }
  StreamPosition position() const override {
    const data::LoaderPosition p = loader_->position();
    return {p.epoch, p.batch};
  }
  void seek(const StreamPosition& pos) override { loader_->seek({pos.epoch, pos.batch}); }
  int64_t batches_per_epoch() const override { return loader_->batches_per_epoch(); }
  int64_t num_identities() const override { return dataset_->source().num_identities(); }
  int64_t skipped_samples() const override { return dataset_->skipped(); }
  int64_t skip_events() const override { return dataset_->skip_events(); }
  int64_t num_aus() const override { return num_aus_; }
  std::string sampler() const override { return sampler_; }
  int views() const override { return views_; }
  std::string describe() const override { return dataset_->source().describe(); }

 private:
  std::shared_ptr<data::Dataset> dataset_;
  std::unique_ptr<data::Loader> loader_;
  std::string sampler_;
  int views_ = 1;
  int64_t num_aus_ = -1;
};
}  // namespace

std::unique_ptr<BatchStream> make_loader_stream(const ExperimentConfig& config, int rank, int world,
                                                bool pin_memory) {
  return std::make_unique<LoaderStream>(config, rank, world, pin_memory);
}

}  // namespace facerep::trainers
