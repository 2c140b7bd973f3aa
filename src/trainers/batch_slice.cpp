#include "trainers/batch_slice.h"

#include <ATen/ATen.h>

namespace facerep::trainers {

data::Batch slice_batch(const data::Batch& batch, int64_t start, int64_t length) {
  auto cut = [&](const at::Tensor& t) { return t.defined() ? t.narrow(0, start, length) : t; };
  data::Batch out;
  out.images = cut(batch.images);
  for (const auto& v : batch.views) out.views.push_back(cut(v));
  const auto from = batch.label_tensors();
  const auto to = out.label_tensors();
  for (size_t i = 0; i < from.size(); ++i) *to[i] = cut(*from[i]);
  const auto b = static_cast<size_t>(start), e = static_cast<size_t>(start + length);
  if (batch.paths.size() >= e) out.paths.assign(batch.paths.begin() + b, batch.paths.begin() + e);
  if (batch.indices.size() >= e) out.indices.assign(batch.indices.begin() + b, batch.indices.begin() + e);
  if (batch.host) out.host = std::make_shared<const data::Batch>(slice_batch(*batch.host, start, length));
  return out;
}

}  // namespace facerep::trainers
