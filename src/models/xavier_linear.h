#pragma once
// Linear layers initialised as MAE and timm's ViT initialise them (xavier-uniform weight, zero
// bias): one home for the ViT, the MAE decoder and FSFM's heads.
#include <cstdint>

#include <torch/nn/modules/linear.h>

namespace facerep::models {

torch::nn::Linear xavier_linear(int64_t in, int64_t out);

}  // namespace facerep::models
