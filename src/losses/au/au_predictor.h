#pragma once
// Capability of objectives that carry an action-unit head (`au`): AU logits for images through a
// backbone, for the AU evaluators. Asked for through Objective::au_predictor().
#include <cstdint>

#include <ATen/core/Tensor.h>

#include "models/backbone.h"

namespace facerep::losses {

class AuPredictor {
 public:
  virtual ~AuPredictor() = default;
  // Logits [B, num_aus()] for normalised images [B, C, H, W] on the model's device (sigmoid → probability).
  virtual at::Tensor au_logits(models::Backbone& model, const at::Tensor& images) = 0;
  virtual int64_t num_aus() const = 0;
};

}  // namespace facerep::losses
