#include "eval/viz_mae.h"

#include <cmath>
#include <filesystem>

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/error.h"
#include "data/batch.h"
#include "data/masking.h"
#include "data/transform_normalize.h"
#include "losses/mae_core.h"
#include "models/vit.h"

namespace facerep::eval {
namespace {

// [B,N,p*p*C] <-> [B,C,H,W], MAE's (row, column, channel) patch layout.
at::Tensor to_patches(const at::Tensor& x, int64_t p) {
  const int64_t b = x.size(0), c = x.size(1), g = x.size(2) / p;
  return x.reshape({b, c, g, p, g, p}).permute({0, 2, 4, 3, 5, 1}).reshape({b, g * g, p * p * c});
}
at::Tensor from_patches(const at::Tensor& x, int64_t p, int64_t c) {
  const int64_t b = x.size(0), g = static_cast<int64_t>(std::llround(std::sqrt(x.size(1))));
  return x.reshape({b, g, g, p, p, c}).permute({0, 5, 1, 3, 2, 4}).reshape({b, c, g * p, g * p});
}

at::Tensor to_uint8(const at::Tensor& normalised, const std::vector<double>& mean,
                    const std::vector<double>& std) {
  at::Tensor x = normalised.to(at::kCPU, at::kFloat).clone();
  for (int64_t c = 0; c < x.size(1); ++c) {
    const double m = mean.size() == 1 ? mean[0] : mean.at(c), s = std.size() == 1 ? std[0] : std.at(c);
    x.select(1, c).mul_(s).add_(m);
  }
  x = (x * 255.0).round().clamp(0, 255).to(at::kByte);
  return x.size(1) == 1 ? x.repeat({1, 3, 1, 1}) : x;
}

cv::Mat to_bgr(const at::Tensor& rgb_chw) {
  const at::Tensor hwc = rgb_chw.permute({1, 2, 0}).contiguous();
  cv::Mat rgb(static_cast<int>(hwc.size(0)), static_cast<int>(hwc.size(1)), CV_8UC3, hwc.data_ptr<uint8_t>());
  cv::Mat bgr;
  cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);
  return bgr;
}

}  // namespace

MaeVizImages mae_viz_images(const MaeVizInput& in) {
  const at::Tensor images = in.images.to(at::kCPU, at::kFloat);
  const int64_t c = images.size(1), p = in.patch;
  const at::Tensor target = to_patches(images, p);
  at::Tensor pred = in.pred.to(at::kCPU, at::kFloat);
  if (in.norm_pix) {
    // The decoder predicts (x - mean) / sqrt(var + eps) per patch: undo with the true statistics.
    const at::Tensor mean = target.mean(-1, true);
    const at::Tensor var = target.var(-1, /*unbiased=*/true, /*keepdim=*/true);
    pred = pred * (var + 1e-6).sqrt() + mean;
  }
  const at::Tensor removed = in.mask.to(at::kCPU, at::kFloat).unsqueeze(-1);
  MaeVizImages out;
  out.original = to_uint8(images, in.mean, in.std);
  const at::Tensor masked = from_patches(target * (1 - removed), p, c);
  out.masked = to_uint8(masked, in.mean, in.std);
  // Removed patches: mid-grey in the displayed image.
  const at::Tensor shown_mask = from_patches(removed.expand_as(target), p, c).select(1, 0).unsqueeze(1);
  out.masked = at::where(shown_mask.expand_as(out.masked) > 0, at::full_like(out.masked, 128), out.masked);
  out.reconstruction = to_uint8(from_patches(target * (1 - removed) + pred * removed, p, c), in.mean, in.std);
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
  if (!cv::imwrite(path, grid)) throw core::RuntimeError("cannot write PNG " + path);
}

losses::MaeReconstruction reconstruct_masked(models::Backbone& model, losses::MaskedReconstructor& reconstructor,
                                             const data::Batch& batch, const data::Masker& masker, uint64_t seed) {
  at::Generator gen = at::detail::createCPUGenerator(seed);
  const data::PatchMask mask = masker.make(batch, losses::patch_grid(losses::as_vit(model, "reconstruction")), gen);
  return reconstructor.reconstruct(model, batch.images, mask);
}

MaeVizImages reconstruction_images(models::Backbone& model, const losses::MaeReconstruction& r,
                                   const at::Tensor& images, bool norm_pix,
                                   const data::NormalizeOptions& normalization) {
  MaeVizInput in;
  in.images = images;
  in.pred = r.pred;
  in.mask = r.mask.mask;
  in.patch = losses::as_vit(model, "reconstruction").patch_size();
  in.norm_pix = norm_pix;
  in.mean = normalization.mean;
  in.std = normalization.std;
  return mae_viz_images(in);
}

}  // namespace facerep::eval
