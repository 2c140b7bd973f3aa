#include "data/regions/region_transform.h"

#include "core/error.h"
#include "data/regions/face_regions.h"
#include "data/transforms/face_align.h"

namespace facerep::data {

FaceRegions::FaceRegions(const FaceRegionsOptions& o) : o_(o) {
  if (o_.from == "template" && o_.points.empty()) {
    // The ArcFace template is defined on a 112x112 crop; as fractions it fits any aligned crop.
    for (const cv::Point2f& p : arcface_template(112)) {
      o_.points.push_back(p.x / 112.0);
      o_.points.push_back(p.y / 112.0);
    }
  }
}

void FaceRegions::apply(Sample& sample, std::mt19937_64& rng) const {
  (void)rng;
  if (o_.keep_existing && !sample.region_map.empty()) return;
  const int h = sample.image.rows, w = sample.image.cols;
  std::vector<float> xy;
  if (o_.from == "landmarks") {
    if (sample.landmarks.empty())
      throw core::RuntimeError("sample " + sample.path +
                               ": face_regions (from: landmarks) needs landmarks and this sample has none; "
                               "for aligned crops without landmarks use from: template");
    xy = sample.landmarks;
  } else {
    for (size_t i = 0; i < o_.points.size(); ++i)
      xy.push_back(static_cast<float>(o_.points[i] * (i % 2 == 0 ? w : h)));
  }
  try {
    sample.region_map = region_map_from_landmarks(xy, h, w);
  } catch (const core::RuntimeError& e) {
    throw core::RuntimeError("sample " + sample.path + ": face_regions: " + e.what());
  }
}

}  // namespace facerep::data
