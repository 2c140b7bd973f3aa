#include "data/batch.h"

#include <ATen/ATen.h>

namespace facerep::data {

Batch Batch::to(const c10::Device& device, bool non_blocking) const {
  auto move = [&](const at::Tensor& t) { return t.defined() ? t.to(device, non_blocking) : t; };
  Batch out = *this;
  out.images = move(images);
  out.views.clear();
  for (const auto& v : views) out.views.push_back(move(v));
  out.identity = move(identity);
  out.attributes = move(attributes);
  out.attributes_mask = move(attributes_mask);
  out.aus = move(aus);
  out.aus_mask = move(aus_mask);
  out.landmarks = move(landmarks);
  out.landmarks_mask = move(landmarks_mask);
  out.region_map = move(region_map);
  out.region_mask = move(region_mask);
  return out;
}

}  // namespace facerep::data
