#pragma once
// Stacks transformed samples into a Batch.
//
// Images: every view becomes [B, 3, H, W] float32 RGB. 8-bit images (no `normalize` transform)
// are scaled to [0, 1] and normalised with mean = std = 0.5 here; float images were normalised
// by the transform and are only transposed. Grey images are replicated to three channels.
// Labels: a label kind some samples lack gets zeros there and `false` in its mask; a kind no
// sample has stays an undefined tensor. Landmarks and region maps are those of view 0.
#include <vector>

#include "data/batch.h"
#include "data/sample.h"

namespace facerep::data {

// per_sample_views[i][v]: view v of sample i; every sample needs the same number of views and
// every view the same image size. Throws core::RuntimeError naming the sample paths when sizes
// or label lengths disagree, or when the list is empty.
Batch collate(const std::vector<std::vector<Sample>>& per_sample_views);

}  // namespace facerep::data
