#pragma once
// Embedding extraction: run a backbone over a whole dataset in order, without gradients.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

#include "data/batch.h"
#include "data/dataset.h"
#include "models/backbone.h"

namespace facerep::eval {

// Puts a module in eval mode for a scope and restores its train/eval mode when leaving it, even on
// exceptions.
class EvalModeGuard {
 public:
  explicit EvalModeGuard(torch::nn::Module& m) : m_(m), was_training_(m.is_training()) { m_.eval(); }
  ~EvalModeGuard() { m_.train(was_training_); }
  EvalModeGuard(const EvalModeGuard&) = delete;
  EvalModeGuard& operator=(const EvalModeGuard&) = delete;

 private:
  torch::nn::Module& m_;
  bool was_training_;
};

struct Embedded {
  at::Tensor embeddings;            // [N, D] float32 on CPU, L2-normalised
  std::vector<std::string> paths;   // sample paths, dataset order
  std::vector<int64_t> identities;  // -1 where unknown
};

// Embeds every sample of `dataset` (epoch 0, first view) in dataset order, in eval mode (the
// model's previous mode is restored) and without gradients. With flip_tta, the embedding of the
// horizontally flipped image is added before normalising. A sample the dataset skips
// (on_error: skip) would break the order: that is a core::RuntimeError naming it.
Embedded embed_all(models::Backbone& model, const data::Dataset& dataset, int64_t batch_size, bool flip_tta,
                   c10::Device device);

// Calls `fn` with every sample of `dataset` (epoch 0, first view), collated in batches of
// `batch_size`, in dataset order. A sample the dataset skips is a core::RuntimeError.
void for_each_batch(const data::Dataset& dataset, int64_t batch_size, const std::function<void(const data::Batch&)>& fn);
// The same over the samples `rows` of `dataset`, in that order (e.g. one few-shot cell's images).
void for_each_batch(const data::Dataset& dataset, const std::vector<int64_t>& rows, int64_t batch_size,
                    const std::function<void(const data::Batch&)>& fn);

// Just the embeddings [N, D].
at::Tensor embed(models::Backbone& model, data::Dataset& dataset, int64_t batch_size, bool flip_tta,
                 c10::Device device);

// Normalised embeddings of a batch of images (already on the model's device).
at::Tensor embed_images(models::Backbone& model, const at::Tensor& images, bool flip_tta);

}  // namespace facerep::eval
