#pragma once
// One process group: a rendezvous through c10d's TCPStore (rank 0 serves it) and a c10d backend
// over it (Gloo for CPU tensors, NCCL for CUDA tensors when this LibTorch has it), plus the
// heartbeats that let a failure name the rank that was lost (peer_monitor.h). Every collective
// takes the job's timeout (run.dist_timeout_s), so a dead or stuck peer ends the job with an
// error instead of a hang. Torch-light header: c10d stays inside src/dist's .cpp files.
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

#include "core/error.h"
#include "dist/dist_env.h"

namespace facerep::dist {

// A collective (or the rendezvous) failed: a peer died, stalled or left with an error. The
// message names this rank, what became of the peers and the backend's own words.
class CollectiveError : public core::RuntimeError {
 public:
  using core::RuntimeError::RuntimeError;
};

struct CommunicatorOptions {
  int rank = 0;
  int world_size = 1;
  int local_rank = 0;  // this process's index on its node (its GPU)
  std::string master_addr = "127.0.0.1";
  int master_port = kDefaultMasterPort;
  std::string backend = "gloo";  // gloo | nccl
  std::chrono::milliseconds timeout{std::chrono::minutes(30)};
  std::string launcher = "none";  // named in messages
  // The launcher (torchrun's agent) serves the store and every rank joins as a client; otherwise
  // rank 0 serves it.
  bool launcher_store = false;
  // Prefix of every key this job writes to the store (torchrun: per restart attempt).
  std::string key_prefix = "facerep/";
};

// The backends this build can create ("gloo", "nccl").
bool backend_available(const std::string& backend);

// A collective in flight.
class PendingOp {
 public:
  virtual ~PendingOp() = default;
  // Blocks until it is done. Throws CollectiveError naming the lost peer when it failed or
  // timed out.
  virtual void wait() = 0;
};

class Communicator {
 public:
  // Joins the rendezvous and builds the backend. Throws core::ConfigError when this build lacks
  // the backend, CollectiveError when the rendezvous fails (address in use, rank 0
  // unreachable, not every rank joined within the timeout).
  static std::unique_ptr<Communicator> connect(const CommunicatorOptions& options);
  ~Communicator();
  Communicator(const Communicator&) = delete;
  Communicator& operator=(const Communicator&) = delete;

  int rank() const;
  int world_size() const;
  int local_rank() const;
  const std::string& backend() const;
  std::chrono::milliseconds timeout() const;

  // `what` names the operation in error messages ("gradient all-reduce").
  // Sums `tensor` over the ranks in place (contiguous, same shape everywhere).
  std::unique_ptr<PendingOp> all_reduce_sum_async(at::Tensor& tensor, const std::string& what);
  void all_reduce_sum(at::Tensor& tensor, const std::string& what);
  // Copies rank `root`'s `tensor` into every rank's (contiguous, same shape everywhere).
  void broadcast(at::Tensor& tensor, int root, const std::string& what);
  // Every rank's `tensor` (contiguous, same shape everywhere), in rank order.
  std::vector<at::Tensor> all_gather(const at::Tensor& tensor, const std::string& what);
  // Returns once every rank has called it.
  void barrier(const std::string& what);
  // Rank `root`'s `text` on every rank, through the rendezvous store. `key` must be new for
  // each use in a job (e.g. "run_dir").
  std::string share_text(const std::string& key, const std::string& text, int root);

  // Leaves `message` for the peers, so their errors name this rank's (best effort, never throws).
  void report_failure(const std::string& message) noexcept;
  // Throws the CollectiveError for a failed `what`: this rank, what became of the peers
  // (diagnosed through the heartbeats; takes a few seconds) and the backend's `cause`.
  [[noreturn]] void fail(const std::string& what, const std::string& cause) const;

 private:
  struct Impl;
  explicit Communicator(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace facerep::dist
