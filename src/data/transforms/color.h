#pragma once
// Photometric transforms on 8-bit BGR (or grey) images: color_jitter, grayscale, gaussian_blur.
// They leave landmarks and region maps alone and must come before `normalize`.
#include <vector>

#include "data/transforms/transform.h"

namespace facerep::data {

// torchvision's ColorJitter: brightness, contrast, saturation and hue factors drawn uniformly
// ([max(0, 1 - x), 1 + x], hue in [-hue, hue] of a full turn) and applied in a random order.
struct ColorJitterOptions {
  double brightness = 0.4;
  double contrast = 0.4;
  double saturation = 0.4;
  double hue = 0.0;
  double p = 1.0;
  template <class V> void visit(V& v) {
    v("brightness", brightness, "brightness factor spread").min(0.0);
    v("contrast", contrast, "contrast factor spread").min(0.0);
    v("saturation", saturation, "saturation factor spread").min(0.0);
    v("hue", hue, "hue shift spread, as a fraction of a full turn").min(0.0).max(0.5);
    v("p", p, "probability of jittering at all").min(0.0).max(1.0);
  }
};

class ColorJitter : public Transform {
 public:
  explicit ColorJitter(const ColorJitterOptions& o) : o_(o) {}
  void apply(Sample& sample, std::mt19937_64& rng) const override;
  bool augments() const override { return true; }
  bool needs_uint8() const override { return true; }

 private:
  ColorJitterOptions o_;
};

// With probability p, replaces the colours by their luma (ITU-R 601), keeping three channels.
struct GrayscaleOptions {
  double p = 0.1;
  template <class V> void visit(V& v) { v("p", p, "probability of greying").min(0.0).max(1.0); }
};

class Grayscale : public Transform {
 public:
  explicit Grayscale(const GrayscaleOptions& o) : o_(o) {}
  void apply(Sample& sample, std::mt19937_64& rng) const override;
  bool augments() const override { return o_.p < 1.0; }
  bool needs_uint8() const override { return true; }

 private:
  GrayscaleOptions o_;
};

struct GaussianBlurOptions {
  int kernel_size = 5;
  std::vector<double> sigma{0.1, 2.0};
  double p = 1.0;
  template <class V> void visit(V& v) {
    v("kernel_size", kernel_size, "odd kernel width in pixels").min(1);
    v.require(kernel_size % 2 == 1, "kernel_size", "must be odd, got " + std::to_string(kernel_size));
    v("sigma", sigma, "[min, max] standard deviation, drawn uniformly");
    v.require(sigma.size() == 2 && sigma[0] > 0 && sigma[0] <= sigma[1], "sigma",
              "must be [min, max] with 0 < min <= max");
    v("p", p, "probability of blurring").min(0.0).max(1.0);
  }
};

class GaussianBlur : public Transform {
 public:
  explicit GaussianBlur(const GaussianBlurOptions& o) : o_(o) {}
  void apply(Sample& sample, std::mt19937_64& rng) const override;
  bool augments() const override { return true; }
  bool needs_uint8() const override { return true; }

 private:
  GaussianBlurOptions o_;
};

}  // namespace facerep::data
