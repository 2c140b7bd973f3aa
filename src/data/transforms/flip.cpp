#include "data/transforms/flip.h"

#include <numeric>
#include <utility>

#include <opencv2/core.hpp>

#include "core/error.h"
#include "data/sample_geometry.h"

namespace facerep::data {

namespace {

// Builds a permutation from the identity and a list of mirrored pairs.
std::vector<int> permutation(int count, const std::vector<std::pair<int, int>>& pairs) {
  std::vector<int> perm(count);
  std::iota(perm.begin(), perm.end(), 0);
  for (const auto& [a, b] : pairs) std::swap(perm[a], perm[b]);
  return perm;
}

// ArcFace 5 points: eye, eye, nose tip, mouth corner, mouth corner (image left first).
const std::vector<int> kFlip5 = permutation(5, {{0, 1}, {3, 4}});

// iBUG 68 points: jaw 0-16, brows 17-26, nose 27-35, eyes 36-47, mouth 48-67.
const std::vector<int> kFlip68 = [] {
  std::vector<std::pair<int, int>> pairs;
  for (int i = 0; i < 8; ++i) pairs.push_back({i, 16 - i});        // jaw
  for (int i = 0; i < 5; ++i) pairs.push_back({17 + i, 26 - i});   // brows
  pairs.insert(pairs.end(), {{31, 35}, {32, 34}});                 // nostrils
  pairs.insert(pairs.end(), {{36, 45}, {37, 44}, {38, 43}, {39, 42}, {40, 47}, {41, 46}});  // eyes
  pairs.insert(pairs.end(), {{48, 54}, {49, 53}, {50, 52}, {55, 59}, {56, 58}});  // outer lip
  pairs.insert(pairs.end(), {{60, 64}, {61, 63}, {65, 67}});                      // inner lip
  return permutation(68, pairs);
}();

// Region value -> its mirror image.
const cv::Mat kRegionMirror = [] {
  cv::Mat lut(1, 256, CV_8U);
  for (int i = 0; i < 256; ++i) lut.at<uint8_t>(i) = static_cast<uint8_t>(i);
  auto swap_values = [&](Region a, Region b) {
    lut.at<uint8_t>(static_cast<int>(a)) = static_cast<uint8_t>(b);
    lut.at<uint8_t>(static_cast<int>(b)) = static_cast<uint8_t>(a);
  };
  swap_values(Region::kLeftBrow, Region::kRightBrow);
  swap_values(Region::kLeftEye, Region::kRightEye);
  return lut;
}();

}  // namespace

const std::vector<int>& flip_permutation(size_t count, const std::string& path) {
  if (count == 5) return kFlip5;
  if (count == 68) return kFlip68;
  throw core::RuntimeError("horizontal_flip: " + path + ": don't know which of " +
                           std::to_string(count) +
                           " landmarks are left/right (supported: 5-point ArcFace, 68-point iBUG)");
}

void flip_sample(Sample& sample) {
  check_sample_geometry(sample, "horizontal_flip");
  const size_t points = sample.landmarks.size() / 2;
  if (points > 0) {
    const std::vector<int>& perm = flip_permutation(points, sample.path);
    const float last_x = static_cast<float>(sample.image.cols - 1);
    std::vector<float> mirrored(sample.landmarks.size());
    for (size_t i = 0; i < points; ++i) {
      mirrored[2 * i] = last_x - sample.landmarks[2 * perm[i]];
      mirrored[2 * i + 1] = sample.landmarks[2 * perm[i] + 1];
    }
    sample.landmarks = std::move(mirrored);
  }
  cv::Mat image;
  cv::flip(sample.image, image, 1);
  sample.image = image;
  if (!sample.region_map.empty()) {
    cv::Mat flipped, swapped;
    cv::flip(sample.region_map, flipped, 1);
    cv::LUT(flipped, kRegionMirror, swapped);
    sample.region_map = swapped;
  }
}

void HorizontalFlip::apply(Sample& sample, std::mt19937_64& rng) const {
  if (chance(rng, o_.p)) flip_sample(sample);
}

}  // namespace facerep::data
