#include "data/transforms/color.h"

#include <algorithm>
#include <array>
#include <cmath>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "core/error.h"

namespace facerep::data {

namespace {

void require_uint8(const Sample& sample, const char* transform) {
  if (sample.image.empty() || sample.image.depth() != CV_8U ||
      (sample.image.channels() != 1 && sample.image.channels() != 3))
    throw core::RuntimeError(std::string(transform) + ": " + sample.path +
                             ": expects an 8-bit grey or BGR image (put it before normalize)");
}

cv::Mat luma(const cv::Mat& image) {
  if (image.channels() == 1) return image;
  cv::Mat grey;
  cv::cvtColor(image, grey, cv::COLOR_BGR2GRAY);
  return grey;
}

cv::Mat adjust_brightness(const cv::Mat& image, double factor) {
  cv::Mat out;
  image.convertTo(out, -1, factor, 0.0);
  return out;
}

cv::Mat adjust_contrast(const cv::Mat& image, double factor) {
  // Blend with the mean grey level, as torchvision does.
  const double mean = cv::mean(luma(image))[0];
  cv::Mat out;
  image.convertTo(out, -1, factor, (1.0 - factor) * mean);
  return out;
}

cv::Mat adjust_saturation(const cv::Mat& image, double factor) {
  if (image.channels() == 1) return image;
  cv::Mat grey3, out;
  cv::cvtColor(luma(image), grey3, cv::COLOR_GRAY2BGR);
  cv::addWeighted(image, factor, grey3, 1.0 - factor, 0.0, out);
  return out;
}

cv::Mat adjust_hue(const cv::Mat& image, double shift) {
  if (image.channels() == 1 || shift == 0.0) return image;
  cv::Mat hsv;
  cv::cvtColor(image, hsv, cv::COLOR_BGR2HSV);  // 8-bit hue is in [0, 180)
  const int delta = static_cast<int>(std::lround(shift * 180.0));
  for (int y = 0; y < hsv.rows; ++y) {
    auto* row = hsv.ptr<uint8_t>(y);
    for (int x = 0; x < hsv.cols; ++x) row[3 * x] = static_cast<uint8_t>(((row[3 * x] + delta) % 180 + 180) % 180);
  }
  cv::Mat out;
  cv::cvtColor(hsv, out, cv::COLOR_HSV2BGR);
  return out;
}

}  // namespace

void ColorJitter::apply(Sample& sample, std::mt19937_64& rng) const {
  require_uint8(sample, "color_jitter");
  if (!chance(rng, o_.p)) return;
  std::array<int, 4> order{0, 1, 2, 3};
  for (int i = 3; i > 0; --i) std::swap(order[i], order[uniform_int(rng, 0, i)]);
  auto factor = [&](double spread) { return uniform(rng, std::max(0.0, 1.0 - spread), 1.0 + spread); };
  const double b = factor(o_.brightness), c = factor(o_.contrast), s = factor(o_.saturation);
  const double h = uniform(rng, -o_.hue, o_.hue);
  cv::Mat image = sample.image;
  for (int op : order) {
    if (op == 0 && o_.brightness > 0) image = adjust_brightness(image, b);
    if (op == 1 && o_.contrast > 0) image = adjust_contrast(image, c);
    if (op == 2 && o_.saturation > 0) image = adjust_saturation(image, s);
    if (op == 3 && o_.hue > 0) image = adjust_hue(image, h);
  }
  sample.image = image;
}

void Grayscale::apply(Sample& sample, std::mt19937_64& rng) const {
  require_uint8(sample, "grayscale");
  if (!chance(rng, o_.p) || sample.image.channels() == 1) return;
  cv::Mat grey3;
  cv::cvtColor(luma(sample.image), grey3, cv::COLOR_GRAY2BGR);
  sample.image = grey3;
}

void GaussianBlur::apply(Sample& sample, std::mt19937_64& rng) const {
  require_uint8(sample, "gaussian_blur");
  if (!chance(rng, o_.p)) return;
  const double sigma = uniform(rng, o_.sigma[0], o_.sigma[1]);
  cv::Mat out;
  cv::GaussianBlur(sample.image, out, cv::Size(o_.kernel_size, o_.kernel_size), sigma, sigma,
                   cv::BORDER_REFLECT_101);
  sample.image = out;
}

}  // namespace facerep::data
