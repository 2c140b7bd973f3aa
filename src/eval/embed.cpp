#include "eval/embed.h"

#include <numeric>

#include <torch/torch.h>

#include "core/error.h"
#include "data/collate.h"

namespace facerep::eval {


at::Tensor embed_images(models::Backbone& model, const at::Tensor& images, bool flip_tta) {
  at::Tensor e = model.forward(images);
  if (flip_tta) e = e + model.forward(images.flip({3}));
  return torch::nn::functional::normalize(e.to(torch::kFloat), torch::nn::functional::NormalizeFuncOptions().dim(1));
}

void for_each_batch(const data::Dataset& dataset, const std::vector<int64_t>& rows, int64_t batch_size,
                    const std::function<void(const data::Batch&)>& fn) {
  if (batch_size < 1) throw core::ConfigError("embedding batch size must be >= 1, got " + std::to_string(batch_size));
  const auto n = static_cast<int64_t>(rows.size());
  for (int64_t start = 0; start < n; start += batch_size) {
    std::vector<std::vector<data::Sample>> samples;
    for (int64_t j = start; j < std::min(n, start + batch_size); ++j) {
      const int64_t i = rows[static_cast<size_t>(j)];
      if (i < 0 || i >= dataset.size())
        throw core::RuntimeError("sample " + std::to_string(i) + " asked of a dataset of " +
                                 std::to_string(dataset.size()));
      std::optional<std::vector<data::Sample>> s = dataset.get(i, 0);
      if (!s || s->empty())
        throw core::RuntimeError("evaluation needs every sample, but sample " + std::to_string(i) +
                                 " was skipped (on_error: skip); fix or remove it");
      s->resize(1);  // evaluation uses the first view only
      samples.push_back(std::move(*s));
    }
    fn(data::collate(samples));
  }
}

void for_each_batch(const data::Dataset& dataset, int64_t batch_size,
                    const std::function<void(const data::Batch&)>& fn) {
  std::vector<int64_t> rows(static_cast<size_t>(dataset.size()));
  std::iota(rows.begin(), rows.end(), int64_t{0});
  for_each_batch(dataset, rows, batch_size, fn);
}

Embedded embed_all(models::Backbone& model, const data::Dataset& dataset, int64_t batch_size, bool flip_tta,
                   c10::Device device) {
  torch::NoGradGuard no_grad;
  EvalModeGuard eval_mode(model);
  Embedded out;
  std::vector<at::Tensor> chunks;
  for_each_batch(dataset, batch_size, [&](const data::Batch& batch) {
    chunks.push_back(embed_images(model, batch.images.to(device), flip_tta).cpu());
    for (const auto& p : batch.paths) out.paths.push_back(p);
    const at::Tensor ids = batch.identity.defined() ? batch.identity.to(torch::kLong).cpu()
                                                    : torch::full({batch.size()}, -1, torch::kLong);
    for (int64_t i = 0; i < ids.numel(); ++i) out.identities.push_back(ids[i].item<int64_t>());
  });
  out.embeddings = chunks.empty() ? torch::zeros({0, model.embedding_dim()}) : torch::cat(chunks, 0);
  return out;
}

at::Tensor embed(models::Backbone& model, data::Dataset& dataset, int64_t batch_size, bool flip_tta,
                 c10::Device device) {
  return embed_all(model, dataset, batch_size, flip_tta, device).embeddings;
}

}  // namespace facerep::eval
