#include "data/batch.h"

#include <ATen/ATen.h>

namespace facerep::data {

Batch Batch::to(const c10::Device& device, bool non_blocking) const {
  auto move = [&](const at::Tensor& t) { return t.defined() ? t.to(device, non_blocking) : t; };
  Batch out = *this;
  if (!device.is_cpu() && !host && images.defined() && images.is_cpu()) {
    auto original = std::make_shared<Batch>(*this);  // shares the tensors: no copy
    out.host = std::move(original);
  }
  out.images = move(images);
  out.views.clear();
  for (const auto& v : views) out.views.push_back(move(v));
  for (at::Tensor* t : out.label_tensors()) *t = move(*t);
  return out;
}

std::vector<at::Tensor*> Batch::label_tensors() {
  return {&identity, &attributes, &attributes_mask, &aus, &aus_mask, &values, &values_mask,
          &landmarks, &landmarks_mask, &region_map, &region_mask};
}

std::vector<const at::Tensor*> Batch::label_tensors() const {
  const auto mutable_list = const_cast<Batch*>(this)->label_tensors();
  return std::vector<const at::Tensor*>(mutable_list.begin(), mutable_list.end());
}

}  // namespace facerep::data
