#pragma once
// Geometric transforms: resize, center_crop, random_resized_crop. Each moves the landmarks and
// the region map with the image (see sample_geometry.h for the coordinate convention). Each is one
// crop-and-resize whose rectangle depends only on the image size, so each can plan_crop() before
// decoding; apply() is that plan carried out.
#include <string>
#include <vector>

#include "data/transforms/transform.h"

namespace facerep::data {

// `size: [height, width]`, or one number for a square.
struct OutputSize {
  std::vector<int> size{112, 112};

  int height() const { return size.at(0); }
  int width() const { return size.size() > 1 ? size[1] : size[0]; }
  template <class V> void visit_size(V& v, const char* help) {
    v("size", size, help).non_empty();
    v.require(size.size() <= 2, "size", "expects [height, width] or one number");
    for (int s : size) v.require(s >= 1, "size", "sizes must be >= 1, got " + std::to_string(s));
  }
};

struct ResizeOptions : OutputSize {
  template <class V> void visit(V& v) { visit_size(v, "output size [height, width] (one number: square)"); }
};

class Resize : public Transform {
 public:
  explicit Resize(const ResizeOptions& o) : o_(o) {}
  void apply(Sample& sample, std::mt19937_64& rng) const override;
  std::optional<CropPlan> plan_crop(cv::Size image_size, std::mt19937_64& rng) const override;

 private:
  ResizeOptions o_;
};

// Crops the centre; an output larger than the image pads with zeros (as torchvision does).
struct CenterCropOptions : OutputSize {
  template <class V> void visit(V& v) { visit_size(v, "crop size [height, width] (one number: square)"); }
};

class CenterCrop : public Transform {
 public:
  explicit CenterCrop(const CenterCropOptions& o) : o_(o) {}
  void apply(Sample& sample, std::mt19937_64& rng) const override;
  std::optional<CropPlan> plan_crop(cv::Size image_size, std::mt19937_64& rng) const override;

 private:
  CenterCropOptions o_;
};

// torchvision's RandomResizedCrop: a crop covering `scale` of the area with aspect ratio drawn
// log-uniformly from `ratio` (10 tries, then the largest centred crop within `ratio`), resized
// to `size`.
struct RandomResizedCropOptions : OutputSize {
  std::vector<double> scale{0.08, 1.0};
  std::vector<double> ratio{3.0 / 4.0, 4.0 / 3.0};

  template <class V> void visit(V& v) {
    visit_size(v, "output size [height, width] (one number: square)");
    v("scale", scale, "[min, max] fraction of the image area kept");
    v.require(scale.size() == 2 && scale[0] > 0 && scale[0] <= scale[1] && scale[1] <= 1, "scale",
              "must be [min, max] with 0 < min <= max <= 1");
    v("ratio", ratio, "[min, max] aspect ratio (width / height) of the crop");
    v.require(ratio.size() == 2 && ratio[0] > 0 && ratio[0] <= ratio[1], "ratio",
              "must be [min, max] with 0 < min <= max");
  }
};

class RandomResizedCrop : public Transform {
 public:
  explicit RandomResizedCrop(const RandomResizedCropOptions& o) : o_(o) {}
  void apply(Sample& sample, std::mt19937_64& rng) const override;
  bool augments() const override { return true; }
  std::optional<CropPlan> plan_crop(cv::Size image_size, std::mt19937_64& rng) const override;
  // The crop rectangle for an image of `width` x `height` (exposed for tests).
  cv::Rect choose_crop(int width, int height, std::mt19937_64& rng) const;

 private:
  RandomResizedCropOptions o_;
};

}  // namespace facerep::data
