#include "dist/grad_reducer.h"

#include <torch/torch.h>

#include "core/error.h"
#include "dist/communicator.h"

namespace facerep::dist {

GradReducer::GradReducer(Communicator& comm, std::vector<at::Tensor> params, double bucket_mb) : comm_(comm) {
  if (!(bucket_mb > 0.0))
    throw core::ConfigError(core::SourceLoc{}, "train.dist_bucket_mb", "must be > 0, got " + std::to_string(bucket_mb));
  for (auto& p : params)
    if (p.defined() && p.requires_grad()) params_.push_back(p);
  const int64_t cap = static_cast<int64_t>(bucket_mb * 1024.0 * 1024.0);
  bucket_of_.assign(params_.size(), 0);
  slot_of_.assign(params_.size(), 0);
  arrived_.assign(params_.size(), 1);
  int64_t bytes = 0;
  // Reverse order: the last layers' gradients are ready first.
  for (size_t k = params_.size(); k-- > 0;) {
    const at::Tensor& p = params_[k];
    const bool fits = !buckets_.empty() && bytes + static_cast<int64_t>(p.nbytes()) <= cap;
    const bool same_kind = !buckets_.empty() &&
                           params_[buckets_.back().members.front()].scalar_type() == p.scalar_type() &&
                           params_[buckets_.back().members.front()].device() == p.device();
    if (!(fits && same_kind)) {
      buckets_.emplace_back();
      bytes = 0;
    }
    Bucket& b = buckets_.back();
    bucket_of_[k] = buckets_.size() - 1;
    slot_of_[k] = b.members.size();
    b.members.push_back(k);
    b.offsets.push_back(b.grad_numel);
    b.grad_numel += p.numel();
    bytes += static_cast<int64_t>(p.nbytes());
  }
  for (size_t i = 0; i < buckets_.size(); ++i) {
    Bucket& b = buckets_[i];
    const at::Tensor& first = params_[b.members.front()];
    const int64_t extra = static_cast<int64_t>(b.members.size()) + (i == 0 ? 1 : 0);
    b.flat = at::zeros({b.grad_numel + extra}, first.options().requires_grad(false));
  }
  for (size_t k = 0; k < params_.size(); ++k)
    hook_ids_.push_back(params_[k].register_hook([this, k](const at::Tensor& grad) { on_gradient(k, grad); }));
}

GradReducer::~GradReducer() {
  for (size_t k = 0; k < hook_ids_.size(); ++k) params_[k].remove_hook(hook_ids_[k]);
}

void GradReducer::prepare(bool last, const at::Tensor& skip_vote) {
  std::lock_guard<std::mutex> lock(mutex_);
  armed_ = last;
  if (!last) return;
  skip_vote_ = skip_vote;
  locally_missing_ = false;
  std::fill(arrived_.begin(), arrived_.end(), 0);
  for (auto& b : buckets_) b.pending = b.members.size();
  next_launch_ = 0;
}

void GradReducer::on_gradient(size_t index, const at::Tensor& grad) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!armed_ || arrived_[index]) return;
  fill_slot(index, grad);
  arrived_[index] = 1;
  if (--buckets_[bucket_of_[index]].pending == 0) launch_ready();
}

void GradReducer::fill_slot(size_t index, const at::Tensor& fresh) {
  torch::NoGradGuard no_grad;
  Bucket& b = buckets_[bucket_of_[index]];
  const size_t k = slot_of_[index];
  const at::Tensor& param = params_[index];
  at::Tensor slot = b.flat.narrow(0, b.offsets[k], param.numel());
  const at::Tensor& accumulated = param.grad();  // earlier micro-batches of this step
  if (fresh.defined() && fresh.is_sparse())
    throw core::RuntimeError("data-parallel training reduces dense gradients only; a parameter of shape " +
                             std::to_string(param.numel()) + " elements got a sparse one");
  double count = 1.0;
  if (fresh.defined() && accumulated.defined()) {
    slot.copy_(accumulated.reshape(-1));
    slot.add_(fresh.reshape(-1));
  } else if (fresh.defined()) {
    slot.copy_(fresh.reshape(-1));
  } else if (accumulated.defined()) {
    slot.copy_(accumulated.reshape(-1));
  } else {
    slot.zero_();
    count = 0.0;
    locally_missing_ = true;
  }
  b.flat.narrow(0, b.grad_numel + static_cast<int64_t>(k), 1).fill_(count);
}

void GradReducer::launch_ready() {
  while (next_launch_ < buckets_.size() && buckets_[next_launch_].pending == 0) launch(buckets_[next_launch_++]);
}

void GradReducer::launch(Bucket& b) {
  if (&b == &buckets_.front()) {
    at::Tensor vote = b.flat.narrow(0, b.flat.numel() - 1, 1);
    if (skip_vote_.defined())
      vote.copy_(skip_vote_.reshape({1}));  // on the device: no host sync
    else
      vote.zero_();
  }
  b.op = comm_.all_reduce_sum_async(b.flat, "gradient all-reduce");
  ++launched_total_;
}

at::Tensor GradReducer::finish() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    launched_in_backward_ = next_launch_;
    for (size_t k = 0; k < params_.size(); ++k) {
      if (arrived_[k]) continue;
      fill_slot(k, at::Tensor());  // no gradient in this backward (unused, or frozen by the graph)
      arrived_[k] = 1;
      --buckets_[bucket_of_[k]].pending;
    }
    launch_ready();
    armed_ = false;
  }
  const auto t0 = std::chrono::steady_clock::now();
  for (auto& b : buckets_) {
    b.op->wait();
    b.op.reset();
  }
  last_wait_s_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  torch::NoGradGuard no_grad;
  const double world = static_cast<double>(comm_.world_size());
  const at::Tensor& first = buckets_.front().flat;
  const at::Tensor votes = first.narrow(0, first.numel() - 1, 1).reshape({}).clone();
  for (auto& b : buckets_) {
    b.flat.narrow(0, 0, b.grad_numel).div_(world);
    // When this rank gave every parameter a gradient, every count is at least 1: nothing to read.
    at::Tensor counts;
    if (locally_missing_)
      counts = b.flat.narrow(0, b.grad_numel, static_cast<int64_t>(b.members.size())).to(at::kCPU, at::kDouble);
    for (size_t k = 0; k < b.members.size(); ++k) {
      // No rank had a gradient: leave none, as one process would.
      if (counts.defined() && counts.data_ptr<double>()[k] == 0.0) continue;
      at::Tensor& param = params_[b.members[k]];
      const at::Tensor mean = b.flat.narrow(0, b.offsets[k], param.numel()).view(param.sizes());
      if (param.grad().defined())
        param.mutable_grad().copy_(mean);
      else
        param.mutable_grad() = mean.clone();
    }
  }
  return votes;
}

}  // namespace facerep::dist
