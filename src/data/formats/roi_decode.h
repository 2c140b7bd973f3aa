#pragma once
// Region-of-interest decoding: when a view's first transform is one crop-and-resize (resize,
// center_crop, random_resized_crop), decode only the crop of a JPEG, at the smallest DCT scale
// M/8 (M = 1, 2, 4 or 8) that keeps the crop at least as large as the output, and finish with a
// bilinear resample.
// The crop is planned from the size in the JPEG header with the same draws from the same
// generator as on a full decode, so the rectangle is identical; only the resampling differs
// (libjpeg's DCT downscale replaces part of the bilinear downscale).
#include <cstddef>
#include <cstdint>
#include <random>
#include <string>

#include <opencv2/core/mat.hpp>

#include "data/transforms/transform.h"

namespace facerep::data {

// True when `transform` can plan its crop before decoding (asked once, with a throwaway generator).
bool plans_crop(const Transform& transform);

// Decodes the encoded image `bytes` (as decode_image(bytes, size, what, reduce) would see it)
// with `first` applied, into `image`. Returns false without drawing from `rng` or touching
// `image` when this cannot be done: not a JPEG, a JPEG libjpeg alone cannot decode like OpenCV
// (CMYK, EXIF-rotated), a reduce factor decode_image would reject, or a transform that plans no
// crop; the caller then decodes in full. Throws decode_image's errors for bad bytes.
bool decode_planned(const uint8_t* bytes, size_t size, int reduce, const std::string& what,
                    const Transform& first, std::mt19937_64& rng, cv::Mat& image);

}  // namespace facerep::data
