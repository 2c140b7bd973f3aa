#include "data/synthetic/face_draw.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

namespace facerep::data::synthetic {

FaceDrawing::FaceDrawing(const Identity& identity, uint64_t image_key, const SyntheticFaceOptions& options)
    : f(identity),
      r(image_key),
      nz(options.nuisance),
      S(options.size),
      au_labels(draw_expression(options.expression_bias, options.au_identity_tie, options.expression_strength)),
      F(draw_pose()),
      canvas(S, draw_background()),
      px(std::max(1, cvRound(S / 112.0))) {}

// Expression units: identity preference mixed with an identity-independent base rate, or (with
// probability `tie`) the identity's fixed pattern: the units it prefers strongly (au_pref > 0.5).
std::vector<float> FaceDrawing::draw_expression(double bias, double tie, double strength) {
  bias = std::clamp(bias, 0.0, 1.0);
  std::vector<float> labels(kAuCount);
  const bool tied = tie > 0 && r.chance(tie);  // no draw at tie 0: older images unchanged
  for (int k = 0; k < kAuCount; ++k) {
    const bool on = tied ? f.au_pref[k] > 0.5 : r.chance((1 - bias) * 0.3 + bias * f.au_pref[k]);
    au[k] = on ? r.uniform(0.55, 1.0) : 0.0;
    labels[k] = on ? 1.0f : 0.0f;
  }
  if (au[kBrowRaise] > 0 && au[kBrowLower] > 0) {  // antagonists: keep the stronger one (a fixed one when tied)
    const int drop = tied || au[kBrowRaise] >= au[kBrowLower] ? kBrowLower : kBrowRaise;
    au[drop] = 0;
    labels[drop] = 0;
  }
  if (strength != 1.0)
    for (double& a : au) a *= strength;
  return labels;
}

// Nuisance pose: roll, zoom, shift and a yaw-like turn.
Frame FaceDrawing::draw_pose() {
  const double roll = r.normal() * 0.12 * nz;
  const double zoom = 0.84 * (1.0 + r.uniform(-0.08, 0.08) * nz);
  const double tx = r.uniform(-0.04, 0.04) * nz, ty = r.uniform(-0.04, 0.04) * nz;
  const double yaw = std::clamp(r.normal() * 0.25 * nz, -0.6, 0.6);
  Frame frame;
  frame.cx = f.cx;
  frame.cy = f.cy;
  frame.yaw_scale = 1.0 - 0.3 * std::abs(yaw);
  frame.yaw_shift = yaw * 0.09;
  frame.size = S;
  const double c = std::cos(roll) * zoom, s = std::sin(roll) * zoom;
  const double ox = 0.5, oy = 0.55;  // rotate about the face centre, keep it near the image centre
  frame.a = cv::Matx23d(c, -s, 0.5 + tx - (c * ox - s * oy), s, c, 0.52 + ty - (s * ox + c * oy));
  return frame;
}

cv::Scalar FaceDrawing::draw_background() {
  // One expression as before: the order in which the compiler evaluates the three draws is part
  // of the output, so it must not be split into statements.
  return jitter(r, cv::Scalar(r.uniform(60, 200), r.uniform(60, 200), r.uniform(60, 200)), 20);
}

void FaceDrawing::set68(int i, const cv::Point2d& p) {
  lm68[2 * i] = static_cast<float>(p.x);
  lm68[2 * i + 1] = static_cast<float>(p.y);
}

std::vector<cv::Point2d> FaceDrawing::mapped(const std::vector<cv::Point2d>& canon, double depth) const {
  std::vector<cv::Point2d> out;
  for (const auto& p : canon) out.push_back(F(p.x, p.y, depth));
  return out;
}

void FaceDrawing::draw_head_and_hair() {
  if (f.hair_style == 2)
    canvas.fill(ellipse(F, f.cx, f.cy + 0.06, f.rx * 1.28, f.ry * 1.12, -0.1, 24), f.hair, Region::kHair);
  canvas.fill(mapped({{f.cx - f.rx * 0.5, f.cy + f.ry * 0.5}, {f.cx + f.rx * 0.5, f.cy + f.ry * 0.5},
                      {f.cx + f.rx * 0.55, 1.4}, {f.cx - f.rx * 0.55, 1.4}}, 0.0),
              scaled(f.skin, 0.82), Region::kNeck);
  if (f.hair_style > 0)
    canvas.fill(ellipse(F, f.cx, f.cy - f.ry * 0.22, f.rx * 1.08, f.ry * 0.86, -0.1, 24), f.hair, Region::kHair);
  std::vector<cv::Point2d> face;
  for (int i = 0; i < 32; ++i) {
    const cv::Point2d p = outline(f, 2.0 * kPi * i / 32);
    face.push_back(F(p.x, p.y, 0.0));
  }
  canvas.fill(face, f.skin, Region::kSkin);
}

void FaceDrawing::draw_fringe() {
  if (f.hair_style <= 0) return;
  const double line_y = f.cy - f.ry + f.hairline + (f.bangs ? 0.09 : 0.0);
  std::vector<cv::Point2d> fringe;
  const double t0 = kPi + 0.55, t1 = 2 * kPi - 0.55;
  for (int i = 0; i <= 12; ++i) fringe.push_back(outline(f, t0 + (t1 - t0) * i / 12));
  const cv::Point2d right = fringe.back(), left = fringe.front();
  for (int i = 1; i < 12; ++i) fringe.push_back(curve(right, left, line_y, i / 12.0));
  canvas.fill(mapped(fringe, 0.0), f.hair, Region::kHair);
}

void FaceDrawing::draw_beard() {
  if (!f.beard) return;
  std::vector<cv::Point2d> beard;
  for (int i = 0; i <= 12; ++i) beard.push_back(outline(f, 0.25 + (kPi - 0.5) * i / 12));
  const cv::Point2d left = beard.back(), right = beard.front();
  for (int i = 1; i < 12; ++i) beard.push_back(curve(left, right, f.nose_y + 0.05, i / 12.0));
  canvas.fill(mapped(beard, 0.2), scaled(f.hair, 0.9), Region::kHair);
}

// The image-left eye is the subject's right eye.
void FaceDrawing::draw_eyes() {
  // Never fully shut (nor inverted) when expression_strength exaggerates the closure.
  const double eye_h = f.eye_h * std::max(0.05, 1.0 - 0.85 * au[kEyeClosure]);
  for (int side = 0; side < 2; ++side) {
    const double sx = side == 0 ? -1.0 : 1.0;
    const double ex = f.cx + sx * f.eye_dx, ey = f.eye_y;
    const Region reg = side == 0 ? Region::kRightEye : Region::kLeftEye;
    canvas.fill(ellipse(F, ex, ey, f.eye_w, eye_h, 0.3, 20), cv::Scalar(232, 236, 240), reg);
    const double ir = std::min(f.iris_r, eye_h);
    canvas.fill(ellipse(F, ex, ey, ir, ir, 0.3, 14), f.iris, reg);
    canvas.fill(ellipse(F, ex, ey, ir * 0.45, ir * 0.45, 0.3, 10), cv::Scalar(15, 15, 15), reg);
    std::vector<cv::Point2d> lid;
    for (int i = 0; i <= 10; ++i) {
      const double t = kPi + kPi * i / 10;
      lid.push_back(F(ex + f.eye_w * std::cos(t), ey + eye_h * std::sin(t), 0.3));
    }
    canvas.line(lid, scaled(f.skin, 0.45), px, false, reg, false);
    eye_centre[side] = F(ex, ey, 0.3);
    // iBUG: 36-41 image-left eye from its outer corner clockwise; 42-47 image-right eye from its inner corner.
    const double k = std::sqrt(1.0 - 1.0 / 9.0) * eye_h, w = f.eye_w;
    const int b = side == 0 ? 36 : 42;
    set68(b + 0, F(ex - w, ey, 0.3));
    set68(b + 1, F(ex - w / 3, ey - k, 0.3));
    set68(b + 2, F(ex + w / 3, ey - k, 0.3));
    set68(b + 3, F(ex + w, ey, 0.3));
    set68(b + 4, F(ex + w / 3, ey + k, 0.3));
    set68(b + 5, F(ex - w / 3, ey + k, 0.3));
  }
}

// Raised by AU1/2, lowered and drawn together (inner ends down) by AU4.
void FaceDrawing::draw_brows() {
  for (int side = 0; side < 2; ++side) {
    const double sx = side == 0 ? -1.0 : 1.0;
    const double base_y = f.eye_y - f.brow_gap - 0.03 * au[kBrowRaise] + 0.012 * au[kBrowLower];
    const double inner_drop = 0.018 * au[kBrowLower];
    std::vector<cv::Point2d> top, bottom, centre;
    for (int i = 0; i < 5; ++i) {
      const double t = i / 4.0;  // 0 = inner end, 1 = outer end
      const double x = f.cx + sx * (f.eye_dx - f.brow_len + 2 * f.brow_len * t - 0.01 * au[kBrowLower] * (1 - t));
      const double y = base_y - 0.012 * std::sin(kPi * t) + f.brow_tilt * (t - 0.5) + inner_drop * (1 - t);
      const double th = f.brow_thick * (1.0 - 0.35 * t);
      centre.emplace_back(x, y);
      top.emplace_back(x, y - th / 2);
      bottom.emplace_back(x, y + th / 2);
    }
    std::vector<cv::Point2d> band = top;
    band.insert(band.end(), bottom.rbegin(), bottom.rend());
    canvas.fill(mapped(band, 0.3), f.brow, side == 0 ? Region::kRightBrow : Region::kLeftBrow);
    // iBUG 17-21 run left to right over the image-left brow (outer to inner), 22-26 inner to outer.
    for (int i = 0; i < 5; ++i) {
      if (side == 0) set68(17 + i, F(centre[4 - i].x, centre[4 - i].y, 0.3));
      else set68(22 + i, F(centre[i].x, centre[i].y, 0.3));
    }
  }
}

// A bridge widening to the base; tip at nose_y.
void FaceDrawing::draw_nose() {
  const double top_y = f.eye_y + 0.005, base_y = f.nose_y + 0.02;
  std::vector<cv::Point2d> nose = {F(f.cx - 0.012, top_y, 0.5), F(f.cx + 0.012, top_y, 0.5),
                                   F(f.cx + f.nose_w, base_y, 0.8), F(f.cx, base_y + 0.008, 0.9),
                                   F(f.cx - f.nose_w, base_y, 0.8)};
  canvas.fill(nose, scaled(f.skin, 0.9), Region::kNose);
  for (int side = -1; side <= 1; side += 2)
    canvas.fill(ellipse(F, f.cx + side * f.nose_w * 0.5, base_y - 0.004, f.nose_w * 0.28, 0.007, 0.8, 10),
                scaled(f.skin, 0.45), Region::kNose);
  for (int i = 0; i < 4; ++i) set68(27 + i, F(f.cx, top_y + (f.nose_y - top_y) * i / 3.0, 0.5 + 0.5 * i / 3.0));
  for (int i = 0; i < 5; ++i) {
    const double u = (i - 2) / 2.0;
    set68(31 + i, F(f.cx + u * f.nose_w * 0.75, base_y + 0.008 * (1 - std::abs(u)), 0.8 + 0.1 * (1 - std::abs(u))));
  }
  nose_tip = F(f.cx, f.nose_y, 1.0);
}

// A smile (AU12) raises and widens the corners, lips part (AU25) opens it.
void FaceDrawing::draw_mouth() {
  const double open = 0.035 * au[kLipsPart];
  const double mw = f.mouth_w * (1 + 0.12 * au[kSmile]), my = f.mouth_y;
  const cv::Point2d L(f.cx - mw, my - 0.028 * au[kSmile]), R(f.cx + mw, my - 0.028 * au[kSmile]);
  const double up_out = my - f.lip_t - open / 2, up_in = my - open / 2 + 0.006 * au[kSmile];
  const double lo_in = my + open / 2 + 0.006 * au[kSmile], lo_out = my + 1.3 * f.lip_t + open / 2 + 0.008 * au[kSmile];
  std::vector<cv::Point2d> outer, inner;
  for (int i = 0; i <= 12; ++i) outer.push_back(curve(L, R, up_out, i / 12.0));
  for (int i = 11; i >= 1; --i) outer.push_back(curve(L, R, lo_out, i / 12.0));
  canvas.fill(mapped(outer, 0.5), f.lips, Region::kMouth);
  for (int i = 0; i <= 12; ++i) inner.push_back(curve(L, R, up_in, i / 12.0));
  if (open > 0.004) {
    for (int i = 11; i >= 1; --i) inner.push_back(curve(L, R, lo_in, i / 12.0));
    canvas.fill(mapped(inner, 0.5), cv::Scalar(40, 30, 70), Region::kMouth);
  } else {
    canvas.line(mapped(inner, 0.5), scaled(f.lips, 0.55), px, false, Region::kMouth, false);
  }
  auto at = [&](double y, double t) { const cv::Point2d p = curve(L, R, y, t); return F(p.x, p.y, 0.5); };
  set68(48, F(L.x, L.y, 0.5));
  set68(54, F(R.x, R.y, 0.5));
  for (int i = 1; i <= 5; ++i) set68(48 + i, at(up_out, i / 6.0));
  for (int i = 1; i <= 5; ++i) set68(54 + i, at(lo_out, 1.0 - i / 6.0));
  set68(60, at(up_in, 0.04));
  set68(64, at(up_in, 0.96));
  for (int i = 1; i <= 3; ++i) set68(60 + i, at(up_in, i / 4.0));
  for (int i = 1; i <= 3; ++i) set68(64 + i, at(lo_in, 1.0 - i / 4.0));
}

void FaceDrawing::draw_glasses() {
  if (!f.glasses) return;
  const int thick = std::max(1, cvRound(S * 0.014));
  for (int side = -1; side <= 1; side += 2)
    canvas.line(ellipse(F, f.cx + side * f.eye_dx, f.eye_y, f.eye_w * 1.55, f.eye_w * 1.2, 0.35, 24),
                f.frame, thick, true, Region::kGlasses, true);
  canvas.line({F(f.cx - f.eye_dx + f.eye_w * 1.55, f.eye_y, 0.4), F(f.cx + f.eye_dx - f.eye_w * 1.55, f.eye_y, 0.4)},
              f.frame, thick, false, Region::kGlasses, true);
}

// From the image-left ear level round the chin to the image right.
void FaceDrawing::jaw_landmarks() {
  for (int i = 0; i <= 16; ++i) {
    const cv::Point2d p = outline(f, kPi - kPi * i / 16.0);
    set68(i, F(p.x, p.y, 0.0));
  }
}

// Drawn as background: the region map shows what is visible.
void FaceDrawing::draw_occluder() {
  if (!r.chance(std::min(1.0, 0.2 * nz))) return;
  const double w = r.uniform(0.12, 0.3), h = r.uniform(0.12, 0.3);
  const double x0 = r.uniform(0.15, 0.85 - w), y0 = r.uniform(0.2, 0.95 - h);
  canvas.fill({{x0 * S, y0 * S}, {(x0 + w) * S, y0 * S}, {(x0 + w) * S, (y0 + h) * S}, {x0 * S, (y0 + h) * S}},
              jitter(r, cv::Scalar(128, 128, 128), 100), Region::kBackground);
}

void FaceDrawing::apply_lighting() {
  cv::Mat& img = canvas.image;
  const double strength = r.uniform(0.0, 0.5) * nz, angle = r.uniform(0.0, 2 * kPi);
  const double brightness = 1.0 + r.normal() * 0.08 * nz;
  const double gx = strength * std::cos(angle) / S, gy = strength * std::sin(angle) / S;
  for (int y = 0; y < S; ++y) {
    uint8_t* row = img.ptr<uint8_t>(y);
    const double base = brightness + gy * (y - S / 2.0);
    for (int x = 0; x < S; ++x) {
      const double g = base + gx * (x - S / 2.0);
      for (int ch = 0; ch < 3; ++ch) row[3 * x + ch] = cv::saturate_cast<uint8_t>(row[3 * x + ch] * g);
    }
  }
}

// Gaussian blur, then Gaussian pixel noise, each only when strong enough to show.
void FaceDrawing::apply_blur_and_noise() {
  cv::Mat& img = canvas.image;
  const double blur = r.uniform(0.0, 1.0) * nz * S / 112.0;
  if (blur > 0.35) cv::GaussianBlur(img, img, cv::Size(0, 0), blur);
  const double noise = r.uniform(0.0, 7.0) * nz;
  if (noise > 0.5) {
    cv::Mat n(S, S, CV_16SC3);
    cv::RNG noise_rng(r.next());
    noise_rng.fill(n, cv::RNG::NORMAL, 0.0, noise);
    cv::add(img, n, img, cv::noArray(), CV_8UC3);
  }
}

SyntheticFace FaceDrawing::finish() {
  SyntheticFace out;
  out.image = canvas.image;
  out.region_map = canvas.region;
  out.landmarks68 = std::move(lm68);
  const cv::Point2d five[5] = {eye_centre[0], eye_centre[1], nose_tip,
                               {out.landmarks68[96], out.landmarks68[97]},
                               {out.landmarks68[108], out.landmarks68[109]}};
  for (const auto& p : five) {
    out.landmarks5.push_back(static_cast<float>(p.x));
    out.landmarks5.push_back(static_cast<float>(p.y));
  }
  out.attributes = {f.glasses ? 1.f : 0.f, f.beard ? 1.f : 0.f, f.hair_style == 2 ? 1.f : 0.f,
                    f.dark_hair && f.hair_style > 0 ? 1.f : 0.f, f.bangs ? 1.f : 0.f};
  out.aus = std::move(au_labels);
  return out;
}

}  // namespace facerep::data::synthetic
