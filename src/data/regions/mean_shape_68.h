#pragma once
// The mean 68-point iBUG face shape in the ArcFace 112x112 frame, so faces with only five
// landmarks get the same part polygons as faces with 68 (face_regions.cpp fits it to their five).
#include <vector>

#include <opencv2/core/types.hpp>

namespace facerep::data {

// 68 points, iBUG order, pixels of a 112x112 ArcFace-aligned crop.
const std::vector<cv::Point2f>& mean_shape_68();

}  // namespace facerep::data
