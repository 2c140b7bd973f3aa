#pragma once
// Procedural faces for tests and the quickstart: every image is a pure function of
// (seed, identity, index). Identity fixes geometry and appearance (face shape, skin, hair, eyes,
// brows, nose, mouth, glasses, beard, a preferred expression); each image adds nuisance (roll,
// scale, shift, a yaw-like turn, lighting, blur, noise, occlusion) and expression units. All
// shapes are polygons drawn straight into the final frame, so the landmarks and the region map
// are exact rather than estimated.
#include <cstdint>
#include <string>
#include <vector>

#include <opencv2/core/mat.hpp>

namespace facerep::data {

struct SyntheticFaceOptions {
  int size = 112;                // output is size x size BGR
  double expression_bias = 0.5;  // 0: expressions independent of identity; 1: fixed by identity
  // Probability that an image shows its identity's own fixed AU pattern instead of drawn units: a
  // shortcut by construction (AUs predictable from who it is). 0 draws nothing extra, so images
  // stay bit-identical to those made before this option.
  double au_identity_tie = 0.0;
  double expression_strength = 1.0;  // scales how strongly the AUs are drawn (labels unchanged)
  double nuisance = 1.0;         // scales every per-image nuisance; 0 renders the canonical pose
};

struct SyntheticFace {
  cv::Mat image;       // CV_8UC3 BGR
  cv::Mat region_map;  // CV_8U Region values of what is visible (an occluder is background)
  std::vector<float> landmarks5;   // ArcFace order (see arcface_template), pixels
  std::vector<float> landmarks68;  // iBUG 68-point order, pixels
  std::vector<float> attributes;   // synthetic_attribute_names(), each 0 or 1
  std::vector<float> aus;          // synthetic_au_names(), each 0 or 1
};

// "glasses", "beard", "long_hair", "dark_hair", "bangs": properties of the identity.
const std::vector<std::string>& synthetic_attribute_names();
// "brow_raise", "brow_lower", "smile", "lips_part", "eye_closure": per image.
const std::vector<std::string>& synthetic_au_names();

// Renders image `index` of `identity`. Thread-safe (no shared state).
SyntheticFace render_synthetic_face(uint64_t seed, int64_t identity, int64_t index,
                                    const SyntheticFaceOptions& options);

}  // namespace facerep::data
