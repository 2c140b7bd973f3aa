#include "data/regions/face_regions.h"

#include <cmath>
#include <cstring>

#include <ATen/ATen.h>
#include <opencv2/imgproc.hpp>

#include "core/error.h"
#include "data/regions/mean_shape_68.h"
#include "data/sample.h"
#include "data/transforms/face_align.h"

namespace facerep::data {
namespace {

int cls(Region r) { return static_cast<int>(r); }

// A point in the face's own frame: `along` the eye line and `down` from it, in units of d.
struct FaceFrame {
  cv::Point2f ex, ey;  // unit vectors: along the eye line, and perpendicular pointing down
  float d = 0;
  float angle_deg = 0;
  cv::Point2f at(cv::Point2f origin, float along, float down) const {
    return origin + ex * (along * d) + ey * (down * d);
  }
};

void fill_ellipse(cv::Mat* map, const FaceFrame& f, cv::Point2f centre, float half_along,
                  float half_down, Region r) {
  cv::ellipse(*map, cv::RotatedRect(centre, cv::Size2f(2 * half_along, 2 * half_down), f.angle_deg),
              cv::Scalar(cls(r)), cv::FILLED);
}

void fill_polygon(cv::Mat* map, const std::vector<cv::Point2f>& points, Region r) {
  std::vector<cv::Point> hull, ints;
  for (const auto& p : points) ints.emplace_back(cvRound(p.x), cvRound(p.y));
  cv::convexHull(ints, hull);
  cv::fillConvexPoly(*map, hull, cv::Scalar(cls(r)));
}

// 68 iBUG points: each part is the convex hull of its own contour, so the regions follow this
// face's shape (jaw width, eye opening, lip height) instead of ellipses of fixed proportions.
// Brows get a band 0.1d thick below their line; the skin reaches 0.35d above the brows (forehead).
void draw_68_point_parts(cv::Mat* map, const std::vector<cv::Point2f>& p, const FaceFrame& f) {
  auto range = [&](size_t from, size_t to) { return std::vector<cv::Point2f>(p.begin() + from, p.begin() + to); };
  std::vector<cv::Point2f> skin = range(0, 17);
  for (size_t i = 17; i < 27; ++i) skin.push_back(f.at(p[i], 0, -0.35f));
  fill_polygon(map, skin, Region::kSkin);
  auto brow = [&](size_t from, Region r) {
    std::vector<cv::Point2f> band = range(from, from + 5);
    for (size_t i = from; i < from + 5; ++i) band.push_back(f.at(p[i], 0, 0.1f));
    fill_polygon(map, band, r);
  };
  brow(17, Region::kRightBrow);  // the subject's right: image left in a frontal, unflipped face
  brow(22, Region::kLeftBrow);
  fill_polygon(map, range(36, 42), Region::kRightEye);
  fill_polygon(map, range(42, 48), Region::kLeftEye);
  fill_polygon(map, range(27, 36), Region::kNose);
  fill_polygon(map, range(48, 60), Region::kMouth);
}

// Five points in image order: eye on the image's left, eye on its right, nose tip, mouth corner
// on the left, mouth corner on the right, whatever order they came in (a flip may swap pairs).
std::vector<cv::Point2f> ordered_five(std::vector<cv::Point2f> p) {
  if (p[0].x > p[1].x) std::swap(p[0], p[1]);
  if (p[3].x > p[4].x) std::swap(p[3], p[4]);
  return p;
}

// 5 points: the mean 68-point shape (mean_shape_68.h) placed on them by the least-squares
// similarity transform from its own five points; then each part is moved onto its own point,
// since five points pin more than one similarity can fit: each eye (with its brow) shifts onto its
// eye point, the nose onto the tip (its bridge less, the closer to the eyes), and the lips take the
// exact similarity that puts their corners on the mouth corners. The jaw stays as fitted.
std::vector<cv::Point2f> sixty_eight_from_five(const std::vector<cv::Point2f>& five) {
  static const std::vector<float> mean_xy = [] {
    std::vector<float> xy;
    for (const cv::Point2f& q : mean_shape_68()) xy.push_back(q.x), xy.push_back(q.y);
    return xy;
  }();
  static const std::vector<cv::Point2f> mean_five = five_points(mean_xy, "the mean face shape");
  const std::vector<float> placed_xy = transform_landmarks(mean_xy, similarity_transform(mean_five, five));
  std::vector<cv::Point2f> p;
  for (size_t i = 0; i < 68; ++i) p.emplace_back(placed_xy[2 * i], placed_xy[2 * i + 1]);
  const std::vector<cv::Point2f> fitted = five_points(placed_xy, "the mean face shape");
  auto shift = [&](size_t from, size_t to, cv::Point2f by) {
    for (size_t i = from; i < to; ++i) p[i] += by;
  };
  shift(36, 42, five[0] - fitted[0]), shift(17, 22, five[0] - fitted[0]);
  shift(42, 48, five[1] - fitted[1]), shift(22, 27, five[1] - fitted[1]);
  const cv::Point2f to_tip = five[2] - p[30];
  for (size_t i = 27; i < 30; ++i) p[i] += to_tip * (static_cast<float>(i - 26) / 4.0f);
  shift(30, 36, to_tip);
  std::vector<float> lips_xy;
  for (size_t i = 48; i < 68; ++i) lips_xy.push_back(p[i].x), lips_xy.push_back(p[i].y);
  lips_xy = transform_landmarks(lips_xy, similarity_transform({p[48], p[54]}, {five[3], five[4]}));
  for (size_t i = 48; i < 68; ++i) p[i] = cv::Point2f(lips_xy[2 * (i - 48)], lips_xy[2 * (i - 48) + 1]);
  return p;
}

}  // namespace

cv::Mat region_map_from_landmarks(const std::vector<float>& xy, int height, int width) {
  const size_t points = xy.size() / 2;
  FACEREP_CHECK(xy.size() % 2 == 0 && (points == 5 || points == 68),
                "region map from landmarks needs 5 or 68 points, got " + std::to_string(points));
  const std::vector<cv::Point2f> five = ordered_five(five_points(xy, "region map"));
  FaceFrame f;
  const cv::Point2f eye_vec = five[1] - five[0];
  f.d = std::hypot(eye_vec.x, eye_vec.y);
  FACEREP_CHECK(f.d >= 1.0f, "landmark eyes are less than a pixel apart");
  f.ex = eye_vec * (1.0f / f.d);
  f.ey = cv::Point2f(-f.ex.y, f.ex.x);
  f.angle_deg = static_cast<float>(std::atan2(f.ex.y, f.ex.x) * 180.0 / M_PI);
  std::vector<cv::Point2f> all;
  if (points == 68) {
    for (size_t i = 0; i < 68; ++i) all.emplace_back(xy[2 * i], xy[2 * i + 1]);
  } else {
    all = sixty_eight_from_five(five);
  }
  cv::Mat map(height, width, CV_8U, cv::Scalar(cls(Region::kBackground)));
  // Hair: a cap above the face, drawn first so the skin polygon (jaw + forehead) covers its lower
  // part and none shows beside the jaw.
  const cv::Point2f eye_mid = (five[0] + five[1]) * 0.5f, mouth_mid = (five[3] + five[4]) * 0.5f;
  const cv::Point2f face_centre = f.at((eye_mid + mouth_mid) * 0.5f, 0.0f, -0.15f);
  fill_ellipse(&map, f, f.at(face_centre, 0.0f, -0.7f), 1.05f * f.d, 1.0f * f.d, Region::kHair);
  draw_68_point_parts(&map, all, f);
  return map;
}

at::Tensor batch_region_maps(const Batch& device_batch) {
  const Batch& batch = device_batch.on_host();  // drawn on the host: no read-back from a GPU
  const int64_t b = batch.size(), h = batch.images.size(2), w = batch.images.size(3);
  const bool have_maps = batch.region_map.defined();
  const bool have_marks = batch.landmarks.defined();
  at::Tensor maps = have_maps ? batch.region_map.to(at::kCPU).to(at::kByte).clone()
                              : at::zeros({b, h, w}, at::kByte);
  const at::Tensor map_ok = have_maps && batch.region_mask.defined()
                                ? batch.region_mask.to(at::kCPU).to(at::kBool)
                                : at::full({b}, have_maps, at::kBool);
  const at::Tensor marks_ok = have_marks && batch.landmarks_mask.defined()
                                  ? batch.landmarks_mask.to(at::kCPU).to(at::kBool)
                                  : at::full({b}, have_marks, at::kBool);
  const at::Tensor marks = have_marks ? batch.landmarks.to(at::kCPU).to(at::kFloat).contiguous()
                                      : at::Tensor();
  for (int64_t i = 0; i < b; ++i) {
    if (map_ok[i].item<bool>()) continue;
    if (!marks_ok[i].item<bool>()) {
      const std::string where = i < static_cast<int64_t>(batch.paths.size()) ? batch.paths[i]
                                                                            : "#" + std::to_string(i);
      throw core::RuntimeError("sample " + where +
                               ": region-aware masking (crfr_p) needs a region map or landmarks, "
                               "and this sample has neither");
    }
    const at::Tensor row = marks[i];
    std::vector<float> xy(row.data_ptr<float>(), row.data_ptr<float>() + row.numel());
    cv::Mat m = region_map_from_landmarks(xy, static_cast<int>(h), static_cast<int>(w));
    std::memcpy(maps[i].data_ptr<uint8_t>(), m.data, static_cast<size_t>(h * w));
  }
  return maps;
}

}  // namespace facerep::data
