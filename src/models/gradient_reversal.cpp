#include "models/gradient_reversal.h"

#include <torch/torch.h>

namespace facerep::models {

namespace {
struct GradientReversal : public torch::autograd::Function<GradientReversal> {
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& x, double lambda) {
    ctx->saved_data["lambda"] = lambda;
    return x.clone();  // a new tensor: no view aliasing for in-place ops downstream
  }
  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    const double lambda = ctx->saved_data["lambda"].toDouble();
    return {grads[0] * -lambda, at::Tensor()};  // no gradient for lambda
  }
};
}  // namespace

at::Tensor reverse_gradient(const at::Tensor& x, double lambda) { return GradientReversal::apply(x, lambda); }

}  // namespace facerep::models
