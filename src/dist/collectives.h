#pragma once
// Collectives the trainer and the objectives call, over the process's current communicator
// (set by dist::Job for a multi-process run). In a single-process run there is none: every
// function here is then an identity that costs nothing, so single-process code paths stay as
// they were.
#include <string>

#include <ATen/core/Tensor.h>

namespace facerep::dist {

class Communicator;

int world_size();
int rank();
int local_rank();  // this process's index on its node (0 in a single-process run)
// The current communicator; nullptr in a single-process run.
Communicator* current();

// Makes `comm` the process's current communicator while it lives (one at a time).
class CurrentCommunicator {
 public:
  explicit CurrentCommunicator(Communicator* comm);
  ~CurrentCommunicator();
  CurrentCommunicator(const CurrentCommunicator&) = delete;
  CurrentCommunicator& operator=(const CurrentCommunicator&) = delete;
};

// While it lives, this process's collectives are single-process identities: for work one rank
// does alone while the others wait (rank 0's evaluation), so no code inside can start a
// collective the others never join.
class AloneScope {
 public:
  AloneScope();
  ~AloneScope();
  AloneScope(const AloneScope&) = delete;
  AloneScope& operator=(const AloneScope&) = delete;

 private:
  Communicator* saved_;
};

// Concatenates `x` from every rank along dim 0, in rank order (dim 0 may differ between ranks;
// the other dims may not). Differentiable: since every rank's loss may use every part, the
// gradient reaching this rank's `x` is its slice of the gradient summed over the ranks.
at::Tensor all_gather_cat(const at::Tensor& x);
at::Tensor all_gather_cat(const at::Tensor& x, Communicator& comm);

// In place over the current communicator (no-ops in a single-process run). `what` names the
// operation in error messages.
void all_reduce_sum(at::Tensor& t, const std::string& what = "all-reduce");
void broadcast(at::Tensor& t, int root = 0, const std::string& what = "broadcast");
void barrier(const std::string& what = "barrier");
// Rank `root`'s value of a flag on every rank.
bool broadcast_flag(bool value, int root, const std::string& what);

// Copies rank 0's values into every rank's tensors (any layout, several dtypes): flattened per
// dtype so a model of hundreds of tensors costs a few broadcasts.
void broadcast_tensors(const std::vector<at::Tensor>& tensors, Communicator& comm, const std::string& what);

}  // namespace facerep::dist
