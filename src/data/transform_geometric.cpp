#include "data/transform_geometric.h"

#include <algorithm>
#include <cmath>

#include "data/sample_geometry.h"

namespace facerep::data {

void Resize::apply(Sample& sample, std::mt19937_64&) const {
  check_sample_geometry(sample, "resize");
  crop_resize_sample(sample, cv::Rect(0, 0, sample.image.cols, sample.image.rows),
                     cv::Size(o_.width(), o_.height()));
}

void CenterCrop::apply(Sample& sample, std::mt19937_64&) const {
  check_sample_geometry(sample, "center_crop");
  const int w = o_.width(), h = o_.height();
  // Same rounding as torchvision: int(round((W - w) / 2)).
  const int x0 = static_cast<int>(std::lround((sample.image.cols - w) / 2.0));
  const int y0 = static_cast<int>(std::lround((sample.image.rows - h) / 2.0));
  crop_resize_sample(sample, cv::Rect(x0, y0, w, h), cv::Size(w, h));
}

cv::Rect RandomResizedCrop::choose_crop(int width, int height, std::mt19937_64& rng) const {
  const double area = static_cast<double>(width) * height;
  const double log_lo = std::log(o_.ratio[0]), log_hi = std::log(o_.ratio[1]);
  for (int attempt = 0; attempt < 10; ++attempt) {
    const double target = area * uniform(rng, o_.scale[0], o_.scale[1]);
    const double aspect = std::exp(uniform(rng, log_lo, log_hi));
    const int w = static_cast<int>(std::lround(std::sqrt(target * aspect)));
    const int h = static_cast<int>(std::lround(std::sqrt(target / aspect)));
    if (w > 0 && h > 0 && w <= width && h <= height) {
      const int y0 = static_cast<int>(uniform_int(rng, 0, height - h));
      const int x0 = static_cast<int>(uniform_int(rng, 0, width - w));
      return cv::Rect(x0, y0, w, h);
    }
  }
  // Fallback: the whole image, trimmed to the allowed aspect range, centred.
  const double in_ratio = static_cast<double>(width) / height;
  int w = width, h = height;
  if (in_ratio < o_.ratio[0]) {
    h = static_cast<int>(std::lround(w / o_.ratio[0]));
  } else if (in_ratio > o_.ratio[1]) {
    w = static_cast<int>(std::lround(h * o_.ratio[1]));
  }
  w = std::clamp(w, 1, width);
  h = std::clamp(h, 1, height);
  return cv::Rect((width - w) / 2, (height - h) / 2, w, h);
}

void RandomResizedCrop::apply(Sample& sample, std::mt19937_64& rng) const {
  check_sample_geometry(sample, "random_resized_crop");
  const cv::Rect roi = choose_crop(sample.image.cols, sample.image.rows, rng);
  crop_resize_sample(sample, roi, cv::Size(o_.width(), o_.height()));
}

}  // namespace facerep::data
