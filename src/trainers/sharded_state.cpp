#include "trainers/sharded_state.h"

#include <ATen/ATen.h>

#include "core/error.h"
#include "dist/communicator.h"

namespace facerep::trainers {

namespace {

// Rows of each sharded tensor on every rank: rows[rank][key].
std::vector<std::vector<int64_t>> rows_by_rank(const ShardedKeys& keys, dist::Communicator* comm) {
  if (!comm || comm->world_size() == 1) return {keys.rows};
  const at::Tensor mine = at::tensor(keys.rows, at::TensorOptions().dtype(at::kLong));
  std::vector<std::vector<int64_t>> out;
  for (const at::Tensor& t : comm->all_gather(mine, "sharded tensor sizes")) {
    const at::Tensor c = t.cpu();
    out.emplace_back(c.data_ptr<int64_t>(), c.data_ptr<int64_t>() + c.numel());
  }
  return out;
}

// Visits every sharded entry of both states: (entry, index of its key).
template <class F> void for_each_sharded(runtime::NamedTensors& objective_state, runtime::NamedTensors& optimizer_state,
                                         const ShardedKeys& keys, F&& f) {
  for (auto& entry : objective_state)
    for (size_t k = 0; k < keys.names.size(); ++k)
      if (entry.first == keys.names[k]) f(entry, k);
  for (auto& entry : optimizer_state)
    for (size_t k = 0; k < keys.names.size(); ++k)
      if (entry.first.rfind("objective." + keys.names[k] + "/", 0) == 0 && entry.second.dim() > 0) f(entry, k);
}

}  // namespace

ShardedKeys sharded_keys(const torch::nn::Module& objective, const std::vector<at::Tensor>& sharded) {
  ShardedKeys keys;
  const auto params = objective.named_parameters(/*recurse=*/true);
  for (const at::Tensor& t : sharded) {
    bool found = false;
    for (const auto& p : params)
      if (p.value().unsafeGetTensorImpl() == t.unsafeGetTensorImpl()) {
        keys.names.push_back(p.key());
        keys.rows.push_back(t.size(0));
        found = true;
      }
    if (!found) throw core::RuntimeError("a sharded tensor of the objective is not one of its parameters");
  }
  return keys;
}

void gather_sharded(runtime::NamedTensors& objective_state, runtime::NamedTensors& optimizer_state,
                    const ShardedKeys& keys, dist::Communicator& comm) {
  const auto rows = rows_by_rank(keys, &comm);
  const int world = comm.world_size();
  for_each_sharded(objective_state, optimizer_state, keys, [&](auto& entry, size_t k) {
    const at::Tensor block = entry.second.detach().contiguous();
    int64_t total = 0;
    for (int r = 0; r < world; ++r) total += rows[r][k];
    std::vector<int64_t> shape = block.sizes().vec();
    shape[0] = total;
    at::Tensor whole = comm.rank() == 0 ? at::empty(shape, block.options()) : at::Tensor();
    int64_t offset = 0;
    for (int r = 0; r < world; ++r) {
      shape[0] = rows[r][k];
      at::Tensor part = r == comm.rank() ? block : at::empty(shape, block.options());
      comm.broadcast(part, r, "gathering " + entry.first + " for the checkpoint");
      if (whole.defined()) whole.narrow(0, offset, rows[r][k]).copy_(part);
      offset += rows[r][k];
    }
    if (whole.defined()) entry.second = whole;
  });
}

void slice_sharded(runtime::NamedTensors& objective_state, runtime::NamedTensors& optimizer_state,
                   const ShardedKeys& keys, dist::Communicator* comm, const std::string& source) {
  const auto rows = rows_by_rank(keys, comm);
  const int rank = comm ? comm->rank() : 0;
  for_each_sharded(objective_state, optimizer_state, keys, [&](auto& entry, size_t k) {
    int64_t offset = 0, total = 0;
    for (size_t r = 0; r < rows.size(); ++r) {
      if (static_cast<int>(r) < rank) offset += rows[r][k];
      total += rows[r][k];
    }
    if (entry.second.size(0) != total)
      throw core::RuntimeError(source + ": '" + entry.first + "' holds " + std::to_string(entry.second.size(0)) +
                               " rows, but the " + std::to_string(rows.size()) + " process(es) of this run hold " +
                               std::to_string(total) +
                               " together (checkpoints of multi-process runs from before sharded tensors were saved whole hold "
                               "rank 0's rows only and cannot be resumed; their backbone still loads with "
                               "model.pretrained)");
    entry.second = entry.second.narrow(0, offset, keys.rows[k]).clone();
  });
}

}  // namespace facerep::trainers
