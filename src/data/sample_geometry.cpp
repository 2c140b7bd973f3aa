#include "data/sample_geometry.h"

#include <opencv2/imgproc.hpp>

#include "core/error.h"

namespace facerep::data {

namespace {
// The pixels of `roi`, zero outside `m`. Shares memory with `m` when roi lies inside it.
cv::Mat crop_padded(const cv::Mat& m, const cv::Rect& roi) {
  const cv::Rect inside = roi & cv::Rect(0, 0, m.cols, m.rows);
  if (inside == roi) return m(roi);
  cv::Mat out = cv::Mat::zeros(roi.size(), m.type());
  if (inside.area() > 0) m(inside).copyTo(out(cv::Rect(inside.tl() - roi.tl(), inside.size())));
  return out;
}
}  // namespace

void check_sample_geometry(const Sample& sample, const char* transform) {
  auto fail = [&](const std::string& why) {
    throw core::RuntimeError(std::string(transform) + ": " + sample.path + ": " + why);
  };
  if (sample.image.empty()) fail("sample has no image");
  if (sample.landmarks.size() % 2 != 0)
    fail("odd number of landmark coordinates (" + std::to_string(sample.landmarks.size()) + ")");
  if (!sample.region_map.empty() && sample.region_map.size() != sample.image.size())
    fail("region map is " + std::to_string(sample.region_map.cols) + "x" +
         std::to_string(sample.region_map.rows) + " but the image is " +
         std::to_string(sample.image.cols) + "x" + std::to_string(sample.image.rows));
}

void crop_resize_sample(Sample& sample, const cv::Rect& roi, const cv::Size& out) {
  if (roi.width <= 0 || roi.height <= 0 || out.width <= 0 || out.height <= 0)
    throw core::RuntimeError("crop: " + sample.path + ": empty crop or output size");
  const bool same_size = roi.size() == out;
  cv::Mat image = crop_padded(sample.image, roi);
  if (!same_size) {
    cv::Mat resized;
    cv::resize(image, resized, out, 0, 0, cv::INTER_LINEAR);
    image = resized;
  }
  sample.image = image;
  if (!sample.region_map.empty()) {
    cv::Mat region = crop_padded(sample.region_map, roi);
    if (!same_size) {
      cv::Mat resized;
      cv::resize(region, resized, out, 0, 0, cv::INTER_NEAREST);
      region = resized;
    }
    sample.region_map = region;
  }
  const double sx = static_cast<double>(out.width) / roi.width;
  const double sy = static_cast<double>(out.height) / roi.height;
  for (size_t i = 0; i + 1 < sample.landmarks.size(); i += 2) {
    sample.landmarks[i] = static_cast<float>((sample.landmarks[i] - roi.x + 0.5) * sx - 0.5);
    sample.landmarks[i + 1] = static_cast<float>((sample.landmarks[i + 1] - roi.y + 0.5) * sy - 0.5);
  }
}

}  // namespace facerep::data
