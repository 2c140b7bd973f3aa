#pragma once
// Per-sample transforms (`data.<split>.transforms: [{type: ...}, ...]`), applied in order to each
// view of a sample. Geometric transforms move the image, the landmarks and the region map
// together. All randomness comes from the generator passed in, which the dataset seeds from
// (seed, epoch, index, view): a sample's augmentation never depends on thread scheduling.
#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>

#include "core/registry.h"
#include "data/sample.h"

namespace facerep::data {

// What a crop-and-resize transform will do to an image, decided before the image is decoded:
// crop `region` (pixels of the image as the source would decode it; it may extend past the image,
// the outside being zeros) and resize it to `output`. Lets the dataset decode only that region
// of a JPEG, at a reduced DCT scale (see roi_decode.h).
struct CropPlan {
  cv::Rect region;
  cv::Size output;
};

class Transform {
 public:
  virtual ~Transform() = default;
  // Transforms `sample` in place. Throws core::RuntimeError naming sample.path on bad input.
  virtual void apply(Sample& sample, std::mt19937_64& rng) const = 0;
  // True when the transform reads 8-bit pixels (colour/blur): it must come before `normalize`,
  // which turns the image into floats. Checked when the dataset is built.
  virtual bool needs_uint8() const { return false; }
  // True for `normalize`: the image leaves it as CV_32FC3 RGB, normalised.
  virtual bool normalizes() const { return false; }
  // True for random augmentations (crops, flips, colour, blur, erasing): inference
  // preprocessing (data/inference.h) leaves them out and keeps the deterministic steps.
  virtual bool augments() const { return false; }
  // For a transform that is exactly one crop_resize_sample (sample_geometry.h) of the sample:
  // draws from `rng` what apply() would draw for an image of `image_size` and returns the crop.
  // Others return std::nullopt and draw nothing.
  virtual std::optional<CropPlan> plan_crop(cv::Size image_size, std::mt19937_64& rng) const {
    (void)image_size;
    (void)rng;
    return std::nullopt;
  }
};

using TransformRegistry = core::Registry<Transform>;
TransformRegistry& transform_registry();

// The generator for one view of one sample: a hash of all four numbers, so neighbouring indices
// or epochs give unrelated streams.
std::mt19937_64 sample_rng(uint64_t seed, int64_t epoch, int64_t index, int64_t view);

// Uniform real in [lo, hi) and Bernoulli(p) on the shared generator. std:: distributions are
// implementation-defined; these are not, so augmentations match across standard libraries.
double uniform(std::mt19937_64& rng, double lo, double hi);
bool chance(std::mt19937_64& rng, double p);
// Uniform integer in [lo, hi] (inclusive).
int64_t uniform_int(std::mt19937_64& rng, int64_t lo, int64_t hi);

}  // namespace facerep::data
