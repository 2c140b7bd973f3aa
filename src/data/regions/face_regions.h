#pragma once
// Facial-region maps drawn from landmarks, for faces that come without a parser's map. A region
// map holds one data::Region value per pixel (data/sample.h).
#include <vector>

#include <ATen/core/Tensor.h>
#include <opencv2/core/mat.hpp>

#include "data/batch.h"

namespace facerep::data {

// A region map of a face from its landmarks (pixel coordinates x0,y0,x1,y1,...), as polygons:
// each part is the convex hull of its own contour (jaw + forehead for the skin, brow bands, eye and
// lip contours, nose bridge + nostrils), with a hair cap above the face.
// 68 iBUG points give the contours directly. 5 points (eye, eye, nose tip, mouth corner, mouth
// corner; each pair in either left/right order) place the mean 68-point shape (mean_shape_68.h)
// on them by a similarity transform, so both give the same parts.
// Throws RuntimeError for other point counts or degenerate points (eyes on top of each other).
cv::Mat region_map_from_landmarks(const std::vector<float>& xy, int height, int width);

// [B,H,W] uint8 region maps for a batch: batch.region_map where region_mask says so, else drawn
// from batch.landmarks. Throws RuntimeError naming the sample path when a sample has neither.
at::Tensor batch_region_maps(const Batch& batch);

}  // namespace facerep::data
