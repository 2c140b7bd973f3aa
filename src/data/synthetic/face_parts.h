#pragma once
// The drawing kit of the synthetic faces (face_draw.cpp draws the parts with it): a portable
// generator, the identity's fixed traits, the canonical-to-pixel frame (yaw-like turn, roll,
// zoom, shift) and a canvas that paints the image and the region map together.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "data/sample.h"

namespace facerep::data::synthetic {

inline constexpr double kPi = 3.14159265358979323846;

inline uint64_t mix64(uint64_t x) {  // splitmix64 finaliser: a cheap, well-spread hash
  x ^= x >> 30;
  x *= 0xBF58476D1CE4E5B9ULL;
  x ^= x >> 27;
  x *= 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

inline uint64_t key(uint64_t seed, int64_t a, int64_t b, uint64_t salt) {
  return mix64(mix64(mix64(seed ^ salt) + static_cast<uint64_t>(a)) + static_cast<uint64_t>(b));
}

// Own generator and distributions: std::normal_distribution differs between standard libraries,
// and the images must be identical everywhere for a given seed.
class Rng {
 public:
  explicit Rng(uint64_t state) : state_(state) {}
  uint64_t next() { return mix64(state_ += 0x9E3779B97F4A7C15ULL); }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  double normal() {
    const double u1 = std::max(uniform(), 1e-300), u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * kPi * u2);
  }
  bool chance(double p) { return uniform() < p; }

 private:
  uint64_t state_;
};

inline cv::Scalar lerp(const cv::Scalar& a, const cv::Scalar& b, double t) { return a + (b - a) * t; }
inline cv::Scalar jitter(Rng& r, const cv::Scalar& c, double amount) {
  cv::Scalar out;
  for (int i = 0; i < 3; ++i) out[i] = std::clamp(c[i] + r.uniform(-amount, amount), 0.0, 255.0);
  return out;
}
inline cv::Scalar scaled(const cv::Scalar& c, double f) {
  return cv::Scalar(std::min(255.0, c[0] * f), std::min(255.0, c[1] * f), std::min(255.0, c[2] * f));
}

enum Au { kBrowRaise, kBrowLower, kSmile, kLipsPart, kEyeClosure, kAuCount };

// Everything fixed by the identity, in canonical units (the image is [0,1]^2, ArcFace-like).
struct Identity {
  double cx = 0.5, cy, rx, ry, jaw;
  double eye_dx, eye_y, eye_w, eye_h, iris_r;
  double brow_gap, brow_thick, brow_tilt, brow_len;
  double nose_y, nose_w;
  double mouth_y, mouth_w, lip_t;
  double hairline;
  int hair_style;  // 0 none, 1 short, 2 long
  bool bangs, glasses, beard, dark_hair;
  cv::Scalar skin, hair, brow, iris, lips, frame;
  double au_pref[kAuCount];
};

// The identity's fixed traits, a pure function of (seed, id).
Identity make_identity(uint64_t seed, int64_t id);

// Canonical face coordinates -> pixels: a yaw-like turn (horizontal compression, features shifted
// by their depth), then a similarity (zoom, roll, shift) into the size x size frame.
struct Frame {
  double cx, cy, yaw_scale, yaw_shift, size;
  cv::Matx23d a;
  cv::Point2d operator()(double u, double v, double depth) const {
    const double x = cx + (u - cx) * yaw_scale + yaw_shift * depth;
    return {(a(0, 0) * x + a(0, 1) * v + a(0, 2)) * size, (a(1, 0) * x + a(1, 1) * v + a(1, 2)) * size};
  }
};

class Canvas {
 public:
  Canvas(int size, const cv::Scalar& background)
      : image(size, size, CV_8UC3, background), region(size, size, CV_8U, cv::Scalar(0)) {}

  void fill(const std::vector<cv::Point2d>& pts, const cv::Scalar& color, Region r) {
    std::vector<cv::Point> fixed = to_fixed(pts);
    const cv::Point* p = fixed.data();
    const int n = static_cast<int>(fixed.size());
    cv::fillPoly(image, &p, &n, 1, color, cv::LINE_AA, kShift);
    cv::fillPoly(region, &p, &n, 1, cv::Scalar(static_cast<int>(r)), cv::LINE_8, kShift);
  }
  void line(const std::vector<cv::Point2d>& pts, const cv::Scalar& color, int thickness, bool closed,
            Region r, bool mark_region) {
    std::vector<cv::Point> fixed = to_fixed(pts);
    const cv::Point* p = fixed.data();
    const int n = static_cast<int>(fixed.size());
    cv::polylines(image, &p, &n, 1, closed, color, thickness, cv::LINE_AA, kShift);
    if (mark_region)
      cv::polylines(region, &p, &n, 1, closed, cv::Scalar(static_cast<int>(r)), thickness, cv::LINE_8, kShift);
  }

  cv::Mat image, region;

 private:
  static constexpr int kShift = 4;  // sub-pixel vertex precision: 1/16 pixel
  static std::vector<cv::Point> to_fixed(const std::vector<cv::Point2d>& pts) {
    std::vector<cv::Point> out;
    out.reserve(pts.size());
    for (const auto& q : pts) out.emplace_back(cvRound(q.x * 16.0), cvRound(q.y * 16.0));
    return out;
  }
};

inline std::vector<cv::Point2d> ellipse(const Frame& F, double cx, double cy, double rx, double ry,
                                 double depth, int n = 20) {
  std::vector<cv::Point2d> out;
  for (int i = 0; i < n; ++i) {
    const double t = 2.0 * kPi * i / n;
    out.push_back(F(cx + rx * std::cos(t), cy + ry * std::sin(t), depth));
  }
  return out;
}

// Face outline at angle t (0 = image right, pi/2 = chin); the lower half narrows towards the jaw.
inline cv::Point2d outline(const Identity& f, double t) {
  const double s = std::sin(t);
  const double narrow = s > 0 ? 1.0 - f.jaw * s * s : 1.0;
  return {f.cx + f.rx * std::cos(t) * narrow, f.cy + f.ry * s};
}

// Quadratic curve from a to b whose midpoint (t = 0.5) has height mid_y.
inline cv::Point2d curve(const cv::Point2d& a, const cv::Point2d& b, double mid_y, double t) {
  const cv::Point2d c((a.x + b.x) / 2, 2 * mid_y - (a.y + b.y) / 2);
  return a * ((1 - t) * (1 - t)) + c * (2 * t * (1 - t)) + b * (t * t);
}


}  // namespace facerep::data::synthetic
