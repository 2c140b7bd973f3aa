#include "data/transforms/normalize.h"

#include <array>

#include <ATen/ATen.h>

#include "core/error.h"

namespace facerep::data {

namespace {
// lut[c][v] = (v / 255 - mean_c) / std_c for RGB channel c.
std::array<std::array<float, 256>, 3> make_lut(const NormalizeOptions& o) {
  std::array<std::array<float, 256>, 3> lut{};
  for (int c = 0; c < 3; ++c)
    for (int v = 0; v < 256; ++v)
      lut[c][v] = static_cast<float>((v / 255.0 - o.mean_at(c)) / o.std_at(c));
  return lut;
}

void bad_layout(const cv::Mat& image, const std::string& path) {
  throw core::RuntimeError("normalize: " + path + ": unsupported image layout (depth " +
                           std::to_string(image.depth()) + ", " + std::to_string(image.channels()) +
                           " channels); expected 8-bit grey/BGR or float RGB");
}
}  // namespace

void write_chw_rgb(const cv::Mat& image, const NormalizeOptions& options, float* out,
                   const std::string& path) {
  const int h = image.rows, w = image.cols;
  const size_t plane = static_cast<size_t>(h) * w;
  if (image.depth() == CV_8U && (image.channels() == 3 || image.channels() == 1)) {
    const auto lut = make_lut(options);
    const bool grey = image.channels() == 1;
    for (int y = 0; y < h; ++y) {
      const uint8_t* row = image.ptr<uint8_t>(y);
      float* r = out + static_cast<size_t>(y) * w;
      float* g = r + plane;
      float* b = g + plane;
      for (int x = 0; x < w; ++x) {
        if (grey) {
          r[x] = lut[0][row[x]];
          g[x] = lut[1][row[x]];
          b[x] = lut[2][row[x]];
        } else {
          b[x] = lut[2][row[3 * x]];  // OpenCV stores BGR
          g[x] = lut[1][row[3 * x + 1]];
          r[x] = lut[0][row[3 * x + 2]];
        }
      }
    }
  } else if (image.type() == CV_32FC3) {
    for (int y = 0; y < h; ++y) {
      const float* row = image.ptr<float>(y);
      for (int x = 0; x < w; ++x)
        for (int c = 0; c < 3; ++c) out[c * plane + static_cast<size_t>(y) * w + x] = row[3 * x + c];
    }
  } else {
    bad_layout(image, path);
  }
}

void Normalize::apply(Sample& sample, std::mt19937_64&) const {
  const cv::Mat& in = sample.image;
  if (in.empty() || in.depth() != CV_8U || (in.channels() != 3 && in.channels() != 1)) {
    if (in.type() == CV_32FC3)
      throw core::RuntimeError("normalize: " + sample.path + ": image is already normalised (listed twice?)");
    bad_layout(in, sample.path);
  }
  const auto lut = make_lut(o_);
  cv::Mat out(in.rows, in.cols, CV_32FC3);
  const bool grey = in.channels() == 1;
  for (int y = 0; y < in.rows; ++y) {
    const uint8_t* row = in.ptr<uint8_t>(y);
    float* dst = out.ptr<float>(y);
    for (int x = 0; x < in.cols; ++x) {
      const uint8_t r = grey ? row[x] : row[3 * x + 2];
      const uint8_t g = grey ? row[x] : row[3 * x + 1];
      const uint8_t b = grey ? row[x] : row[3 * x];
      dst[3 * x] = lut[0][r];
      dst[3 * x + 1] = lut[1][g];
      dst[3 * x + 2] = lut[2][b];
    }
  }
  sample.image = out;
}

at::Tensor denormalize_to_uint8(const at::Tensor& images, const NormalizeOptions& options) {
  at::Tensor x = images.to(at::kCPU, at::kFloat).clone();
  for (int64_t c = 0; c < x.size(1); ++c)
    x.select(1, c).mul_(options.std_at(static_cast<int>(c))).add_(options.mean_at(static_cast<int>(c)));
  x = (x * 255.0).round().clamp(0, 255).to(at::kByte);
  return x.size(1) == 1 ? x.repeat({1, 3, 1, 1}) : x;
}

}  // namespace facerep::data
