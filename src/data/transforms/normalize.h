#pragma once
// normalize: turns the 8-bit BGR/grey image into CV_32FC3 RGB with (x / 255 - mean) / std per
// channel. Where normalisation happens: here when the config lists `normalize`, otherwise in
// collation with the default mean = std = 0.5 (images in [-1, 1]). Transforms that need 8-bit
// pixels (colour, blur) must come before it; geometric ones and random_erasing work on both.
#include <vector>

#include <ATen/core/Tensor.h>
#include <opencv2/core/mat.hpp>

#include "data/transforms/transform.h"

namespace facerep::data {

struct NormalizeOptions {
  std::vector<double> mean{0.5, 0.5, 0.5};  // RGB, in units of the [0, 1] scaled image
  std::vector<double> std{0.5, 0.5, 0.5};

  template <class V> void visit(V& v) {
    v("mean", mean, "per-channel mean, RGB, of the image scaled to [0, 1] (one value: all channels)");
    v.require(mean.size() == 1 || mean.size() == 3, "mean", "needs 1 or 3 values");
    v("std", std, "per-channel standard deviation, RGB (one value: all channels)");
    v.require(std.size() == 1 || std.size() == 3, "std", "needs 1 or 3 values");
    for (double s : std) v.require(s > 0, "std", "values must be > 0");
  }
  double mean_at(int c) const { return mean.size() == 1 ? mean[0] : mean.at(c); }
  double std_at(int c) const { return std.size() == 1 ? std[0] : std.at(c); }
};

// Writes `image` as planar RGB float [3, H, W] into `out` (contiguous, 3*H*W floats).
// 8-bit BGR or grey input is normalised with `options`; CV_32FC3 input (already RGB and
// normalised by the transform) is only transposed. Throws core::RuntimeError naming `path`
// for any other layout.
void write_chw_rgb(const cv::Mat& image, const NormalizeOptions& options, float* out,
                   const std::string& path);

// The inverse, for pictures: normalised [B,C,H,W] float images back to uint8 RGB [B,3,H,W] on
// the CPU (grey images repeated to three channels).
at::Tensor denormalize_to_uint8(const at::Tensor& images, const NormalizeOptions& options);

class Normalize : public Transform {
 public:
  explicit Normalize(const NormalizeOptions& o) : o_(o) {}
  void apply(Sample& sample, std::mt19937_64& rng) const override;
  bool normalizes() const override { return true; }
  const NormalizeOptions& options() const { return o_; }

 private:
  NormalizeOptions o_;
};

}  // namespace facerep::data
