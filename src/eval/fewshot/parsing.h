#pragma once
// Face parsing on frozen feature maps: a per-location linear classifier (a 1x1 convolution:
// multinomial logistic regression on each location's C features), scored by mean IoU over the
// region classes (data::Region) and pixel accuracy at the label size.
//
// Training targets: the region map reduced to the feature grid by majority, i.e. the class
// covering most of each cell's pixels (argmax of the per-class area fractions, ties to the lower
// class). Nearest neighbour would take one pixel per cell and so miss thin parts (brows, lips)
// or land on a boundary; the majority is the class a per-cell classifier should answer.
// Prediction: class probabilities per location, upsampled bilinearly to the label size, argmax.
#include <cstdint>
#include <map>
#include <string>

#include <ATen/core/Tensor.h>

#include "eval/fewshot/probes.h"

namespace facerep::eval::fewshot {

// The region classes (data::Region::kCount: background, skin, brows, eyes, nose, mouth, hair,
// neck, glasses).
int64_t parsing_classes();

// Region maps [n, S, S] (integer classes < `classes`) reduced to an h x w grid by majority:
// [n, h, w] int64. Any S, h, w (cells of unequal size when S is not a multiple).
at::Tensor majority_grid(const at::Tensor& regions, int64_t h, int64_t w, int64_t classes);

struct DenseProbeOptions {
  LinearProbeOptions probe;  // task and classes are set by dense_linear_predict
  // Training locations kept at most (probe rows): beyond it, the same number of locations is
  // drawn from every image (at least one), from probe.seed, so a cell stays cheap on large maps.
  int64_t max_locations = 20000;
};

// Fits the per-location probe on training maps [n, C, h, w] and region maps [n, S, S], returns
// the predicted region class of every pixel of the query maps [m, C, h, w]: [m, S, S] int64.
at::Tensor dense_linear_predict(const at::Tensor& train_maps, const at::Tensor& train_regions,
                                const at::Tensor& query_maps, int64_t classes, DenseProbeOptions options);

// miou (eval::fewshot::mean_iou over the classes present in prediction or target) and
// pixel_accuracy of predicted region maps against the targets (both [m, S, S] integer classes).
std::map<std::string, double> parsing_metrics(const at::Tensor& pred, const at::Tensor& target, int64_t classes);

}  // namespace facerep::eval::fewshot
