#include "data/synthetic/face_parts.h"

namespace facerep::data::synthetic {

Identity make_identity(uint64_t seed, int64_t id) {
  Rng r(key(seed, id, -1, 0x1DE7));
  Identity f;
  f.cy = r.uniform(0.53, 0.58);
  f.rx = r.uniform(0.31, 0.40);
  f.ry = r.uniform(0.43, 0.52);
  f.jaw = r.uniform(0.0, 0.35);
  f.eye_dx = r.uniform(0.135, 0.18);
  f.eye_y = r.uniform(0.43, 0.49);
  f.eye_w = r.uniform(0.045, 0.066);
  f.eye_h = r.uniform(0.018, 0.032);
  f.iris_r = r.uniform(0.014, 0.021);
  f.brow_gap = r.uniform(0.05, 0.085);
  f.brow_thick = r.uniform(0.010, 0.026);
  f.brow_tilt = r.uniform(-0.03, 0.03);
  f.brow_len = r.uniform(0.055, 0.08);
  f.nose_y = r.uniform(0.60, 0.68);
  f.nose_w = r.uniform(0.035, 0.065);
  f.mouth_y = r.uniform(0.78, 0.86);
  f.mouth_w = r.uniform(0.095, 0.145);
  f.lip_t = r.uniform(0.010, 0.024);
  f.hairline = r.uniform(0.16, 0.28);
  const double hair_kind = r.uniform();
  f.hair_style = hair_kind < 0.12 ? 0 : hair_kind < 0.6 ? 1 : 2;
  f.bangs = f.hair_style > 0 && r.chance(0.3);
  f.glasses = r.chance(0.3);
  f.beard = r.chance(0.25);
  const double tone = r.uniform();
  f.skin = jitter(r, lerp(cv::Scalar(188, 208, 240), cv::Scalar(52, 82, 128), tone), 12);
  static const cv::Scalar kHair[] = {{20, 20, 25}, {30, 50, 85}, {90, 150, 200}, {40, 70, 160}, {160, 160, 165}};
  const int hair_index = static_cast<int>(r.uniform() * 5) % 5;
  f.dark_hair = hair_index <= 1;
  f.hair = jitter(r, kHair[hair_index], 15);
  f.brow = scaled(f.hair, 0.8);
  static const cv::Scalar kIris[] = {{90, 60, 30}, {60, 110, 60}, {40, 60, 90}, {150, 120, 70}};
  f.iris = jitter(r, kIris[static_cast<int>(r.uniform() * 4) % 4], 20);
  f.lips = jitter(r, cv::Scalar(f.skin[0] * 0.7, f.skin[1] * 0.65, std::min(255.0, f.skin[2] * 0.95)), 10);
  f.frame = r.chance(0.5) ? cv::Scalar(20, 20, 20) : jitter(r, cv::Scalar(60, 90, 140), 40);
  for (double& p : f.au_pref) p = r.chance(0.3) ? r.uniform(0.6, 0.95) : r.uniform(0.0, 0.1);
  return f;
}

}  // namespace facerep::data::synthetic
