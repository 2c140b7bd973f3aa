#include "losses/au/identity_adversary.h"

#include <torch/torch.h>

#include "models/gradient_reversal.h"

namespace facerep::losses {

IdentityAdversaryImpl::IdentityAdversaryImpl(const IatOptions& options, int64_t in_dim, int64_t num_subjects)
    : num_subjects_(num_subjects) {
  if (options.head == "mlp")
    head_ = torch::nn::Sequential(torch::nn::Linear(in_dim, options.hidden), torch::nn::ReLU(),
                                  torch::nn::Linear(options.hidden, num_subjects));
  else
    head_ = torch::nn::Sequential(torch::nn::Linear(in_dim, num_subjects));
  register_module("head", head_);
}

at::Tensor IdentityAdversaryImpl::forward(const at::Tensor& features, double lambda) {
  const at::Tensor x = lambda > 0 ? models::reverse_gradient(features, lambda) : features.detach();
  return head_->forward(x);
}

}  // namespace facerep::losses
