#pragma once
// One synthetic face being drawn: the per-image state and one step per face part, which
// render_synthetic_face (synthetic/face.cpp) calls in order. The steps that draw from `r` must
// keep their places in that order: an image is a pure function of (seed, identity, index).
#include <cstdint>
#include <vector>

#include <opencv2/core.hpp>

#include "data/synthetic/face.h"
#include "data/synthetic/face_parts.h"

namespace facerep::data::synthetic {

struct FaceDrawing {
  // Draws the expression units, the pose and the background from `r`, in that order.
  FaceDrawing(const Identity& identity, uint64_t image_key, const SyntheticFaceOptions& options);

  void draw_head_and_hair();  // hair behind the head, neck, head
  void draw_fringe();         // the top arc of the face down to the hairline
  void draw_beard();          // the lower face below the nose
  void draw_eyes();           // whites, irises, pupils, upper lids; eye landmarks 36-47
  void draw_brows();          // brow bands moved by the brow AUs; landmarks 17-26
  void draw_nose();           // bridge, base and nostrils; landmarks 27-35
  void draw_mouth();          // lips shaped by smile and lips-part; landmarks 48-67
  void draw_glasses();        // two rims and a bridge
  void jaw_landmarks();       // landmarks 0-16 along the jaw (nothing drawn)
  void draw_occluder();       // sometimes a flat patch over the face
  void apply_lighting();      // a gradient in a random direction plus overall brightness
  void apply_blur_and_noise();
  SyntheticFace finish();     // the image, region map, landmarks (68 and five) and labels

  const Identity f;
  Rng r;
  const double nz;  // options.nuisance
  const int S;      // options.size
  double au[kAuCount];  // expression unit strengths, 0 when off
  std::vector<float> au_labels;
  const Frame F;
  Canvas canvas;
  const int px;  // line thickness that scales with size
  std::vector<float> lm68 = std::vector<float>(136);
  cv::Point2d eye_centre[2], nose_tip;

 private:
  std::vector<float> draw_expression(double bias, double tie, double strength);  // sets au, returns the labels
  Frame draw_pose();
  cv::Scalar draw_background();
  void set68(int i, const cv::Point2d& p);
  std::vector<cv::Point2d> mapped(const std::vector<cv::Point2d>& canon, double depth) const;
};

}  // namespace facerep::data::synthetic
