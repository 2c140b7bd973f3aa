#pragma once
// face_regions: gives each sample a facial-region map (data/sample.h Region values), so
// region-aware masking (CRFR-P) runs on faces that come without a face parser's map:
//   from: landmarks  drawn from the sample's own 5 or 68 points (face_regions.h);
//   from: template   drawn from fixed points placed on the crop, for aligned, pre-cropped faces
//                    with no landmarks at all (ORL, Yale B cropped, Georgia Tech, ...).
// One list may mix databases framed differently: `datasets` chooses from/points by a piece of the
// sample's path (first entry that matches), the top-level from/points serve every other sample.
// Place it after the geometric transforms that frame the face (resize, align) and before random
// crops and flips, which then move the map with the image.
// `facerep data show CONFIG` overlays the maps so the choice can be checked by eye.
#include <string>
#include <vector>

#include "data/transforms/transform.h"

namespace facerep::data {

// Where one sample's region map comes from: its landmarks or five template points.
struct RegionSource {
  std::string from = "landmarks";
  std::vector<double> points;  // template: fractions of width and height; empty = ArcFace's

  // Visits from/points at the visitor's level (shared by the transform and its `datasets` entries).
  template <class V> void visit_fields(V& v) {
    v("from", from,
      "landmarks (the sample's 5 or 68 points) or template (fixed points on the crop, for aligned faces "
      "without landmarks)")
        .one_of({"landmarks", "template"});
    v("points", points,
      "template: x0,y0,...,x4,y4 of right eye, left eye, nose tip, right and left mouth corner as fractions "
      "of the image width and height ([] = the ArcFace 112x112 alignment template)");
    v.require(points.empty() || points.size() == 10, "points",
              "needs 10 numbers (5 points), got " + std::to_string(points.size()));
    bool inside = true;
    for (double p : points) inside = inside && p >= 0.0 && p <= 1.0;
    v.require(inside, "points", "fractions of the image size must lie in [0, 1]");
  }
};

// One `datasets` entry: samples whose path contains `match` take this entry's from/points.
struct DatasetRegionSource {
  std::string match;
  RegionSource source;

  template <class V> void visit(V& v) {
    v("match", match, "a piece of the sample path naming the dataset, e.g. /orl/").non_empty();
    source.visit_fields(v);
  }
};

struct FaceRegionsOptions {
  RegionSource source;
  std::vector<DatasetRegionSource> datasets;
  bool keep_existing = true;

  template <class V> void visit(V& v) {
    source.visit_fields(v);
    v.sections("datasets", datasets,
               "per-dataset choice: {match, from, points}; the first entry whose match is in the sample's "
               "path wins, others use the top-level from/points");
    v("keep_existing", keep_existing, "leave a sample's own region map (from a face parser) as it is");
  }
};

class FaceRegions : public Transform {
 public:
  explicit FaceRegions(const FaceRegionsOptions& o);
  void apply(Sample& sample, std::mt19937_64& rng) const override;

 private:
  const RegionSource& source_for(const std::string& path) const;

  FaceRegionsOptions o_;
};

}  // namespace facerep::data
