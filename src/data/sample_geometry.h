#pragma once
// Geometry shared by the geometric transforms: one crop-and-resize that moves the image, the
// landmarks and the region map together.
//
// Landmark convention: (x, y) in pixels with pixel centres at integer coordinates (pixel (0,0)
// covers [-0.5, 0.5)). A crop at (x0, y0) resized by (sx, sy) maps x to (x - x0 + 0.5) * sx - 0.5,
// which is where OpenCV's resize (half-pixel centres) puts the pixel's content.
#include <opencv2/core/types.hpp>

#include "data/sample.h"

namespace facerep::data {

// Crops `roi` (may extend past the image: the outside is zero pixels and background regions)
// and resizes it to `out` (bilinear for the image, nearest for the region map).
void crop_resize_sample(Sample& sample, const cv::Rect& roi, const cv::Size& out);

// Throws core::RuntimeError naming sample.path unless the image is present, the landmark list
// has an even length and the region map (if any) matches the image size.
void check_sample_geometry(const Sample& sample, const char* transform);

}  // namespace facerep::data
