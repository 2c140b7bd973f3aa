#pragma once
// One face sample as the data layer hands it around before collation: the image plus every label
// its source has. Missing labels are empty / -1 and are reported as such by the collated masks.
#include <cstdint>
#include <string>
#include <vector>

#include <opencv2/core/mat.hpp>

namespace facerep::data {

// Facial-region classes of a region map (CV_8U, same size as the image). Values are stable:
// they are written to disk by the packed format and the synthetic generator.
enum class Region : uint8_t {
  kBackground = 0,
  kSkin = 1,
  kLeftBrow = 2,
  kRightBrow = 3,
  kLeftEye = 4,
  kRightEye = 5,
  kNose = 6,
  kMouth = 7,   // lips and mouth interior
  kHair = 8,
  kNeck = 9,
  kGlasses = 10,
  kCount = 11,
};
// "Left"/"right" are the subject's own, as in iBUG/ArcFace conventions: the subject's left eye
// appears on the image's right side. Horizontal flips swap them.

struct Sample {
  cv::Mat image;               // CV_8UC3 BGR (or CV_8UC1 grey before conversion)
  int64_t identity = -1;       // class index, -1 when unknown
  std::vector<float> attributes;  // multi-label in {0,1}; empty when absent
  std::vector<float> aus;         // action-unit / expression labels in [0,1]; empty when absent
  std::vector<float> values;      // scalar labels (e.g. a light direction); empty when absent
  std::vector<float> landmarks;   // x0,y0,x1,y1,... in pixels of `image`; empty when absent
  cv::Mat region_map;             // CV_8U Region values, same size as image; empty when absent
  std::string path;               // where it came from (file path, "synthetic:<id>/<index>", ...)
  int64_t index = -1;             // index within its source
};

}  // namespace facerep::data
