#pragma once
// AU probabilities of a whole evaluation dataset through an objective's AU head, with the labels.
#include <string>

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

#include "data/dataset.h"
#include "losses/au/au_predictor.h"
#include "models/backbone.h"

namespace facerep::eval {

struct AuScores {
  at::Tensor probabilities;  // [N, U] float32 on the CPU, sigmoid of the logits
  at::Tensor labels;         // [N, U] float32 of 0/1
};

// Runs `model` + `predictor` over every sample of `dataset` in order, in eval mode, without
// gradients. `what` names the data in errors ("eval aus: data.source"): a core::ConfigError when a
// sample has no AU labels or another number of units than the predictor.
AuScores au_scores(models::Backbone& model, losses::AuPredictor& predictor, const data::Dataset& dataset,
                   int64_t batch_size, c10::Device device, const std::string& what);

}  // namespace facerep::eval
