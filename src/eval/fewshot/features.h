#pragma once
// The frozen features of a dataset and every label it carries, extracted once per (checkpoint,
// dataset, preprocessing) and cached on disk, so a sweep over protocols x shots x seeds embeds
// each image once.
#include <cstdint>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

#include "data/dataset.h"
#include "models/backbone.h"

namespace facerep::eval::fewshot {

struct FeatureSet {
  at::Tensor features;                      // [N,D] float32, the model's output (not normalised)
  at::Tensor identity;                      // [N] int64, -1 where unknown
  at::Tensor attributes, attributes_mask;   // [N,A] float32 and [N] bool; undefined when absent
  at::Tensor aus, aus_mask;                 // [N,U], [N]; undefined when absent
  at::Tensor values, values_mask;           // [N,V] scalar labels, [N]; undefined when absent
  at::Tensor landmarks, landmarks_mask;     // [N,L,2] in units of the model's input side, [N]
  // Face parsing, only when asked (ExtractOptions::parsing_size): the model's feature maps [N,C,h,w]
  // (float16 unless a value exceeds its range, then float32; undefined when the model offers none)
  // and the region maps [N,S,S] uint8 data::Region classes at the parsing size, with [N] bool.
  at::Tensor dense;
  at::Tensor regions, regions_mask;
  std::vector<std::string> paths;

  int64_t size() const { return features.defined() ? features.size(0) : 0; }
  // The identity of every row as a vector (-1 where unknown; all -1 without identities).
  std::vector<int64_t> identity_labels() const;
};

struct ExtractOptions {
  // > 0: keep what face parsing needs: the region maps, resized (nearest neighbour, as the
  // pipeline resized them to the model input) to parsing_size x parsing_size, so every encoder is
  // scored on the same labels whatever its input size, and the model's feature maps when it
  // offers them (a second pass of the model per batch). 0: neither, saving memory and time.
  int64_t parsing_size = 0;
};

// Runs `model` (eval mode, no gradients) over every sample of `dataset` in order.
FeatureSet extract_features(models::Backbone& model, const data::Dataset& dataset, int64_t batch_size,
                            c10::Device device, const ExtractOptions& options = {});

// Writes / reads a FeatureSet (a tensor file plus its paths). Writing goes through a temporary
// file renamed into place, so a killed sweep never leaves a half-written cache entry.
void save_feature_set(const FeatureSet& set, const std::string& path);
FeatureSet load_feature_set(const std::string& path);

// The set for `key` from `cache_dir`/<key>.features, extracted and stored on a miss.
// `key` identifies checkpoint, dataset, preprocessing and the extract options (e.g. a config_hash
// of all of them).
FeatureSet cached_features(const std::string& cache_dir, const std::string& key, models::Backbone& model,
                           const data::Dataset& dataset, int64_t batch_size, c10::Device device,
                           const ExtractOptions& options = {});

}  // namespace facerep::eval::fewshot
