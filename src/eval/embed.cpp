#include "eval/embed.h"

#include <numeric>

#include <torch/torch.h>

#include "core/error.h"
#include "data/collate.h"
#include "dist/collectives.h"
#include "dist/communicator.h"

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

namespace {

// Every rank's `paths`, in rank order: sent as one byte tensor per rank, each path ended by '\0'.
std::vector<std::string> all_gather_paths(const std::vector<std::string>& paths, c10::Device device) {
  std::string bytes;
  for (const auto& p : paths) bytes.append(p).push_back('\0');
  at::Tensor mine = torch::empty({static_cast<int64_t>(bytes.size())}, torch::kUInt8);
  std::copy(bytes.begin(), bytes.end(), mine.data_ptr<uint8_t>());
  const at::Tensor all = dist::all_gather_cat(mine.to(device)).cpu();
  const auto* data = all.data_ptr<uint8_t>();
  std::vector<std::string> out;
  std::string current;
  for (int64_t i = 0; i < all.numel(); ++i) {
    if (data[i] == 0) {
      out.push_back(std::move(current));
      current.clear();
    } else {
      current.push_back(static_cast<char>(data[i]));
    }
  }
  return out;
}

}  // namespace

Embedded embed_all(models::Backbone& model, const data::Dataset& dataset, int64_t batch_size, bool flip_tta,
                   c10::Device device) {
  torch::NoGradGuard no_grad;
  EvalModeGuard eval_mode(model);
  // In a multi-process run whose ranks all evaluate (Evaluator::runs_on_every_rank), rank r of W
  // embeds the contiguous share [N·r/W, N·(r+1)/W) and the shares are gathered in rank order, so
  // each sample is embedded once and every rank ends with the whole set in dataset order.
  dist::Communicator* comm = dist::current();
  const int world = comm ? comm->world_size() : 1, rank = comm ? comm->rank() : 0;
  const int64_t n = dataset.size();
  std::vector<int64_t> rows;
  for (int64_t i = n * rank / world; i < n * (rank + 1) / world; ++i) rows.push_back(i);

  Embedded out;
  std::vector<at::Tensor> chunks, id_chunks;
  for_each_batch(dataset, rows, batch_size, [&](const data::Batch& batch) {
    chunks.push_back(embed_images(model, batch.images.to(device), flip_tta));
    for (const auto& p : batch.paths) out.paths.push_back(p);
    id_chunks.push_back(batch.identity.defined() ? batch.identity.to(torch::kLong).cpu()
                                                 : torch::full({batch.size()}, -1, torch::kLong));
  });
  at::Tensor embeddings = chunks.empty() ? torch::zeros({0, model.embedding_dim()}, torch::TensorOptions().device(device))
                                         : torch::cat(chunks, 0);
  at::Tensor ids = id_chunks.empty() ? torch::zeros({0}, torch::kLong) : torch::cat(id_chunks, 0);
  if (world > 1) {
    // NCCL gathers device tensors, Gloo host ones: both take them where the model runs.
    embeddings = dist::all_gather_cat(embeddings.contiguous());
    ids = dist::all_gather_cat(ids.to(device));
    out.paths = all_gather_paths(out.paths, device);
  }
  out.embeddings = embeddings.cpu();
  ids = ids.cpu();
  out.identities.assign(ids.data_ptr<int64_t>(), ids.data_ptr<int64_t>() + ids.numel());
  return out;
}

at::Tensor embed(models::Backbone& model, data::Dataset& dataset, int64_t batch_size, bool flip_tta,
                 c10::Device device) {
  return embed_all(model, dataset, batch_size, flip_tta, device).embeddings;
}

}  // namespace facerep::eval
