#pragma once
// Five-point face alignment to the ArcFace template: a least-squares similarity transform
// (rotation, uniform scale, shift; never a reflection) maps the detected points onto the template,
// and the image, landmarks and region map are warped with it.
#include <vector>

#include <opencv2/core/mat.hpp>
#include <opencv2/core/types.hpp>

#include "data/sample.h"

namespace facerep::data {

// The ArcFace 112x112 template in image order: eye on the image's left (the subject's right
// eye), eye on the image's right, nose tip, mouth corner on the image's left, mouth corner on the
// image's right. Scaled by size/112 for other sizes.
std::vector<cv::Point2f> arcface_template(int size);

// The similarity transform (2x3, [a -b tx; b a ty]) minimising sum |T(src_i) - dst_i|^2.
// For 2-D points the rotation+scale block [a -b; b a] is linear in (a, b), so the least-squares
// solution is closed-form and equals Umeyama's estimate without reflection.
// Throws core::RuntimeError when fewer than 2 points are given or the source points coincide.
cv::Matx23d similarity_transform(const std::vector<cv::Point2f>& src,
                                 const std::vector<cv::Point2f>& dst);

// The five alignment points of a landmark vector (x0,y0,...): 5 points are taken as they are
// (ArcFace order), 68 points (iBUG order) give eye centres, nose tip (30) and mouth corners (48, 54).
// Throws core::RuntimeError for other counts.
std::vector<cv::Point2f> five_points(const std::vector<float>& landmarks, const std::string& what);

// Applies `t` to every point of a landmark vector.
std::vector<float> transform_landmarks(const std::vector<float>& landmarks, const cv::Matx23d& t);

// Aligns a sample in place to a size x size crop: image (bilinear), region map (nearest) and
// landmarks (exactly). Throws core::RuntimeError naming sample.path when it has no landmarks.
void align_sample(Sample& sample, int size);

}  // namespace facerep::data
