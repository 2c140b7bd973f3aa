#pragma once
// A source plus its transforms: what the loader, the trainers and the evaluators read.
// Sample `index` of `epoch`, view `v`, is transformed with a generator seeded from
// (seed, epoch, index, v), so the data a model sees never depends on the number of workers or
// on which thread decoded what.
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "data/data_options.h"
#include "data/sample.h"
#include "data/sources/source.h"
#include "data/transforms/transform.h"

namespace facerep::data {

struct NormalizeOptions;

// Builds the transforms of `specs` in order. Throws core::ConfigError (at the spec's key path)
// when a transform that needs 8-bit pixels comes after `normalize`, or `normalize` repeats.
std::vector<std::shared_ptr<Transform>> build_transforms(const std::vector<core::ComponentSpec>& specs);

class Dataset {
 public:
  // Builds the source and the transforms (build_transforms) from config.
  static std::shared_ptr<Dataset> build(const DatasetOptions& options, const SourceContext& ctx);
  Dataset(std::shared_ptr<Source> source, std::vector<std::shared_ptr<Transform>> transforms,
          const DatasetOptions& options, uint64_t seed);

  int64_t size() const;
  const Source& source() const;
  const std::vector<std::shared_ptr<Transform>>& transforms() const { return transforms_; }
  // Mean/std the images end up normalised with: the `normalize` transform's, or the default
  // 0.5/0.5 that collation applies (contact sheets use it to undo normalisation).
  const NormalizeOptions& normalization() const;

  // Sample `index` for `epoch`, one entry per view, transformed deterministically from
  // (seed, epoch, index, view). std::nullopt when the sample failed and on_error is "skip"
  // (logged, counted; throws core::RuntimeError once more than max_skipped were skipped).
  // With on_error "fail", throws core::RuntimeError "sample <index> (<path>): <reason>".
  std::optional<std::vector<Sample>> get(int64_t index, int64_t epoch) const;
  // Distinct samples skipped so far (over the dataset's life: a bad file counts once however
  // many epochs meet it); max_skipped limits this number.
  int64_t skipped() const;
  // Times a sample was skipped (each epoch that met it, each refetch after a loader seek).
  int64_t skip_events() const;
  // True when samples are decoded region-first (data.<split>.roi_decode, views 1, a first
  // transform that plans its crop; see roi_decode.h).
  bool roi_decode() const { return roi_decode_; }

 private:
  std::shared_ptr<Source> source_;
  std::vector<std::shared_ptr<Transform>> transforms_;
  DatasetOptions options_;
  uint64_t seed_;
  // The one view of a still-encoded sample, region-decoded when the image and the first transform
  // allow. Appends the sample's path to `where` (for error messages) once it has decoded.
  Sample transform_encoded(EncodedSample encoded, int64_t index, int64_t epoch, std::string& where) const;

  std::shared_ptr<NormalizeOptions> normalization_;
  bool roi_decode_ = false;
  mutable std::mutex skipped_mutex_;
  mutable std::set<int64_t> skipped_;  // indices of the samples skipped
  mutable int64_t skip_events_ = 0;
};

}  // namespace facerep::data
