#include "data/transforms/geometric.h"

#include <algorithm>
#include <cmath>

#include "data/sample_geometry.h"

namespace facerep::data {

std::optional<CropPlan> Resize::plan_crop(cv::Size image_size, std::mt19937_64&) const {
  return CropPlan{cv::Rect(cv::Point(0, 0), image_size), cv::Size(o_.width(), o_.height())};
}

void Resize::apply(Sample& sample, std::mt19937_64& rng) const {
  check_sample_geometry(sample, "resize");
  const CropPlan plan = *plan_crop(sample.image.size(), rng);
  crop_resize_sample(sample, plan.region, plan.output);
}

std::optional<CropPlan> CenterCrop::plan_crop(cv::Size image_size, std::mt19937_64&) const {
  const int w = o_.width(), h = o_.height();
  // Same rounding as torchvision: int(round((W - w) / 2)).
  const int x0 = static_cast<int>(std::lround((image_size.width - w) / 2.0));
  const int y0 = static_cast<int>(std::lround((image_size.height - h) / 2.0));
  return CropPlan{cv::Rect(x0, y0, w, h), cv::Size(w, h)};
}

void CenterCrop::apply(Sample& sample, std::mt19937_64& rng) const {
  check_sample_geometry(sample, "center_crop");
  const CropPlan plan = *plan_crop(sample.image.size(), rng);
  crop_resize_sample(sample, plan.region, plan.output);
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

std::optional<CropPlan> RandomResizedCrop::plan_crop(cv::Size image_size, std::mt19937_64& rng) const {
  return CropPlan{choose_crop(image_size.width, image_size.height, rng), cv::Size(o_.width(), o_.height())};
}

void RandomResizedCrop::apply(Sample& sample, std::mt19937_64& rng) const {
  check_sample_geometry(sample, "random_resized_crop");
  const CropPlan plan = *plan_crop(sample.image.size(), rng);
  crop_resize_sample(sample, plan.region, plan.output);
}

}  // namespace facerep::data
