#include "losses/sharded_cross_entropy.h"

#include <torch/torch.h>

#include "dist/communicator.h"

namespace facerep::losses {

namespace {
using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// The row maxima over every rank's columns. A max is not a sum, so it goes through an all-gather
// of the [N] maxima (a few KB) rather than an all-reduce the communicator does not offer.
at::Tensor global_row_max(const at::Tensor& local_max, dist::Communicator* comm) {
  if (!comm) return local_max;
  return at::stack(comm->all_gather(local_max.contiguous(), "sharded softmax row maximum"), 0).amax(0);
}

at::Tensor summed(at::Tensor t, dist::Communicator* comm, const char* what) {
  if (comm) comm->all_reduce_sum(t, what);
  return t;
}

class ShardedCrossEntropy : public torch::autograd::Function<ShardedCrossEntropy> {
 public:
  static variable_list forward(AutogradContext* ctx, const at::Tensor& logits, const at::Tensor& target,
                               dist::Communicator* comm) {
    const at::Tensor z = logits.to(at::kFloat);
    const int64_t n = z.size(0);
    // The max only shifts the exponentials; any common value per row gives the same softmax.
    const at::Tensor row_max = global_row_max(z.amax(1), comm);
    const at::Tensor exp = (z - row_max.unsqueeze(1)).exp();
    const at::Tensor sum_exp = summed(exp.sum(1).contiguous(), comm, "sharded softmax normaliser");
    const at::Tensor here = target >= 0;
    const at::Tensor column = target.clamp_min(0).unsqueeze(1);
    const at::Tensor local_target = at::where(here, z.gather(1, column).squeeze(1), at::zeros_like(row_max));
    const at::Tensor target_logit = summed(local_target.contiguous(), comm, "sharded softmax target logit");
    const at::Tensor loss = (sum_exp.log() - (target_logit - row_max)).mean();
    ctx->save_for_backward({exp / sum_exp.unsqueeze(1), target});
    ctx->saved_data["rows"] = n;
    ctx->saved_data["dtype"] = static_cast<int64_t>(logits.scalar_type());
    return {loss};
  }

  static variable_list backward(AutogradContext* ctx, variable_list grad_outputs) {
    const auto saved = ctx->get_saved_variables();
    const at::Tensor& target = saved[1];
    at::Tensor grad = saved[0].clone();
    const at::Tensor rows = at::nonzero(target >= 0).squeeze(1);
    const at::Tensor columns = target.index_select(0, rows);
    grad.index_put_({rows, columns}, grad.index({rows, columns}) - 1.0);
    grad.mul_(grad_outputs[0] / static_cast<double>(ctx->saved_data["rows"].toInt()));
    const auto dtype = static_cast<at::ScalarType>(ctx->saved_data["dtype"].toInt());
    return {grad.to(dtype), at::Tensor(), at::Tensor()};
  }
};
}  // namespace

at::Tensor sharded_cross_entropy(const at::Tensor& logits, const at::Tensor& target, dist::Communicator* comm) {
  return ShardedCrossEntropy::apply(logits, target, comm)[0];
}

}  // namespace facerep::losses
