#pragma once
// Facial-region maps drawn from landmarks, for faces that come without a parser's map. A region
// map holds one data::Region value per pixel (data/sample.h).
#include <vector>

#include <ATen/core/Tensor.h>
#include <opencv2/core/mat.hpp>

#include "data/batch.h"

namespace facerep::data {

// A region map of a face from its landmarks (pixel coordinates x0,y0,x1,y1,...).
// 68 iBUG points: polygons, each part the convex hull of its own contour (jaw + forehead for the
// skin, brow bands, eye and lip contours, nose bridge + nostrils), hair above the face.
// 5 points (eye, eye, nose tip, mouth corner, mouth corner, in any left/right order): ellipses
// scaled by the inter-ocular distance d:
//   eyes: ellipses 0.24d x 0.12d around each eye; brows: ellipses 0.28d x 0.08d, 0.32d above
//   each eye; nose: ellipse from the eye line to just below the tip, 0.18d wide; mouth: ellipse
//   through both corners, 0.14d tall; skin: ellipse centred between eyes and mouth, 0.95d x 1.45d
//   (its contour is the face boundary); hair: the band above the skin ellipse, up to 0.6d higher.
// Throws RuntimeError for other point counts or degenerate points (eyes on top of each other).
cv::Mat region_map_from_landmarks(const std::vector<float>& xy, int height, int width);

// [B,H,W] uint8 region maps for a batch: batch.region_map where region_mask says so, else drawn
// from batch.landmarks. Throws RuntimeError naming the sample path when a sample has neither.
at::Tensor batch_region_maps(const Batch& batch);

}  // namespace facerep::data
