#include "data/regions/face_regions.h"

#include <cmath>
#include <cstring>

#include <ATen/ATen.h>
#include <opencv2/imgproc.hpp>

#include "core/error.h"
#include "data/sample.h"

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

}  // namespace

cv::Mat region_map_from_landmarks(const std::vector<float>& xy, int height, int width) {
  const size_t points = xy.size() / 2;
  FACEREP_CHECK(xy.size() % 2 == 0 && (points == 5 || points == 68),
                "region map from landmarks needs 5 or 68 points, got " + std::to_string(points));
  auto pt = [&](size_t i) { return cv::Point2f(xy[2 * i], xy[2 * i + 1]); };
  auto mean = [&](size_t from, size_t to) {
    cv::Point2f s(0, 0);
    for (size_t i = from; i < to; ++i) s += pt(i);
    return s * (1.0f / static_cast<float>(to - from));
  };
  cv::Point2f eye_a, eye_b, nose, mouth_a, mouth_b;
  if (points == 5) {
    eye_a = pt(0), eye_b = pt(1), nose = pt(2), mouth_a = pt(3), mouth_b = pt(4);
  } else {  // iBUG 68: eye contours 36-41 and 42-47, nose tip 30, mouth corners 48 and 54
    eye_a = mean(36, 42), eye_b = mean(42, 48), nose = pt(30), mouth_a = pt(48), mouth_b = pt(54);
  }
  if (eye_a.x > eye_b.x) std::swap(eye_a, eye_b);
  FaceFrame f;
  const cv::Point2f eye_vec = eye_b - eye_a;
  f.d = std::hypot(eye_vec.x, eye_vec.y);
  FACEREP_CHECK(f.d >= 1.0f, "landmark eyes are less than a pixel apart");
  f.ex = eye_vec * (1.0f / f.d);
  f.ey = cv::Point2f(-f.ex.y, f.ex.x);
  f.angle_deg = static_cast<float>(std::atan2(f.ex.y, f.ex.x) * 180.0 / M_PI);
  const cv::Point2f eye_mid = (eye_a + eye_b) * 0.5f, mouth_mid = (mouth_a + mouth_b) * 0.5f;

  cv::Mat map(height, width, CV_8U, cv::Scalar(cls(Region::kBackground)));
  const cv::Point2f face_centre = f.at((eye_mid + mouth_mid) * 0.5f, 0.0f, -0.15f);
  if (points == 68) {
    std::vector<cv::Point2f> all;
    for (size_t i = 0; i < 68; ++i) all.push_back(pt(i));
    // Hair: the upper cap only, so none shows beside a jaw narrower than the ellipse.
    fill_ellipse(&map, f, f.at(face_centre, 0.0f, -0.6f), 1.05f * f.d, 0.85f * f.d, Region::kHair);
    draw_68_point_parts(&map, all, f);
    return map;
  }
  // Hair first: the skin ellipse drawn next leaves only the band above (and beside) the face.
  fill_ellipse(&map, f, f.at(face_centre, 0.0f, -0.6f), 1.05f * f.d, 1.45f * f.d, Region::kHair);
  fill_ellipse(&map, f, face_centre, 0.95f * f.d, 1.45f * f.d, Region::kSkin);
  fill_ellipse(&map, f, f.at(eye_a, 0, -0.32f), 0.28f * f.d, 0.08f * f.d, Region::kRightBrow);
  fill_ellipse(&map, f, f.at(eye_b, 0, -0.32f), 0.28f * f.d, 0.08f * f.d, Region::kLeftBrow);
  fill_ellipse(&map, f, eye_a, 0.24f * f.d, 0.12f * f.d, Region::kRightEye);
  fill_ellipse(&map, f, eye_b, 0.24f * f.d, 0.12f * f.d, Region::kLeftEye);
  const cv::Point2f nose_top = f.at(eye_mid, 0, 0.15f), nose_bottom = f.at(nose, 0, 0.1f);
  const cv::Point2f nose_vec = nose_bottom - nose_top;
  fill_ellipse(&map, f, (nose_top + nose_bottom) * 0.5f, 0.18f * f.d,
               0.5f * std::hypot(nose_vec.x, nose_vec.y), Region::kNose);
  const cv::Point2f mouth_vec = mouth_b - mouth_a;
  fill_ellipse(&map, f, mouth_mid, 0.55f * std::hypot(mouth_vec.x, mouth_vec.y), 0.14f * f.d,
               Region::kMouth);
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
