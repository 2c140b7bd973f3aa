#include "data/transforms/face_align.h"

#include <cmath>

#include <opencv2/imgproc.hpp>

#include "core/error.h"

namespace facerep::data {

std::vector<cv::Point2f> arcface_template(int size) {
  static const float kTemplate112[5][2] = {{38.2946f, 51.6963f},
                                           {73.5318f, 51.5014f},
                                           {56.0252f, 71.7366f},
                                           {41.5493f, 92.3655f},
                                           {70.7299f, 92.2041f}};
  const float s = static_cast<float>(size) / 112.0f;
  std::vector<cv::Point2f> out;
  for (const auto& p : kTemplate112) out.emplace_back(p[0] * s, p[1] * s);
  return out;
}

cv::Matx23d similarity_transform(const std::vector<cv::Point2f>& src,
                                 const std::vector<cv::Point2f>& dst) {
  if (src.size() != dst.size() || src.size() < 2)
    throw core::RuntimeError("similarity_transform: need >= 2 matching points, got " +
                             std::to_string(src.size()) + " and " + std::to_string(dst.size()));
  const double n = static_cast<double>(src.size());
  double sx = 0, sy = 0, dx = 0, dy = 0;
  for (size_t i = 0; i < src.size(); ++i) {
    sx += src[i].x, sy += src[i].y, dx += dst[i].x, dy += dst[i].y;
  }
  sx /= n, sy /= n, dx /= n, dy /= n;
  double num_a = 0, num_b = 0, den = 0;
  for (size_t i = 0; i < src.size(); ++i) {
    const double x = src[i].x - sx, y = src[i].y - sy;
    const double u = dst[i].x - dx, v = dst[i].y - dy;
    num_a += x * u + y * v;
    num_b += x * v - y * u;
    den += x * x + y * y;
  }
  if (den < 1e-12) throw core::RuntimeError("similarity_transform: source points coincide");
  const double a = num_a / den, b = num_b / den;
  return cv::Matx23d(a, -b, dx - (a * sx - b * sy),  //
                     b, a, dy - (b * sx + a * sy));
}

std::vector<cv::Point2f> five_points(const std::vector<float>& lm, const std::string& what) {
  auto pt = [&](size_t i) { return cv::Point2f(lm[2 * i], lm[2 * i + 1]); };
  auto mean = [&](size_t from, size_t to) {
    cv::Point2f m(0, 0);
    for (size_t i = from; i < to; ++i) m += pt(i);
    return m * (1.0f / static_cast<float>(to - from));
  };
  if (lm.size() == 10) return {pt(0), pt(1), pt(2), pt(3), pt(4)};
  // iBUG 68: 36-41 is the eye on the image's left, 42-47 the other; 30 nose tip; 48/54 mouth corners.
  if (lm.size() == 136) return {mean(36, 42), mean(42, 48), pt(30), pt(48), pt(54)};
  throw core::RuntimeError(what + ": alignment needs 5 or 68 landmarks, got " +
                           std::to_string(lm.size()) + " values");
}

std::vector<float> transform_landmarks(const std::vector<float>& lm, const cv::Matx23d& t) {
  std::vector<float> out(lm.size());
  for (size_t i = 0; i + 1 < lm.size(); i += 2) {
    const double x = lm[i], y = lm[i + 1];
    out[i] = static_cast<float>(t(0, 0) * x + t(0, 1) * y + t(0, 2));
    out[i + 1] = static_cast<float>(t(1, 0) * x + t(1, 1) * y + t(1, 2));
  }
  return out;
}

void align_sample(Sample& sample, int size) {
  if (sample.landmarks.empty())
    throw core::RuntimeError(sample.path + ": cannot align, the sample has no landmarks");
  if (size < 8) throw core::RuntimeError("align: size must be >= 8, got " + std::to_string(size));
  const cv::Matx23d t = similarity_transform(five_points(sample.landmarks, sample.path),
                                             arcface_template(size));
  const cv::Mat m(t);
  cv::Mat image;
  cv::warpAffine(sample.image, image, m, cv::Size(size, size), cv::INTER_LINEAR, cv::BORDER_CONSTANT);
  sample.image = image;
  if (!sample.region_map.empty()) {
    cv::Mat region;
    cv::warpAffine(sample.region_map, region, m, cv::Size(size, size), cv::INTER_NEAREST,
                   cv::BORDER_CONSTANT, cv::Scalar(static_cast<int>(Region::kBackground)));
    sample.region_map = region;
  }
  sample.landmarks = transform_landmarks(sample.landmarks, t);
}

}  // namespace facerep::data
