#include "data/transforms/erasing.h"

#include <cmath>

#include <opencv2/core.hpp>

#include "core/error.h"

namespace facerep::data {

namespace {
double standard_normal(std::mt19937_64& rng) {  // Box-Muller
  const double u1 = uniform(rng, 1e-12, 1.0), u2 = uniform(rng, 0.0, 1.0);
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
}
}  // namespace

void RandomErasing::apply(Sample& sample, std::mt19937_64& rng) const {
  cv::Mat& image = sample.image;
  if (image.empty() || (image.depth() != CV_8U && image.depth() != CV_32F))
    throw core::RuntimeError("random_erasing: " + sample.path + ": expects an 8-bit or float image");
  if (!chance(rng, o_.p)) return;
  const double area = static_cast<double>(image.rows) * image.cols;
  const double log_lo = std::log(o_.ratio[0]), log_hi = std::log(o_.ratio[1]);
  for (int attempt = 0; attempt < 10; ++attempt) {
    const double target = area * uniform(rng, o_.scale[0], o_.scale[1]);
    const double aspect = std::exp(uniform(rng, log_lo, log_hi));
    const int h = static_cast<int>(std::lround(std::sqrt(target * aspect)));
    const int w = static_cast<int>(std::lround(std::sqrt(target / aspect)));
    if (h <= 0 || w <= 0 || h >= image.rows || w >= image.cols) continue;
    const int y0 = static_cast<int>(uniform_int(rng, 0, image.rows - h));
    const int x0 = static_cast<int>(uniform_int(rng, 0, image.cols - w));
    cv::Mat out = image.clone();  // the input may share pixels with the source or another view
    cv::Mat patch = out(cv::Rect(x0, y0, w, h));
    if (o_.value == "zero") {
      patch.setTo(cv::Scalar::all(0));
    } else if (out.depth() == CV_8U) {
      for (int y = 0; y < h; ++y) {
        uint8_t* row = patch.ptr<uint8_t>(y);
        for (int x = 0; x < w * out.channels(); ++x) row[x] = static_cast<uint8_t>(rng() & 0xFF);
      }
    } else {
      for (int y = 0; y < h; ++y) {
        float* row = patch.ptr<float>(y);
        for (int x = 0; x < w * out.channels(); ++x) row[x] = static_cast<float>(standard_normal(rng));
      }
    }
    image = out;
    return;
  }
}

}  // namespace facerep::data
