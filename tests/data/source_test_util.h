#pragma once
// Helpers for the source/io tests: capture an error message, write raw bytes, encode images.
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <opencv2/core/mat.hpp>
#include <opencv2/imgcodecs.hpp>

#include "core/error.h"

namespace facerep::testing {

// JPEG start-of-scan marker: the entropy-coded image data follows it.
inline constexpr uint8_t kJpegStartOfScan[] = {0xFF, 0xDA};

// The message of the core::RuntimeError / ConfigError `f` throws, or "" when it throws nothing.
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const core::RuntimeError& e) {
    return std::string("RuntimeError: ") + e.what();
  } catch (const core::ConfigError& e) {
    return std::string("ConfigError: ") + e.what();
  }
  return "";
}

inline void write_bytes(const std::string& path, const std::vector<uint8_t>& bytes) {
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

inline std::vector<uint8_t> encode(const cv::Mat& image, const std::string& ext) {
  std::vector<uint8_t> out;
  cv::imencode(ext, image, out);
  return out;
}

// A smooth, non-constant test picture (gradients survive JPEG well).
inline cv::Mat gradient_image(int w, int h, int seed = 0) {
  cv::Mat m(h, w, CV_8UC3);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      m.at<cv::Vec3b>(y, x) = cv::Vec3b(static_cast<uint8_t>((x * 255) / w), static_cast<uint8_t>((y * 255) / h),
                                        static_cast<uint8_t>((seed * 40 + x + y) % 256));
  return m;
}

}  // namespace facerep::testing
