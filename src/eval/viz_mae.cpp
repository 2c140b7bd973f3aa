#include "eval/viz_mae.h"

#include <filesystem>

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/error.h"
#include "data/formats/image_io.h"
#include "data/batch.h"
#include "data/transforms/normalize.h"
#include "losses/mae_core.h"
#include "losses/reconstruction.h"
#include "models/masked_encoder.h"

namespace facerep::eval {
namespace {

cv::Mat to_bgr(const at::Tensor& rgb_chw) {
  const at::Tensor hwc = rgb_chw.permute({1, 2, 0}).contiguous();
  cv::Mat rgb(static_cast<int>(hwc.size(0)), static_cast<int>(hwc.size(1)), CV_8UC3, hwc.data_ptr<uint8_t>());
  cv::Mat bgr;
  cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);
  return bgr;
}

}  // namespace

MaeVizImages MaeVizImages::first(int64_t n) const {
  return {original.slice(0, 0, n), masked.slice(0, 0, n), reconstruction.slice(0, 0, n)};
}

MaeVizImages mae_viz_images(const MaeVizInput& in) {
  const at::Tensor images = in.images.to(at::kCPU, at::kFloat);
  const models::PatchLayout& layout = in.layout;
  const at::Tensor patches = layout.patchify(images);
  const at::Tensor pred = losses::targets_to_pixels(in.pred.to(at::kCPU, at::kFloat), images, layout, in.norm_pix);
  const at::Tensor removed = in.mask.to(at::kCPU, at::kFloat).unsqueeze(-1);
  MaeVizImages out;
  out.original = data::denormalize_to_uint8(images, in.normalization);
  // Removed patches: mid-grey in the displayed image.
  const at::Tensor shown_mask = layout.patch_map(in.mask.to(at::kCPU, at::kFloat)) > 0;
  out.masked = at::where(shown_mask.expand_as(out.original), at::full_like(out.original, 128), out.original);
  out.reconstruction = data::denormalize_to_uint8(layout.unpatchify(patches * (1 - removed) + pred * removed),
                                                  in.normalization);
  return out;
}

cv::Mat mae_grid(const std::vector<MaeVizImages>& blocks, const std::vector<std::string>& labels,
                 int min_cell) {
  std::vector<cv::Mat> rows;
  for (size_t k = 0; k < blocks.size(); ++k) {
    const MaeVizImages& b = blocks[k];
    for (int64_t i = 0; i < b.original.size(0); ++i) {
      std::vector<cv::Mat> cells;
      for (const at::Tensor* t : {&b.original, &b.masked, &b.reconstruction}) {
        cv::Mat cell = to_bgr((*t)[i]);
        const int scale = std::max(1, (min_cell + cell.rows - 1) / cell.rows);
        cv::resize(cell, cell, cv::Size(), scale, scale, cv::INTER_NEAREST);
        cv::copyMakeBorder(cell, cell, 2, 2, 2, 2, cv::BORDER_CONSTANT, cv::Scalar(255, 255, 255));
        cells.push_back(cell);
      }
      if (k < labels.size())
        cv::putText(cells[1], labels[k], cv::Point(4, 14), cv::FONT_HERSHEY_SIMPLEX, 0.4,
                    cv::Scalar(0, 0, 255), 1);
      cv::Mat row;
      cv::hconcat(cells, row);
      rows.push_back(row);
    }
  }
  FACEREP_CHECK(!rows.empty(), "viz: nothing to draw");
  cv::Mat grid;
  cv::vconcat(rows, grid);
  return grid;
}

void write_png(const cv::Mat& grid, const std::string& path) {
  const auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent);
  data::write_image(path, grid);
}

losses::MaeReconstruction reconstruct_masked(models::Backbone& model, losses::MaskedReconstructor& reconstructor,
                                             const data::Batch& batch, const losses::Masker& masker, uint64_t seed) {
  at::Generator gen = at::detail::createCPUGenerator(seed);
  const models::MaskedEncoder& encoder = models::require_masked_encoder(model, "reconstruction");
  const losses::PatchMask mask = masker.make(batch, encoder.patch_layout(), gen);
  return reconstructor.reconstruct(model, batch.images, mask);
}

MaeVizImages reconstruction_images(models::Backbone& model, const losses::MaeReconstruction& r,
                                   const at::Tensor& images, bool norm_pix,
                                   const data::NormalizeOptions& normalization) {
  MaeVizInput in;
  in.images = images;
  in.pred = r.pred;
  in.mask = r.mask.mask;
  in.layout = models::require_masked_encoder(model, "reconstruction").patch_layout();
  in.norm_pix = norm_pix;
  in.normalization = normalization;
  return mae_viz_images(in);
}

}  // namespace facerep::eval
