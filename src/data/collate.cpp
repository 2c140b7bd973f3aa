#include "data/collate.h"

#include <torch/torch.h>

#include "core/error.h"
#include "data/transforms/normalize.h"

namespace facerep::data {

namespace {

std::string size_text(const cv::Mat& m) { return std::to_string(m.cols) + "x" + std::to_string(m.rows); }

// A [B, N] float label (attributes, AUs) plus its mask; undefined when no sample has one.
void collate_vector_label(const std::vector<std::vector<Sample>>& samples,
                          std::vector<float> Sample::*field, const char* name, at::Tensor* values,
                          at::Tensor* mask) {
  const Sample* first = nullptr;
  for (const auto& views : samples)
    if (!(views[0].*field).empty()) {
      first = &views[0];
      break;
    }
  if (!first) return;
  const int64_t b = static_cast<int64_t>(samples.size());
  const int64_t n = static_cast<int64_t>((first->*field).size());
  *values = torch::zeros({b, n}, torch::kFloat32);
  *mask = torch::zeros({b}, torch::kBool);
  float* out = values->data_ptr<float>();
  bool* m = mask->data_ptr<bool>();
  for (int64_t i = 0; i < b; ++i) {
    const Sample& s = samples[i][0];
    const auto& v = s.*field;
    if (v.empty()) continue;
    if (static_cast<int64_t>(v.size()) != n)
      throw core::RuntimeError(std::string("collate: ") + name + " lengths differ: " + first->path + " has " +
                               std::to_string(n) + ", " + s.path + " has " + std::to_string(v.size()));
    std::copy(v.begin(), v.end(), out + i * n);
    m[i] = true;
  }
}

void collate_landmarks(const std::vector<std::vector<Sample>>& samples, Batch& batch) {
  collate_vector_label(samples, &Sample::landmarks, "landmark", &batch.landmarks, &batch.landmarks_mask);
  if (batch.landmarks.defined()) {
    if (batch.landmarks.size(1) % 2 != 0)
      throw core::RuntimeError("collate: odd landmark vector length " + std::to_string(batch.landmarks.size(1)));
    batch.landmarks = batch.landmarks.view({batch.landmarks.size(0), -1, 2});
  }
}

void collate_regions(const std::vector<std::vector<Sample>>& samples, int64_t h, int64_t w, Batch& batch) {
  bool any = false;
  for (const auto& views : samples) any = any || !views[0].region_map.empty();
  if (!any) return;
  const int64_t b = static_cast<int64_t>(samples.size());
  batch.region_map = torch::zeros({b, h, w}, torch::kUInt8);
  batch.region_mask = torch::zeros({b}, torch::kBool);
  for (int64_t i = 0; i < b; ++i) {
    const Sample& s = samples[i][0];
    if (s.region_map.empty()) continue;
    if (s.region_map.type() != CV_8UC1 || s.region_map.rows != h || s.region_map.cols != w)
      throw core::RuntimeError("collate: region map of " + s.path + " is " + size_text(s.region_map) +
                               " (type " + std::to_string(s.region_map.type()) + "), expected 8-bit " +
                               std::to_string(w) + "x" + std::to_string(h));
    uint8_t* out = batch.region_map.data_ptr<uint8_t>() + i * h * w;
    for (int64_t y = 0; y < h; ++y) std::memcpy(out + y * w, s.region_map.ptr<uint8_t>(y), w);
    batch.region_mask.data_ptr<bool>()[i] = true;
  }
}

}  // namespace

Batch collate(const std::vector<std::vector<Sample>>& per_sample_views) {
  if (per_sample_views.empty() || per_sample_views[0].empty())
    throw core::RuntimeError("collate: no samples");
  const auto& samples = per_sample_views;
  const int64_t b = static_cast<int64_t>(samples.size());
  const size_t num_views = samples[0].size();
  const Sample& first = samples[0][0];
  const int64_t h = first.image.rows, w = first.image.cols;
  const NormalizeOptions default_norm;

  Batch batch;
  for (size_t v = 0; v < num_views; ++v) {
    at::Tensor images = torch::empty({b, 3, h, w}, torch::kFloat32);
    float* out = images.data_ptr<float>();
    for (int64_t i = 0; i < b; ++i) {
      if (samples[i].size() != num_views)
        throw core::RuntimeError("collate: " + samples[i][0].path + " has " + std::to_string(samples[i].size()) +
                                 " views, " + first.path + " has " + std::to_string(num_views));
      const Sample& s = samples[i][v];
      if (s.image.rows != h || s.image.cols != w)
        throw core::RuntimeError("collate: image sizes differ (add a resize or crop transform): " + first.path +
                                 " is " + size_text(first.image) + ", " + s.path + " is " + size_text(s.image));
      write_chw_rgb(s.image, default_norm, out + i * 3 * h * w, s.path);
    }
    batch.views.push_back(images);
  }
  batch.images = batch.views[0];

  batch.identity = torch::empty({b}, torch::kInt64);
  for (int64_t i = 0; i < b; ++i) {
    const Sample& s = samples[i][0];
    batch.identity.data_ptr<int64_t>()[i] = s.identity;
    batch.paths.push_back(s.path);
    batch.indices.push_back(s.index);
  }
  collate_vector_label(samples, &Sample::attributes, "attribute", &batch.attributes, &batch.attributes_mask);
  collate_vector_label(samples, &Sample::aus, "AU", &batch.aus, &batch.aus_mask);
  collate_vector_label(samples, &Sample::values, "value", &batch.values, &batch.values_mask);
  collate_landmarks(samples, batch);
  collate_regions(samples, h, w, batch);
  return batch;
}

}  // namespace facerep::data
