#include "data/regions/region_transform.h"

#include "core/error.h"
#include "data/regions/face_regions.h"
#include "data/transforms/face_align.h"

namespace facerep::data {
namespace {

// An empty template means the ArcFace one: defined on a 112x112 crop, as fractions it fits any
// aligned crop.
void fill_default_template(RegionSource* s) {
  if (s->from != "template" || !s->points.empty()) return;
  for (const cv::Point2f& p : arcface_template(112)) {
    s->points.push_back(p.x / 112.0);
    s->points.push_back(p.y / 112.0);
  }
}

}  // namespace

FaceRegions::FaceRegions(const FaceRegionsOptions& o) : o_(o) {
  fill_default_template(&o_.source);
  for (DatasetRegionSource& d : o_.datasets) fill_default_template(&d.source);
}

const RegionSource& FaceRegions::source_for(const std::string& path) const {
  for (const DatasetRegionSource& d : o_.datasets)
    if (path.find(d.match) != std::string::npos) return d.source;
  return o_.source;
}

void FaceRegions::apply(Sample& sample, std::mt19937_64& rng) const {
  (void)rng;
  if (o_.keep_existing && !sample.region_map.empty()) return;
  const int h = sample.image.rows, w = sample.image.cols;
  const RegionSource& source = source_for(sample.path);
  std::vector<float> xy;
  if (source.from == "landmarks") {
    if (sample.landmarks.empty())
      throw core::RuntimeError(
          "sample " + sample.path + ": face_regions (from: landmarks) needs landmarks and this sample has none; " +
          (&source != &o_.source ? std::string("its `datasets` entry says from: landmarks")
           : o_.datasets.empty() ? std::string("for aligned crops without landmarks use from: template")
                                 : "no `datasets` entry matches its path, so the top-level from: landmarks applies"));
    xy = sample.landmarks;
  } else {
    for (size_t i = 0; i < source.points.size(); ++i)
      xy.push_back(static_cast<float>(source.points[i] * (i % 2 == 0 ? w : h)));
  }
  try {
    sample.region_map = region_map_from_landmarks(xy, h, w);
  } catch (const core::RuntimeError& e) {
    throw core::RuntimeError("sample " + sample.path + ": face_regions: " + e.what());
  }
}

}  // namespace facerep::data
