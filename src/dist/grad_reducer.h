#pragma once
// Data-parallel gradient averaging: after an optimizer step's backward, every rank holds the mean
// of the ranks' gradients, as if one process had run the whole global batch.
//
// Parameters are packed, in reverse order (roughly the order backward produces their gradients),
// into buckets of about `bucket_mb` MiB. A hook on each parameter copies its gradient into its
// bucket as soon as backward produces it; a full bucket is all-reduced asynchronously while
// backward goes on with earlier layers. Buckets are launched strictly in index order so every rank
// issues the same collectives in the same order, whatever order its hooks fire in.
//
// Gradient accumulation: only the backward of an optimizer step's last micro-batch is reduced
// (its hooks add the gradient already accumulated in .grad); earlier micro-batches only
// accumulate locally, with no communication.
//
// Each bucket also carries one "had a gradient" count per parameter, so a parameter that no rank
// used keeps no gradient (as in a single process, where the optimizer then skips it), and bucket 0
// carries the ranks' votes to skip the step (a non-finite loss on some rank), so all ranks skip
// together. Nothing is read back to the host: the vote stays a tensor, and the counts are read
// only in a step where this rank itself left some parameter without a gradient.
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include <ATen/core/Tensor.h>

namespace facerep::dist {

class Communicator;
class PendingOp;

class GradReducer {
 public:
  // `params`: the trainable parameters, in the same order on every rank.
  GradReducer(Communicator& comm, std::vector<at::Tensor> params, double bucket_mb);
  ~GradReducer();  // removes the hooks
  GradReducer(const GradReducer&) = delete;
  GradReducer& operator=(const GradReducer&) = delete;

  // Before each backward of a step. `last`: the step's last micro-batch (only its backward is
  // reduced). `skip_vote` (given with the last micro-batch): a 0-dim tensor, nonzero when this
  // rank wants the step skipped; undefined = no.
  void prepare(bool last, const at::Tensor& skip_vote = {});
  // After the last backward: launches the buckets backward did not fill, waits for all, and
  // leaves the mean gradient in every parameter's .grad. Returns the number of ranks that voted
  // to skip the step, a 0-dim tensor on the gradients' device. Throws core::RuntimeError naming
  // the lost peer when a collective fails.
  at::Tensor finish();

  size_t bucket_count() const { return buckets_.size(); }
  // Collectives launched over the run (one per bucket per reduced step).
  int64_t collectives_launched() const { return launched_total_; }
  // Buckets backward had filled and launched before finish() (overlap) in the last step.
  size_t launched_during_backward() const { return launched_in_backward_; }
  // Time finish() spent waiting for communication in the last step (the part not hidden
  // behind backward).
  double last_wait_seconds() const { return last_wait_s_; }

 private:
  struct Bucket {
    std::vector<size_t> members;   // indices into params_
    std::vector<int64_t> offsets;  // element offset of each member in `flat`
    int64_t grad_numel = 0;        // gradients first, then one count per member (+1 skip vote in bucket 0)
    at::Tensor flat;
    size_t pending = 0;  // members whose gradient has not arrived this step
    std::unique_ptr<PendingOp> op;
  };

  void on_gradient(size_t index, const at::Tensor& grad);
  // Puts parameter `index`'s gradient (.grad plus `fresh` when given) into its slot.
  void fill_slot(size_t index, const at::Tensor& fresh);
  void launch_ready();  // call with mutex_ held
  void launch(Bucket& b);

  Communicator& comm_;
  std::vector<at::Tensor> params_;
  std::vector<unsigned> hook_ids_;
  std::vector<size_t> bucket_of_;
  std::vector<size_t> slot_of_;  // position of a parameter within its bucket
  std::vector<char> arrived_;
  std::vector<Bucket> buckets_;
  std::mutex mutex_;
  bool armed_ = false;
  at::Tensor skip_vote_;
  bool locally_missing_ = false;  // this step, some parameter got no gradient on this rank
  size_t next_launch_ = 0;
  size_t launched_in_backward_ = 0;
  int64_t launched_total_ = 0;
  double last_wait_s_ = 0.0;
};

}  // namespace facerep::dist
