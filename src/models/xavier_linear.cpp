#include "models/xavier_linear.h"

#include <torch/torch.h>

namespace facerep::models {

torch::nn::Linear xavier_linear(int64_t in, int64_t out) {
  torch::nn::Linear l(in, out);
  torch::nn::init::xavier_uniform_(l->weight);
  torch::nn::init::zeros_(l->bias);
  return l;
}

}  // namespace facerep::models
