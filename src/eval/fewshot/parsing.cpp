#include "eval/fewshot/parsing.h"

#include <algorithm>
#include <random>

#include <torch/torch.h>

#include "core/error.h"
#include "data/sample.h"
#include "eval/fewshot/metrics.h"
#include "eval/portable_random.h"

namespace facerep::eval::fewshot {
namespace {

namespace F = torch::nn::functional;

constexpr int64_t kParsingImageChunk = 64;  // bounds the [images, classes, S, S] temporaries

// [n, C, h, w] -> [n*h*w, C] float32: one probe row per location, image-major, row-major cells.
at::Tensor location_rows(const at::Tensor& maps) {
  return maps.to(torch::kCPU, torch::kFloat).permute({0, 2, 3, 1}).reshape({-1, maps.size(1)});
}

// The location rows a probe is fitted on: every location when they fit in `max_locations`, else
// the same number per image, drawn without replacement from `seed`.
std::vector<int64_t> kept_locations(int64_t images, int64_t cells, int64_t max_locations, uint64_t seed) {
  std::vector<int64_t> out;
  const int64_t per_image = images * cells <= max_locations ? cells : std::max<int64_t>(1, max_locations / images);
  std::mt19937_64 rng(seed);
  std::vector<int64_t> order(static_cast<size_t>(cells));
  for (int64_t i = 0; i < images; ++i) {
    for (int64_t c = 0; c < cells; ++c) order[c] = c;
    if (per_image < cells) shuffle_in_place(order, rng);
    std::vector<int64_t> chosen(order.begin(), order.begin() + per_image);
    std::sort(chosen.begin(), chosen.end());
    for (int64_t c : chosen) out.push_back(i * cells + c);
  }
  return out;
}

}  // namespace

int64_t parsing_classes() { return static_cast<int64_t>(data::Region::kCount); }

at::Tensor majority_grid(const at::Tensor& regions, int64_t h, int64_t w, int64_t classes) {
  if (regions.dim() != 3) throw core::ConfigError("parsing: region maps must be [n, S, S], got " + c10::str(regions.sizes()));
  const at::Tensor labels = regions.to(torch::kCPU, torch::kLong);
  std::vector<at::Tensor> out;
  for (int64_t start = 0; start < labels.size(0); start += kParsingImageChunk) {
    const at::Tensor one_hot = torch::one_hot(labels.slice(0, start, start + kParsingImageChunk), classes)
                                   .permute({0, 3, 1, 2})
                                   .to(torch::kFloat);
    // Area fraction of every class in every cell; argmax returns the first maximum (lower class).
    out.push_back(F::adaptive_avg_pool2d(one_hot, F::AdaptiveAvgPool2dFuncOptions({h, w})).argmax(1));
  }
  return out.empty() ? torch::zeros({0, h, w}, torch::kLong) : torch::cat(out, 0);
}

at::Tensor dense_linear_predict(const at::Tensor& train_maps, const at::Tensor& train_regions,
                                const at::Tensor& query_maps, int64_t classes, DenseProbeOptions options) {
  if (train_maps.dim() != 4 || query_maps.dim() != 4 || train_maps.size(0) != train_regions.size(0) ||
      train_maps.sizes().slice(1) != query_maps.sizes().slice(1))
    throw core::ConfigError("parsing: expected training maps [n, C, h, w], region maps [n, S, S] and query maps "
                            "[m, C, h, w], got " + c10::str(train_maps.sizes()) + ", " +
                            c10::str(train_regions.sizes()) + ", " + c10::str(query_maps.sizes()));
  if (options.max_locations < 1) throw core::ConfigError("parsing: max_locations must be >= 1");
  const int64_t n = train_maps.size(0), h = train_maps.size(2), w = train_maps.size(3);
  const int64_t side_h = train_regions.size(1), side_w = train_regions.size(2);
  const at::Tensor keep = torch::tensor(kept_locations(n, h * w, options.max_locations, options.probe.seed), torch::kLong);
  const at::Tensor x = location_rows(train_maps).index_select(0, keep);
  const at::Tensor y = majority_grid(train_regions, h, w, classes).reshape({-1}).index_select(0, keep);
  options.probe.task = ProbeTask::kClassification;
  options.probe.num_classes = classes;
  LinearProbe probe(options.probe);
  probe.fit(x, y);

  std::vector<at::Tensor> out;
  const auto up = F::InterpolateFuncOptions()
                      .size(std::vector<int64_t>{side_h, side_w})
                      .mode(torch::kBilinear)
                      .align_corners(false);
  for (int64_t start = 0; start < query_maps.size(0); start += kParsingImageChunk) {
    const at::Tensor chunk = query_maps.slice(0, start, start + kParsingImageChunk);
    const at::Tensor scores = probe.predict(location_rows(chunk)).view({chunk.size(0), h, w, classes}).permute({0, 3, 1, 2});
    out.push_back(F::interpolate(scores, up).argmax(1));
  }
  return out.empty() ? torch::zeros({0, side_h, side_w}, torch::kLong) : torch::cat(out, 0);
}

std::map<std::string, double> parsing_metrics(const at::Tensor& pred, const at::Tensor& target, int64_t classes) {
  if (pred.sizes() != target.sizes())
    throw core::RuntimeError("parsing: predicted maps " + c10::str(pred.sizes()) + " do not match the targets " +
                             c10::str(target.sizes()));
  const at::Tensor p = pred.to(torch::kCPU, torch::kLong), t = target.to(torch::kCPU, torch::kLong);
  return {{"miou", mean_iou(p, t, classes)},
          {"pixel_accuracy", t.numel() > 0 ? p.eq(t).to(torch::kDouble).mean().item<double>() : 0.0}};
}

}  // namespace facerep::eval::fewshot
