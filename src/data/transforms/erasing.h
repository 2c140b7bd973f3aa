#pragma once
// random_erasing (Zhong et al. 2017, as torchvision's RandomErasing): with probability p, fills a
// rectangle covering `scale` of the area, aspect ratio (height / width) log-uniform in `ratio`.
// Works before or after normalize. Landmarks and region labels are kept: the face is occluded,
// not moved.
#include <string>
#include <vector>

#include "data/transforms/transform.h"

namespace facerep::data {

struct RandomErasingOptions {
  double p = 0.5;
  std::vector<double> scale{0.02, 0.33};
  std::vector<double> ratio{0.3, 3.3};
  std::string value = "zero";

  template <class V> void visit(V& v) {
    v("p", p, "probability of erasing").min(0.0).max(1.0);
    v("scale", scale, "[min, max] fraction of the area erased");
    v.require(scale.size() == 2 && scale[0] > 0 && scale[0] <= scale[1] && scale[1] <= 1, "scale",
              "must be [min, max] with 0 < min <= max <= 1");
    v("ratio", ratio, "[min, max] aspect ratio (height / width) of the rectangle");
    v.require(ratio.size() == 2 && ratio[0] > 0 && ratio[0] <= ratio[1], "ratio",
              "must be [min, max] with 0 < min <= max");
    v("value", value,
      "zero (black before normalize, the mean after) or random (uniform bytes before normalize, "
      "standard normal after)")
        .one_of({"zero", "random"});
  }
};

class RandomErasing : public Transform {
 public:
  explicit RandomErasing(const RandomErasingOptions& o) : o_(o) {}
  void apply(Sample& sample, std::mt19937_64& rng) const override;
  bool augments() const override { return true; }

 private:
  RandomErasingOptions o_;
};

}  // namespace facerep::data
