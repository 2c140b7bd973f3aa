#pragma once
// `facerep data show`: a PNG grid of samples exactly as training sees them (after transforms),
// with landmarks as dots (image-left member of each left/right pair red, image-right green,
// unpaired points yellow: after a correct flip the colours stay on the same image side) and
// region maps as a translucent colour overlay.
#include <cstdint>
#include <memory>
#include <string>

#include <opencv2/core/mat.hpp>

#include "data/dataset.h"

namespace facerep::data {

struct ContactSheetOptions {
  int count = 16;      // samples shown (every view of each)
  int64_t epoch = 0;   // augmentation epoch
  int min_cell = 128;  // cells are upscaled (nearest) to at least this side, for visibility
};

// Renders the grid. Samples are spread evenly over the dataset. Throws core::RuntimeError when a
// sample fails (on_error: fail) or the dataset is empty.
cv::Mat render_contact_sheet(const Dataset& dataset, const ContactSheetOptions& options);

// One sample view as 8-bit BGR with its labels drawn, undoing `normalization` for float images.
cv::Mat draw_sample(const Sample& sample, const NormalizeOptions& normalization, int min_side);

// A bare dataset path (folder, list, .rec, .frp) with a typical training augmentation
// (random resized crop to 112, flip, colour jitter), for `facerep data show PATH`.
std::shared_ptr<Dataset> preview_dataset(const std::string& path, uint64_t seed);

}  // namespace facerep::data
