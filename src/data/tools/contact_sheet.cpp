#include "data/tools/contact_sheet.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include <opencv2/imgproc.hpp>

#include "core/config_tree.h"
#include "core/error.h"
#include "data/tools/dataset_tools.h"
#include "data/formats/image_io.h"
#include "data/register.h"
#include "data/transforms/flip.h"
#include "data/transforms/normalize.h"

namespace facerep::data {

namespace {

// BGR colours for Region values; background stays untinted.
const cv::Vec3b kRegionColours[] = {
    {0, 0, 0},       {160, 200, 230}, {0, 140, 255}, {255, 140, 0}, {0, 0, 255},   {255, 0, 0},
    {0, 255, 255},   {180, 0, 255},   {60, 60, 60},  {120, 180, 120}, {255, 255, 0}};

cv::Mat to_display_bgr(const Sample& s, const NormalizeOptions& norm) {
  const cv::Mat& in = s.image;
  cv::Mat out;
  if (in.type() == CV_8UC3) {
    out = in.clone();
  } else if (in.type() == CV_8UC1) {
    cv::cvtColor(in, out, cv::COLOR_GRAY2BGR);
  } else if (in.type() == CV_32FC3) {  // normalised RGB: x * std + mean, back to bytes
    out.create(in.size(), CV_8UC3);
    for (int y = 0; y < in.rows; ++y)
      for (int x = 0; x < in.cols; ++x) {
        const cv::Vec3f v = in.at<cv::Vec3f>(y, x);
        for (int c = 0; c < 3; ++c)
          out.at<cv::Vec3b>(y, x)[2 - c] = cv::saturate_cast<uint8_t>((v[c] * norm.std_at(c) + norm.mean_at(c)) * 255.0);
      }
  } else {
    throw core::RuntimeError("data show: " + s.path + ": cannot display image type " + std::to_string(in.type()));
  }
  return out;
}

// Which side each landmark's pair puts it on: -1 image-left, +1 image-right, 0 unpaired.
std::vector<int> landmark_sides(size_t points, const std::string& path) {
  std::vector<int> sides(points, 0);
  if (points != 5 && points != 68) return sides;
  const auto& perm = flip_permutation(points, path);
  for (size_t i = 0; i < points; ++i)
    if (perm[i] != static_cast<int>(i)) sides[i] = perm[i] > static_cast<int>(i) ? -1 : 1;
  return sides;
}

}  // namespace

cv::Mat draw_sample(const Sample& sample, const NormalizeOptions& normalization, int min_side) {
  cv::Mat image = to_display_bgr(sample, normalization);
  if (!sample.region_map.empty() && sample.region_map.size() == image.size()) {
    for (int y = 0; y < image.rows; ++y)
      for (int x = 0; x < image.cols; ++x) {
        const uint8_t r = sample.region_map.at<uint8_t>(y, x);
        if (r == 0 || r >= static_cast<uint8_t>(Region::kCount)) continue;
        cv::Vec3b& p = image.at<cv::Vec3b>(y, x);
        for (int c = 0; c < 3; ++c) p[c] = static_cast<uint8_t>(0.6 * p[c] + 0.4 * kRegionColours[r][c]);
      }
  }
  const double scale = std::max(1.0, std::ceil(static_cast<double>(min_side) / std::min(image.cols, image.rows)));
  if (scale > 1) cv::resize(image, image, cv::Size(), scale, scale, cv::INTER_NEAREST);
  const size_t points = sample.landmarks.size() / 2;
  const std::vector<int> sides = landmark_sides(points, sample.path);
  for (size_t i = 0; i < points; ++i) {
    // Pixel centre (x, y) sits at ((x + 0.5) * scale) in the enlarged image.
    const cv::Point2d p((sample.landmarks[2 * i] + 0.5) * scale, (sample.landmarks[2 * i + 1] + 0.5) * scale);
    const cv::Scalar colour = sides[i] < 0 ? cv::Scalar(0, 0, 255) : sides[i] > 0 ? cv::Scalar(0, 200, 0)
                                                                                  : cv::Scalar(0, 255, 255);
    cv::circle(image, cv::Point(static_cast<int>(std::lround(p.x)), static_cast<int>(std::lround(p.y))),
               std::max(2, static_cast<int>(scale)), colour, cv::FILLED, cv::LINE_AA);
  }
  return image;
}

cv::Mat render_contact_sheet(const Dataset& dataset, const ContactSheetOptions& options) {
  const int64_t n = dataset.size();
  if (n < 1) throw core::RuntimeError("data show: the dataset is empty");
  const int64_t count = std::min<int64_t>(options.count, n);
  std::vector<cv::Mat> cells;
  std::vector<std::string> captions;
  for (int64_t k = 0; k < count; ++k) {
    const int64_t index = k * n / count;
    auto views = dataset.get(index, options.epoch);
    if (!views) continue;  // skipped: already logged by the dataset
    for (size_t v = 0; v < views->size(); ++v) {
      const Sample& s = (*views)[v];
      cells.push_back(draw_sample(s, dataset.normalization(), options.min_cell));
      captions.push_back("#" + std::to_string(index) + (s.identity >= 0 ? " id " + std::to_string(s.identity) : "") +
                         (views->size() > 1 ? " v" + std::to_string(v) : ""));
    }
  }
  if (cells.empty()) throw core::RuntimeError("data show: every chosen sample was skipped");
  int cell_w = 0, cell_h = 0;
  for (const auto& c : cells) cell_w = std::max(cell_w, c.cols), cell_h = std::max(cell_h, c.rows);
  const int caption_h = 16, gap = 4;
  const int cols = static_cast<int>(std::ceil(std::sqrt(static_cast<double>(cells.size()))));
  const int rows = static_cast<int>((cells.size() + cols - 1) / cols);
  cv::Mat sheet(rows * (cell_h + caption_h + gap) + gap, cols * (cell_w + gap) + gap, CV_8UC3, cv::Scalar(40, 40, 40));
  for (size_t i = 0; i < cells.size(); ++i) {
    const int x = gap + static_cast<int>(i % cols) * (cell_w + gap);
    const int y = gap + static_cast<int>(i / cols) * (cell_h + caption_h + gap);
    cells[i].copyTo(sheet(cv::Rect(x, y, cells[i].cols, cells[i].rows)));
    cv::putText(sheet, captions[i], cv::Point(x + 2, y + cell_h + caption_h - 4), cv::FONT_HERSHEY_SIMPLEX, 0.4,
                cv::Scalar(230, 230, 230), 1, cv::LINE_AA);
  }
  return sheet;
}

std::shared_ptr<Dataset> preview_dataset(const std::string& path, uint64_t seed) {
  const core::ConfigTree tree = core::ConfigTree::load_string(
      "transforms: [{type: random_resized_crop, size: 112, scale: [0.35, 1]}, {type: horizontal_flip},"
      " {type: color_jitter}]\n",
      "data show defaults");
  DatasetOptions options = core::read_options<DatasetOptions>(tree, tree.root(), "");
  return std::make_shared<Dataset>(open_source_path(path), build_transforms(options.transforms), options, seed);
}

}  // namespace facerep::data
