#pragma once
// Rank-sharded tensors in checkpoints. An objective's sharded parameters
// (Objective::sharded_parameters) are blocks of rows, in rank order, of one whole tensor, and the
// optimizer keeps slots of the same shape for them. A checkpoint holds them whole: rank 0 collects
// the ranks' blocks one at a time (a broadcast each, so no other rank ever holds more than its own
// block and one other), and a resumed run, on any number of processes, keeps its own rows. Only
// rank 0 needs the memory of the whole tensors, and only while it writes.
#include <cstdint>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>
#include <torch/nn/module.h>

#include "runtime/module_state.h"

namespace facerep::dist {
class Communicator;
}

namespace facerep::trainers {

struct ShardedKeys {
  std::vector<std::string> names;  // the objective's state keys ("weight")
  std::vector<int64_t> rows;       // this rank's rows of each
  bool empty() const { return names.empty(); }
};
// The keys of `sharded` (tensors of `objective`) in its state. Throws core::RuntimeError when one
// is not a parameter of `objective`.
ShardedKeys sharded_keys(const torch::nn::Module& objective, const std::vector<at::Tensor>& sharded);

// In place, collectively: this rank's blocks become the whole tensors on rank 0, in the
// objective's state and in the optimizer's ("objective.<name>/<slot>" shaped like the block);
// the other ranks' entries are left as they were.
void gather_sharded(runtime::NamedTensors& objective_state, runtime::NamedTensors& optimizer_state,
                    const ShardedKeys& keys, dist::Communicator& comm);

// In place: whole tensors become this rank's rows (`comm`: nullptr in one process). Throws
// core::RuntimeError naming `source` when a tensor does not hold the whole job's rows (a
// checkpoint written before sharded tensors were gathered holds rank 0's block only).
void slice_sharded(runtime::NamedTensors& objective_state, runtime::NamedTensors& optimizer_state,
                   const ShardedKeys& keys, dist::Communicator* comm, const std::string& source);

}  // namespace facerep::trainers
