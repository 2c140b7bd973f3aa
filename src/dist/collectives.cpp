#include "dist/collectives.h"

#include <map>

#include <torch/torch.h>

#include "core/error.h"
#include "dist/communicator.h"

namespace facerep::dist {
namespace {

Communicator*& current_slot() {
  static Communicator* comm = nullptr;
  return comm;
}

// The autograd function behind all_gather_cat. Forward: gather every rank's row count, pad to
// the largest, gather, trim, concatenate. Backward: sum the gradient of the whole concatenation
// over the ranks (each rank's loss contributed to every part) and keep this rank's rows.
class AllGatherCat : public torch::autograd::Function<AllGatherCat> {
 public:
  static torch::autograd::variable_list forward(torch::autograd::AutogradContext* ctx, const at::Tensor& x,
                                                Communicator* comm) {
    const int world = comm->world_size();
    at::Tensor rows = at::full({1}, x.size(0), x.options().dtype(at::kLong));
    std::vector<at::Tensor> counts = comm->all_gather(rows, "all-gather (row counts)");
    std::vector<int64_t> sizes(world);
    int64_t max_rows = 0;
    for (int r = 0; r < world; ++r) {
      sizes[r] = counts[r].item<int64_t>();
      max_rows = std::max(max_rows, sizes[r]);
    }
    at::Tensor padded = x.detach().contiguous();
    if (x.size(0) < max_rows) {
      std::vector<int64_t> shape = x.sizes().vec();
      shape[0] = max_rows - x.size(0);
      padded = at::cat({padded, at::zeros(shape, x.options())}, 0);
    }
    std::vector<at::Tensor> parts = comm->all_gather(padded, "all-gather");
    for (int r = 0; r < world; ++r) parts[r] = parts[r].narrow(0, 0, sizes[r]);
    int64_t offset = 0;
    for (int r = 0; r < comm->rank(); ++r) offset += sizes[r];
    ctx->saved_data["offset"] = offset;
    ctx->saved_data["rows"] = x.size(0);
    ctx->saved_data["comm"] = reinterpret_cast<int64_t>(comm);
    return {at::cat(parts, 0)};
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grad_outputs) {
    auto* comm = reinterpret_cast<Communicator*>(ctx->saved_data["comm"].toInt());
    at::Tensor total = grad_outputs[0].contiguous().clone();
    comm->all_reduce_sum(total, "all-gather backward (gradient sum)");
    const at::Tensor mine = total.narrow(0, ctx->saved_data["offset"].toInt(), ctx->saved_data["rows"].toInt());
    return {mine, at::Tensor()};
  }
};

}  // namespace

int world_size() { return current_slot() ? current_slot()->world_size() : 1; }
int rank() { return current_slot() ? current_slot()->rank() : 0; }
int local_rank() { return current_slot() ? current_slot()->local_rank() : 0; }
Communicator* current() { return current_slot(); }

CurrentCommunicator::CurrentCommunicator(Communicator* comm) {
  if (current_slot()) throw core::RuntimeError("a communicator is already current in this process");
  current_slot() = comm;
}
CurrentCommunicator::~CurrentCommunicator() { current_slot() = nullptr; }

AloneScope::AloneScope() : saved_(current_slot()) { current_slot() = nullptr; }
AloneScope::~AloneScope() { current_slot() = saved_; }

at::Tensor all_gather_cat(const at::Tensor& x) { return current() ? all_gather_cat(x, *current()) : x; }

at::Tensor all_gather_cat(const at::Tensor& x, Communicator& comm) {
  if (comm.world_size() == 1) return x;
  return AllGatherCat::apply(x, &comm)[0];
}

void all_reduce_sum(at::Tensor& t, const std::string& what) {
  if (current()) current()->all_reduce_sum(t, what);
}

void broadcast(at::Tensor& t, int root, const std::string& what) {
  if (current()) current()->broadcast(t, root, what);
}

void barrier(const std::string& what) {
  if (current()) current()->barrier(what);
}

bool broadcast_flag(bool value, int root, const std::string& what) {
  if (!current()) return value;
  at::Tensor t = at::full({1}, value ? 1 : 0, at::TensorOptions().dtype(at::kInt));
  current()->broadcast(t, root, what);
  return t.item<int>() != 0;
}

void broadcast_tensors(const std::vector<at::Tensor>& tensors, Communicator& comm, const std::string& what) {
  if (comm.world_size() == 1 || tensors.empty()) return;
  torch::NoGradGuard no_grad;
  // Grouped by (device, dtype); std::map keeps the order identical on every rank.
  std::map<std::pair<std::string, int>, std::vector<at::Tensor>> groups;
  for (const auto& t : tensors)
    groups[{t.device().str(), static_cast<int>(t.scalar_type())}].push_back(t);
  for (auto& [key, members] : groups) {
    std::vector<at::Tensor> flat_parts;
    for (const auto& t : members) flat_parts.push_back(t.reshape(-1));
    at::Tensor flat = at::cat(flat_parts, 0);
    comm.broadcast(flat, 0, what);
    int64_t offset = 0;
    for (auto& t : members) {
      t.copy_(flat.narrow(0, offset, t.numel()).view(t.sizes()));
      offset += t.numel();
    }
  }
}

}  // namespace facerep::dist
